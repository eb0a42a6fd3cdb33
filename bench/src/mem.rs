//! Memory figures of this process from /proc/self/status (Linux only; `None` elsewhere).

fn status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Peak resident memory (high-water mark) in kB.
pub fn vm_hwm_kb() -> Option<u64> {
    status_kb("VmHWM")
}

/// Current resident memory in kB.
pub fn vm_rss_kb() -> Option<u64> {
    status_kb("VmRSS")
}

/// Resets the high-water mark to the current RSS, so a later `vm_hwm_kb` measures one phase only.
/// Returns false when the kernel refuses (then the peak covers the whole run so far).
pub fn reset_hwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// "123,4 Mo" or "n/d".
pub fn fmt_kb(kb: Option<u64>) -> String {
    match kb {
        Some(k) => format!("{:.1} Mo", k as f64 / 1024.0),
        None => "n/d".into(),
    }
}
