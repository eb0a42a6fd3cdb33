// The shared UI as an Android library. The same src/main/kotlin is compiled for the JVM desktop by
// pom.xml (UI tests, screenshots, preview); src/desktopMain and src/desktopTest are desktop-only and not
// part of this module. The generated Kotlin bindings (and bindings/kotlin) come from scripts/build-android.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "fr.spro.orientation.ui"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
    }
    sourceSets["main"].kotlin.srcDir("../app/build/generated/source/uniffi/main")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    api(platform(libs.androidx.compose.bom))
    api(libs.androidx.compose.runtime)
    api(libs.androidx.compose.ui)
    api(libs.androidx.compose.foundation)
    api(libs.androidx.compose.material3)
    api(libs.androidx.compose.material.icons.core)
    api(libs.kotlinx.coroutines.android)
    // JNA with its Android native parts; the Rust library itself is in app/src/main/jniLibs
    api("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
}
