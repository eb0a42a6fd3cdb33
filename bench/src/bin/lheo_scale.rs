//! LHEO at the scale of a Region: builds the catalogue with a SYNTHESISED Carif-Oref export of N formations
//! (50,000 by default) and prints the import time, the peak memory, the catalogue size and the search
//! latency, beside the same figures without the export. A benchmark, not a test; nothing here is shipped.
//!
//! How the export is synthesised (no invented words or places): formation number i is the real sample
//! formation i mod 5 of data/formations/lheo/samples, with every `numero` attribute suffixed by "-i" (so ids
//! stay unique), every `<code-ROME>` replaced by a ROME code and every `<code-RNCP>` by an RNCP number drawn
//! from the built catalogue, and every address (`<codepostal>`, `<ville>`, `<departement>`, `<latitude>`,
//! `<longitude>`) replaced by one real commune of the catalogue, drawn with a seeded generator.
//!
//!   cargo run --release -p orientation-bench --bin lheo_scale [-- --formations N] [--seed S]

use orientation_bench::mem;
use orientation_bench::metrics::latency;
use orientation_bench::rng::Rng;
use orientation_core::catalogue::import::source::DirSource;
use orientation_core::catalogue::Catalogue;
use orientation_core::search::Query;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

struct Commune {
    name: String,
    postcode: String,
    departement: String,
    lat: f64,
    lon: f64,
}

/// Replaces the text of every `<tag>…</tag>` with what `value` gives.
fn replace_values(text: &str, tag: &str, mut value: impl FnMut() -> String) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push_str(&rest[..i + open.len()]);
        out.push_str(&value());
        rest = &after[j..];
    }
    out.push_str(rest);
    out
}

/// Suffixes every `numero="…"` value.
fn suffix_numeros(text: &str, suffix: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find("numero=\"") {
        let after = &rest[i + 8..];
        let Some(j) = after.find('"') else { break };
        out.push_str(&rest[..i + 8 + j]);
        out.push_str(suffix);
        rest = &after[j..];
    }
    out.push_str(rest);
    out
}

/// The `<formation …>…</formation>` blocks of a sample, and what comes before the first one.
fn formations(xml: &str) -> (String, Vec<String>) {
    let head = xml
        .find("<formation ")
        .map_or(xml, |i| &xml[..i])
        .to_string();
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<formation ") {
        let Some(j) = rest[i..].find("</formation>") else {
            break;
        };
        out.push(rest[i..i + j + "</formation>".len()].to_string());
        rest = &rest[i + j..];
    }
    (head, out)
}

