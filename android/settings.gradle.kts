// The Android app: :app (the application, platform glue, jniLibs) and :ui (the screens and screen state,
// the same sources android/ui/pom.xml compiles for the JVM desktop tests). See README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "Orientation"
include(":app", ":ui")
