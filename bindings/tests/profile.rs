//! The shipped profile must keep what the FFI relies on: unwinding (a panic becomes an exception in the
//! shell; with `panic = "abort"` it would kill the app) and the symbols uniffi-bindgen reads (the build
//! scripts strip after generating the bindings).

fn section<'a>(manifest: &'a str, name: &str) -> Vec<&'a str> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != format!("[{name}]"))
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn the_mobile_profile_unwinds_and_keeps_the_metadata() {
    let manifest = include_str!("../../Cargo.toml");
    let mobile = section(manifest, "profile.release-mobile");
    assert!(mobile.contains(&"inherits = \"release\""), "{mobile:?}");
    assert!(mobile.contains(&"panic = \"unwind\""), "{mobile:?}");
    assert!(mobile.contains(&"strip = false"), "{mobile:?}");
    for profile in ["profile.release", "profile.dev"] {
        assert!(
            !section(manifest, profile)
                .iter()
                .any(|l| l.starts_with("panic") && l.contains("abort")),
            "{profile} aborts on panic"
        );
    }
}
