//! Places on the map: resolving what the user types ("13001", "Marseille", "43.3,5.4") to a point.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::text::fold;
use crate::error::{Error, Result};
use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

fn parse_lat_lon(text: &str) -> Option<Point> {
    let (a, b) = text.split_once(',')?;
    let lat: f64 = a.trim().parse().ok()?;
    let lon: f64 = b.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some(Point { lat, lon })
}

/// The commune table stores names in upper case without accents, with spaces for hyphens and apostrophes.
fn commune_key(name: &str) -> String {
    let folded = fold(name).to_uppercase();
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    words
        .iter()
        .map(|w| match *w {
            "SAINT" => "ST",
            "SAINTE" => "STE",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn centroid(conn: &Connection, sql: &str, arg: &str) -> Result<Option<Point>> {
    let row: (Option<f64>, Option<f64>) =
        conn.query_row(sql, params![arg], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(match row {
        (Some(lat), Some(lon)) => Some(Point { lat, lon }),
        _ => None,
    })
}

/// Resolves a postcode, a commune name or "lat,lon" to a point.
pub fn resolve(conn: &Connection, text: &str) -> Result<Point> {
    let t = text.trim();
    if let Some(p) = parse_lat_lon(t) {
        return Ok(p);
    }
    let unknown = || Error::UnknownPlace(t.chars().take(80).collect());
    if t.len() == 5
        && t.chars().all(|c| c.is_ascii_alphanumeric())
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return centroid(
            conn,
            "SELECT avg(lat), avg(lon) FROM commune WHERE postcode = ?1 AND lat IS NOT NULL",
            t,
        )?
        .ok_or_else(unknown);
    }
    let key = commune_key(t);
    if key.is_empty() {
        return Err(unknown());
    }
    // Exact name first; then a city split into arrondissements ("MARSEILLE 01" ... "MARSEILLE 16").
    if let Some(p) = centroid(
        conn,
        "SELECT avg(lat), avg(lon) FROM commune WHERE name = ?1 AND lat IS NOT NULL",
        &key,
    )? {
        return Ok(p);
    }
    centroid(
        conn,
        "SELECT avg(lat), avg(lon) FROM commune WHERE name GLOB ?1 || ' [0-9]*' AND lat IS NOT NULL",
        &key,
    )?
    .ok_or_else(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_paris_marseille_is_about_660_km() {
        let paris = Point {
            lat: 48.8566,
            lon: 2.3522,
        };
        let marseille = Point {
            lat: 43.2965,
            lon: 5.3698,
        };
        let d = distance_km(paris, marseille);
        assert!((655.0..665.0).contains(&d), "{d}");
    }

    #[test]
    fn lat_lon_text_is_parsed_and_checked() {
        assert_eq!(
            parse_lat_lon("43.3, 5.4"),
            Some(Point {
                lat: 43.3,
                lon: 5.4
            })
        );
        assert_eq!(parse_lat_lon("95,5"), None);
        assert_eq!(parse_lat_lon("a,b"), None);
    }

    #[test]
    fn commune_keys_match_the_la_poste_spelling() {
        assert_eq!(commune_key("Saint-Étienne"), "ST ETIENNE");
        assert_eq!(
            commune_key("l'Abergement-Clémenciat"),
            "L ABERGEMENT CLEMENCIAT"
        );
    }
}
