// swift-tools-version:5.9
// The Rust core for the iOS shell: the OrientationCoreFFI XCFramework (static libraries for devices and
// simulators, with the C header and module map) and the OrientationCore Swift module (the generated bindings
// plus bindings/swift). scripts/build-ios fills OrientationCoreFFI.xcframework and Sources/OrientationCore;
// neither is committed. The app adds this package by path and imports OrientationCore.
import PackageDescription

let package = Package(
    name: "OrientationCore",
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "OrientationCore", targets: ["OrientationCore"]),
    ],
    targets: [
        .binaryTarget(name: "OrientationCoreFFI", path: "OrientationCoreFFI.xcframework"),
        .target(
            name: "OrientationCore",
            dependencies: ["OrientationCoreFFI"],
            path: "Sources/OrientationCore"
        ),
    ]
)
