//! Issue 16 on the real catalogue: words the ROME never uses find the right families in the top 5
//! through the general mechanisms (compounds, word families, vector neighbours, domains and levels),
//! and the guarantees hold ("chauffeur VL" never shows "Vlogueur").

mod common;

use common::*;
use orientation_core::search::engine::Engine;
use orientation_core::search::{Kind, Query};
use std::sync::OnceLock;

/// One real catalogue for every test of this file (built once, in a directory kept for the run).
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let cat = data_catalogue(&dir.join("c.db"));
        cat.engine().unwrap()
    })
}

/// The ROME fiches of the first five job results.
fn top5(text: &str) -> Vec<String> {
    let mut q = Query::new(text);
    q.kind = Some(Kind::Job);
    q.limit = 5;
    engine()
        .search(&q)
        .unwrap()
        .into_iter()
        .map(|h| format!("{} {}", h.rome.unwrap_or_default(), h.title))
        .collect()
}

fn assert_any(text: &str, codes: &[&str]) {
    let top = top5(text);
    assert!(
        top.iter().any(|h| codes.iter().any(|c| h.starts_with(c))),
        "« {text} » : aucun de {codes:?} dans {top:#?}"
    );
}

#[test]
fn basketteur_and_handballeur_find_the_sports_fiches() {
    // L1401 Sportif professionnel (« Joueur professionnel / Joueuse professionnelle de basket-ball »),
    // G1204 Educateur sportif (« Moniteur / Monitrice de basketball »).
    assert_any("basketteur", &["L1401", "G1204"]);
    assert_any("basketteuse", &["L1401", "G1204"]);
    assert_any("handballeur", &["L1401", "G1204"]);
}

#[test]
fn tiktokeur_finds_influencers_and_vloggers() {
    // E1406 Influenceur / Influenceuse web, E1104 (« Vlogueur / Vlogueuse »).
    assert_any("tiktokeur", &["E1406", "E1104"]);
}

#[test]
fn vendre_des_maisons_finds_estate_agents() {
    // C1504 Conseiller immobilier, C1505 Responsable d'agence immobilière, C1503.
    assert_any("vendre des maisons", &["C1504", "C1505", "C1503"]);
}

#[test]
fn ouvriers_qualifies_du_bois_finds_wood_workers_not_masons() {
    // Domaine professionnel H22 « Bois »: menuisier, ébéniste, scierie…
    let top = top5("ouvriers qualifiés du bois");
    let wood = top.iter().filter(|h| h.starts_with("H22")).count();
    assert!(wood >= 2, "{top:#?}");
    assert!(!top.iter().any(|h| h.contains("Maçon")), "{top:#?}");
}

#[test]
fn chauffeur_vl_finds_drivers_and_never_vlogueur() {
    let top = top5("chauffeur VL");
    assert!(
        top.iter()
            .any(|h| h.starts_with("N41") || h.starts_with("K1723")),
        "{top:#?}"
    );
    assert!(!top.iter().any(|h| h.contains("Vlogueur")), "{top:#?}");
    let mut q = Query::new("chauffeur VL");
    q.limit = 10;
    for h in engine().search(&q).unwrap() {
        assert!(!h.title.contains("Vlogueur"), "{h:?}");
    }
}

#[test]
fn family_labels_land_on_their_family() {
    // « cadres de la banque »: domaine C12 Banque; « techniciens … informatique »: M18 / I14.
    let top = top5("cadres de la banque");
    assert!(
        top.iter().filter(|h| h.starts_with("C12")).count() >= 2,
        "{top:#?}"
    );
    let top = top5("employés de l'hôtellerie");
    assert!(
        top.iter().filter(|h| h.starts_with("G1")).count() >= 3,
        "{top:#?}"
    );
}

#[test]
fn earlier_guarantees_hold() {
    // Exact and stem matches stay first; a known word is not replaced by its neighbours.
    assert!(
        top5("boulanger")[0].starts_with("D1102"),
        "{:?}",
        top5("boulanger")
    );
    assert!(top5("boulangère")[0].starts_with("D1102"));
    // Hostile and odd strings still search.
    for text in [
        "eur",
        "man",
        "ouvriers",
        "non qualifiés",
        "de la du",
        "zzzzqqqeur",
        "ééé'''",
    ] {
        let mut q = Query::new(text);
        q.limit = 5;
        engine().search(&q).unwrap();
    }
}
