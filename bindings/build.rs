//! Link options for the shipped shared library (liborientation_ffi.so), which only the final link sees:
//! no dependency is rebuilt for them, and the dev and test builds do not get them.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // release and the profiles that inherit it (release-mobile, the one the apps ship).
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if !release {
        return;
    }
    match os.as_str() {
        // The NDK links with lld (r26+), and so does rustc on Linux hosts since 1.90 (rust-lld); both
        // options need lld. Figures: README, "Measuring".
        "android" | "linux" => {
            // Identical functions folded into one: the chat's generic code is instantiated once per crate
            // that uses it (about 0.3 MB of code and its unwind tables). Rust never relies on two
            // functions having different addresses.
            println!("cargo:rustc-cdylib-link-arg=-Wl,--icf=all");
            // Relative relocations packed (about 2 MB of .rela.dyn otherwise). Android: the packed format
            // its loader reads since API 23 (the app's minSdk is 26; DT_RELR would need API 28+). Linux hosts:
            // DT_RELR, read by glibc 2.36+.
            if os == "android" {
                println!("cargo:rustc-cdylib-link-arg=-Wl,--pack-dyn-relocs=android");
            } else {
                println!("cargo:rustc-cdylib-link-arg=-Wl,-z,pack-relative-relocs");
            }
        }
        _ => {}
    }
}
