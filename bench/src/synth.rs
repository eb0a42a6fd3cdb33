//! A large catalogue synthesised from real documents, for measuring latency at a million documents.
//!
//! Method (no invented words): the real documents are kept; then copies are added until the target
//! count, cycling through the real documents in order. Copy number i of a document is a "training"
//! located in a real commune (name and coordinates from data/geo/communes_codes_postaux_gps_2025),
//! titled "<real title> – <commune>", with a body made of a real ROME skill label, a real ROME
//! domain label and the start of the real body; its id is the real id suffixed with "~i". Communes,
//! skills and domains are drawn with a seeded generator, so a given seed always gives the same
//! catalogue.

use crate::error::{Error, Result};
use crate::rng::Rng;
use orientation_core::search::doc::Doc;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Commune {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

pub const COMMUNES_FILE: &str = "geo/communes_codes_postaux_gps_2025.csv.gz";

/// "L ABERGEMENT CLEMENCIAT" → "L Abergement Clemenciat": the file writes names in capitals.
fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One commune per INSEE code, with coordinates; rows without them are skipped.
pub fn load_communes(data: &Path) -> Result<Vec<Commune>> {
    let path = data.join(COMMUNES_FILE);
    let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_string(&mut text)
        .map_err(|e| Error::io(&path, e))?;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| Error::csv(&path, e))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(insee), Some(name), Some(lat), Some(lon)) = (
        col("code_commune_insee"),
        col("nom_commune"),
        col("latitude"),
        col("longitude"),
    ) else {
        return Err(Error::Usage(format!(
            "{} : colonnes attendues absentes",
            path.display()
        )));
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let Ok(rec) = rec else { continue };
        let (Some(code), Some(n), Some(la), Some(lo)) =
            (rec.get(insee), rec.get(name), rec.get(lat), rec.get(lon))
        else {
            continue;
        };
        let (Ok(la), Ok(lo)) = (la.parse::<f64>(), lo.parse::<f64>()) else {
            continue;
        };
        if n.is_empty() || !seen.insert(code.to_string()) {
            continue;
        }
        out.push(Commune {
            name: title_case(n),
            lat: la,
            lon: lo,
        });
    }
    Ok(out)
}

/// Real phrases from the catalogue: ROME skill labels and ROME domain labels.
pub fn load_phrases(conn: &rusqlite::Connection) -> Result<(Vec<String>, Vec<String>)> {
    let labels = |sql: &str| -> Result<Vec<String>> {
        let mut st = conn.prepare(sql)?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    Ok((
        labels("SELECT label FROM skill ORDER BY code_ogr")?,
        labels("SELECT label FROM domaine ORDER BY code")?,
    ))
}

fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Real documents followed by synthesised copies, `target` documents in all (see the module note).
pub fn scale(
    real: &[Doc],
    target: usize,
    communes: &[Commune],
    skills: &[String],
    domains: &[String],
    seed: u64,
) -> Vec<Doc> {
    let mut out: Vec<Doc> = real.iter().take(target).cloned().collect();
    if real.is_empty() || communes.is_empty() {
        return out;
    }
    let mut rng = Rng::new(seed);
    let empty = String::new();
    let mut i = 0usize;
    while out.len() < target {
        let base = &real[i % real.len()];
        let commune = rng.pick(communes).unwrap_or(&communes[0]);
        let skill = rng.pick(skills).unwrap_or(&empty);
        let domain = rng.pick(domains).unwrap_or(&empty);
        out.push(Doc {
            kind: "training",
            id: format!("{}~{i}", base.id),
            title: format!("{} – {}", base.title, commune.name),
            subtitle: Some(commune.name.clone()),
            rome: None,
            lat: Some(commune.lat),
            lon: Some(commune.lon),
            distance_learning: false,
            prior: 0.0,
            body: format!("{skill} ; {domain} ; {}", prefix(&base.body, 300)),
            ..Default::default()
        });
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str) -> Doc {
        Doc {
            kind: "job",
            id: id.into(),
            title: title.into(),
            subtitle: None,
            rome: Some(id.into()),
            lat: None,
            lon: None,
            distance_learning: false,
            prior: 0.0,
            body: "é".repeat(400),
            ..Default::default()
        }
    }

    #[test]
    fn real_communes_file_loads() {
        let c = load_communes(&crate::default_data_dir()).unwrap();
        // ~35,000 communes in France; the file has 44,356 rows (several postcodes per commune).
        assert!(c.len() > 30_000 && c.len() < 44_356, "{}", c.len());
        assert!(c.iter().any(|c| c.name == "Lyon"));
        assert!(c.iter().all(|c| (-90.0..=90.0).contains(&c.lat)));
    }

    #[test]
    fn scale_keeps_real_docs_and_is_deterministic() {
        let real = vec![doc("D1102", "Boulanger"), doc("D1104", "Pâtissier")];
        let communes = vec![
            Commune {
                name: "Lyon".into(),
                lat: 45.7,
                lon: 4.8,
            },
            Commune {
                name: "Brest".into(),
                lat: 48.4,
                lon: -4.5,
            },
        ];
        let skills = vec!["Pétrir la pâte".to_string()];
        let domains = vec!["Commerce alimentaire".to_string()];
        let a = scale(&real, 7, &communes, &skills, &domains, 3);
        let b = scale(&real, 7, &communes, &skills, &domains, 3);
        assert_eq!(a.len(), 7);
        assert_eq!(a[0].id, "D1102");
        assert_eq!(a[2].id, "D1102~0");
        assert_eq!(a[3].id, "D1104~1");
        assert!(a[2].title.starts_with("Boulanger – "));
        assert!(a[2]
            .body
            .starts_with("Pétrir la pâte ; Commerce alimentaire ; "));
        let ids: HashSet<&str> = a.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), 7);
        let ta: Vec<&str> = a.iter().map(|d| d.title.as_str()).collect();
        let tb: Vec<&str> = b.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(ta, tb);
        assert_eq!(scale(&real, 1, &communes, &skills, &domains, 3).len(), 1);
        assert_eq!(
            title_case("L ABERGEMENT CLEMENCIAT"),
            "L Abergement Clemenciat"
        );
    }
}
