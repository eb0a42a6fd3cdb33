//! `uniffi-bindgen-swift`: Swift sources, C headers and the module map an XCFramework needs.

fn main() {
    uniffi::uniffi_bindgen_swift()
}