fn link_all(from: &Path, to: &Path, except: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        if e.file_name() != except {
            std::os::unix::fs::symlink(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

struct Built {
    secs: f64,
    /// Seconds and peak memory of the importers alone (the search index is built after them).
    import_secs: f64,
    import_hwm: Option<u64>,
    hwm: Option<u64>,
    size: u64,
}

fn build(source: &Path, db: &Path) -> Built {
    let _ = std::fs::remove_file(db);
    mem::reset_hwm();
    let t = Instant::now();
    let imported: std::cell::Cell<Option<(f64, Option<u64>)>> = std::cell::Cell::new(None);
    let progress = |done: usize, total: usize, _: &str| {
        if done == total {
            imported.set(Some((t.elapsed().as_secs_f64(), mem::vm_hwm_kb())));
        }
    };
    Catalogue::build(db, &DirSource(source.to_path_buf()), &progress).expect("catalogue build");
    let secs = t.elapsed().as_secs_f64();
    let (import_secs, import_hwm) = imported.get().unwrap_or((secs, None));
    Built {
        secs,
        import_secs,
        import_hwm,
        hwm: mem::vm_hwm_kb(),
        size: std::fs::metadata(db).map(|m| m.len()).unwrap_or(0),
    }
}

fn keystrokes(db: &Path, queries: &[String]) -> (f64, f64) {
    let cat = Catalogue::open(db).expect("open");
    let engine = cat.engine().expect("engine");
    let mut us = Vec::new();
    for q in queries {
        // Every prefix, as typed.
        let chars: Vec<char> = q.chars().collect();
        for n in 1..=chars.len() {
            let text: String = chars[..n].iter().collect();
            let mut query = Query::new(&text);
            query.limit = 10;
            let t = Instant::now();
            let _ = engine.search(&query);
            us.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    let l = latency(&us);
    (l.p50_us, l.p99_us)
}

fn main() {
    let mut n = 50_000usize;
    let mut seed = 20261201u64;
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        match (args[i].as_str(), args.get(i + 1)) {
            ("--formations", Some(v)) => n = v.parse().expect("--formations N"),
            ("--seed", Some(v)) => seed = v.parse().expect("--seed S"),
            (other, _) => panic!("argument inconnu : {other}"),
        }
        i += 2;
    }
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let data = root.join("data");
    let work = root.join("target/lheo-scale");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    println!("Catalogue sans export (données du dépôt)…");
    let base_db = work.join("base.db");
    let base = build(&data, &base_db);

    // Real codes and communes to draw from.
    let cat = Catalogue::open(&base_db).unwrap();
    let conn = cat.conn();
    let strings = |sql: &str| -> Vec<String> {
        let mut st = conn.prepare(sql).unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let romes = strings("SELECT DISTINCT parent_rome FROM job ORDER BY 1");
    let rncps = strings("SELECT substr(id, 5) FROM certification WHERE id LIKE 'RNCP%' ORDER BY 1");
    let mut st = conn
        .prepare(
            "SELECT name, postcode, departement, lat, lon FROM place
             WHERE kind = 'commune' AND lat IS NOT NULL AND postcode IS NOT NULL AND departement IS NOT NULL
             ORDER BY id",
        )
        .unwrap();
    let communes: Vec<Commune> = st
        .query_map([], |r| {
            Ok(Commune {
                name: r.get(0)?,
                postcode: r.get(1)?,
                departement: r.get(2)?,
                lat: r.get(3)?,
                lon: r.get(4)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(st);
    drop(cat);

    let mut samples: Vec<String> = Vec::new();
    let mut head = String::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(data.join("formations/lheo/samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in &names {
        let xml = std::fs::read_to_string(path).unwrap();
        let (h, blocks) = formations(&xml);
        if head.is_empty() {
            head = h;
        }
        samples.extend(blocks);
    }

    // The overlay: data/ as it is, plus formations/lheo/exports/region.xml.
    let source = work.join("source");
    link_all(&data, &source, "formations").unwrap();
    link_all(&data.join("formations"), &source.join("formations"), "lheo").unwrap();
    link_all(
        &data.join("formations/lheo"),
        &source.join("formations/lheo"),
        "exports",
    )
    .unwrap();
    let export_dir = source.join("formations/lheo/exports");
    std::fs::create_dir_all(&export_dir).unwrap();
    let export = export_dir.join("region.xml");
    let t = Instant::now();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&export).unwrap());
    out.write_all(head.as_bytes()).unwrap();
    let mut rng = Rng::new(seed);
    for i in 0..n {
        let sample = &samples[i % samples.len()];
        let c = rng.pick(&communes).unwrap();
        let text = suffix_numeros(sample, &format!("-{i}"));
        let text = replace_values(&text, "code-ROME", || rng.pick(&romes).unwrap().clone());
        let text = replace_values(&text, "code-RNCP", || rng.pick(&rncps).unwrap().clone());
        let text = replace_values(&text, "codepostal", || c.postcode.clone());
        let text = replace_values(&text, "ville", || c.name.clone());
        let text = replace_values(&text, "departement", || c.departement.clone());
        let text = replace_values(&text, "latitude", || format!("{:.5}", c.lat));
        let text = replace_values(&text, "longitude", || format!("{:.5}", c.lon));
        out.write_all(text.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.write_all(b"</offres>\n</lheo>\n").unwrap();
    out.flush().unwrap();
    drop(out);
    let export_mb = std::fs::metadata(&export).unwrap().len() as f64 / 1e6;
    println!(
        "Export synthétisé : {n} formations, {export_mb:.0} Mo, écrit en {:.1} s",
        t.elapsed().as_secs_f64()
    );

    println!("Catalogue avec l'export…");
    let region_db = work.join("region.db");
    let region = build(&source, &region_db);
    let kept: i64 = Catalogue::open(&region_db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT count(*) FROM training WHERE source = 'lheo'",
            [],
            |r| r.get(0),
        )
        .unwrap();

    let queries: Vec<String> = std::fs::read_to_string(data.join("search/eval/everyday.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .take(100)
        .collect();
    let (base_p50, base_p99) = keystrokes(&base_db, &queries);
    let (p50, p99) = keystrokes(&region_db, &queries);

    println!();
    println!("                            sans export      avec {n} formations LHEO");
    println!(
        "construction                {:>8.1} s       {:>8.1} s",
        base.secs, region.secs
    );
    println!(
        "  dont importeurs           {:>8.1} s       {:>8.1} s  (export LHEO ≈ {:.1} s)",
        base.import_secs,
        region.import_secs,
        region.import_secs - base.import_secs
    );
    println!(
        "mémoire de pointe, import   {:>10}       {:>10}",
        mem::fmt_kb(base.import_hwm),
        mem::fmt_kb(region.import_hwm)
    );
    println!(
        "mémoire de pointe, totale   {:>10}       {:>10}  (l'index de recherche tient tous les documents)",
        mem::fmt_kb(base.hwm),
        mem::fmt_kb(region.hwm)
    );
    println!(
        "taille du catalogue         {:>8.1} Mo      {:>8.1} Mo",
        base.size as f64 / 1e6,
        region.size as f64 / 1e6
    );
    println!(
        "frappe p50 / p99            {base_p50:>6.0} / {base_p99:.0} µs   {p50:>6.0} / {p99:.0} µs  ({} requêtes, chaque préfixe)",
        queries.len()
    );
    println!("formations LHEO gardées  {kept}");
    let _ = std::fs::remove_file(&export);
}
