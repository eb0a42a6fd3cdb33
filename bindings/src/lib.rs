uniffi::setup_scaffolding!();

/// Version of the Rust core, so a shell can log which core it runs.
#[uniffi::export]
pub fn core_version() -> String {
    orientation_core::version().to_string()
}
