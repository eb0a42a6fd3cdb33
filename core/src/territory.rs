//! Places on the map: points and distances, and what the user types to say where they are ("13001",
//! "Aix-en-Provence", "Saint-Denis (93)", "43.3,5.4") resolved to a point, once, for every face.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use crate::error::{Error, InputError, Result};
use crate::text::fold;
use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    /// A point, when both coordinates are on the globe.
    pub fn checked(lat: f64, lon: f64) -> std::result::Result<Point, InputError> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
            .then_some(Point { lat, lon })
            .ok_or(InputError::Coordinates)
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for antipodes: asin would give NaN.
    2.0 * 6371.0 * h.sqrt().clamp(0.0, 1.0).asin()
}

fn parse_lat_lon(text: &str) -> Option<Point> {
    let (a, b) = text.split_once(',')?;
    let lat: f64 = a.trim().parse().ok()?;
    let lon: f64 = b.trim().parse().ok()?;
    Point::checked(lat, lon).ok()
}

/// How the commune table spells a name: upper case, no accents, spaces for hyphens and apostrophes
/// ("Saint-Étienne" → "SAINT ETIENNE"); "St"/"Ste" as people abbreviate them are written out; a CEDEX
/// mention and what follows it ("Paris Cedex 05") are postal routing, not the commune. The one key every
/// source and every typed name is compared by.
pub fn commune_key(name: &str) -> String {
    // The commune table is upper-case ASCII already: folding (a Unicode decomposition) is for what
    // people type.
    let folded = if name.is_ascii() {
        name.to_ascii_uppercase()
    } else {
        fold(name).to_uppercase()
    };
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced
        .split_whitespace()
        .take_while(|w| *w != "CEDEX")
        .map(|w| match w {
            "ST" => "SAINT",
            "STE" => "SAINTE",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A commune the user may have meant, to choose from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlaceChoice {
    /// The commune as people write it ("Saint-Denis").
    pub name: String,
    pub departement: Option<String>,
    pub departement_name: Option<String>,
    pub insee: String,
    /// Its main postcode: typing it chooses this commune.
    pub postcode: String,
}

impl PlaceChoice {
    /// "Saint-Denis (93, Seine-Saint-Denis)".
    pub fn label(&self) -> String {
        match (&self.departement, &self.departement_name) {
            (Some(d), Some(n)) => format!("{} ({d}, {n})", self.name),
            (Some(d), None) => format!("{} ({d})", self.name),
            _ => self.name.clone(),
        }
    }
}

/// How a typed place was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    Coordinates,
    Postcode,
    Commune,
    /// A département number among the words of a query ("cap cuisine 13").
    Departement,
}

/// A typed place, resolved: the point searched around and what to tell the user ("Aix-en-Provence (13)").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Resolved {
    pub point: Point,
    pub label: String,
    pub found_by: FoundBy,
    /// The commune, when the place is one (for coordinates: the nearest commune).
    pub commune: Option<PlaceChoice>,
    /// Area codes of the place ("com:13055", "cp:13001", "dep:13", "reg:93"), for what applies to a
    /// territory (aids).
    pub areas: Vec<String>,
}

/// One candidate commune with what ranks it as a postcode's main town: the number of postcodes it spans
/// and of localities listed under it (a large town has many; there is no population in our data).
struct Candidate {
    choice: PlaceChoice,
    point: Option<Point>,
    weight: (i64, i64),
}

/// The main-town rule, one for every face: among communes sharing a postcode, a name or a département,
/// the one spanning most postcodes and localities comes first (then the smaller INSEE code). Our data
/// holds no population: this is how a large town is told from a village.
fn main_town_first(a: (&(i64, i64), &str), b: (&(i64, i64), &str)) -> std::cmp::Ordering {
    b.0.cmp(a.0).then(a.1.cmp(b.1))
}

/// "Marseille (13)": how a place found is said back.
fn commune_label(c: &PlaceChoice) -> String {
    match &c.departement {
        Some(d) => format!("{} ({d})", c.name),
        None => c.name.clone(),
    }
}

fn candidates(
    conn: &Connection,
    sql_where: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Candidate>> {
    let sql = format!(
        "SELECT c.insee, coalesce(p.name, c.name), c.departement, d.name,
                (SELECT min(postcode) FROM commune x WHERE x.insee = c.insee),
                avg(c.lat), avg(c.lon),
                (SELECT count(DISTINCT postcode) FROM commune x WHERE x.insee = c.insee),
                (SELECT count(*) FROM commune x WHERE x.insee = c.insee)
         FROM commune c
         LEFT JOIN place p ON p.id = 'commune:' || c.insee
         LEFT JOIN departement d ON d.code = c.departement
         WHERE {sql_where}
         GROUP BY c.insee
         ORDER BY c.insee"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(args, |r| {
        let lat: Option<f64> = r.get(5)?;
        let lon: Option<f64> = r.get(6)?;
        Ok(Candidate {
            choice: PlaceChoice {
                insee: r.get(0)?,
                name: r.get(1)?,
                departement: r.get(2)?,
                departement_name: r.get(3)?,
                postcode: r.get(4)?,
            },
            point: lat.zip(lon).map(|(lat, lon)| Point { lat, lon }),
            weight: (r.get(7)?, r.get(8)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn is_postcode(t: &str) -> bool {
    t.len() == 5
        && t.chars().all(|c| c.is_ascii_alphanumeric())
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// "Saint-Denis (93)", "Saint-Denis 93" → ("Saint-Denis", Some("93")).
fn split_departement(text: &str) -> (&str, Option<String>) {
    let t = text.trim();
    let (name, tail) = match t.rsplit_once(|c: char| c == '(' || c.is_whitespace()) {
        Some((name, tail)) => (name, tail.trim_end_matches(')').trim()),
        None => return (t, None),
    };
    let is_dept = (1..=3).contains(&tail.len())
        && tail.chars().all(|c| c.is_ascii_alphanumeric())
        && tail.chars().next().is_some_and(|c| c.is_ascii_digit());
    if is_dept && !name.trim().is_empty() {
        let code = if tail.len() == 1 {
            format!("0{tail}")
        } else {
            tail.to_ascii_uppercase()
        };
        (name.trim().trim_end_matches('('), Some(code))
    } else {
        (t, None)
    }
}

fn resolved(
    conn: &Connection,
    c: Candidate,
    found_by: FoundBy,
    unknown: impl Fn() -> Error,
) -> Result<Resolved> {
    let point = c.point.ok_or_else(unknown)?;
    let label = commune_label(&c.choice);
    let areas = areas_of(conn, &c.choice)?;
    Ok(Resolved {
        point,
        label,
        found_by,
        commune: Some(c.choice),
        areas,
    })
}

/// The area codes of a commune: itself, its postcodes, its département and région. A city split in
/// arrondissements (Paris, Lyon, Marseille) is also named by its arrondissements' codes and theirs by it.
fn areas_of(conn: &Connection, c: &PlaceChoice) -> Result<Vec<String>> {
    let mut areas = vec![format!("com:{}", c.insee)];
    let mut st = conn.prepare_cached(
        "SELECT DISTINCT postcode FROM commune WHERE insee = ?1
         UNION SELECT DISTINCT c2.insee FROM commune c1 JOIN commune c2
               ON c2.departement = c1.departement AND c2.name GLOB c1.name || ' [0-9]*'
               WHERE c1.insee = ?1",
    )?;
    for code in st.query_map(params![c.insee], |r| r.get::<_, String>(0))? {
        let code = code?;
        // Postcodes and INSEE codes are both five characters: an arrondissement's code starts like its
        // city's département and is not one of its postcodes.
        if is_postcode(&code) && !areas.iter().any(|a| a.ends_with(&code)) {
            areas.push(format!("cp:{code}"));
            areas.push(format!("com:{code}"));
        }
    }
    if let Some(d) = &c.departement {
        areas.push(format!("dep:{d}"));
        let region: Option<String> = conn
            .query_row(
                "SELECT region_code FROM departement WHERE code = ?1",
                params![d],
                |r| r.get(0),
            )
            .ok()
            .flatten();
        if let Some(r) = region {
            areas.push(format!("reg:{r}"));
        }
    }
    Ok(areas)
}

/// Farthest a commune centre may be from a point and still stand for it.
pub const NEAREST_COMMUNE_KM: f64 = 30.0;

/// Communes on a grid of 0.1° cells, to find the nearest one of many points without a query each (a
/// catalogue build places thousands of establishments).
pub struct CommuneGrid<T> {
    cells: std::collections::HashMap<(i32, i32), Vec<(Point, T)>>,
}

impl<T> CommuneGrid<T> {
    fn cell(p: Point) -> (i32, i32) {
        ((p.lat * 10.0).floor() as i32, (p.lon * 10.0).floor() as i32)
    }

    pub fn new(communes: impl IntoIterator<Item = (Point, T)>) -> Self {
        let mut cells: std::collections::HashMap<(i32, i32), Vec<(Point, T)>> = Default::default();
        for (p, t) in communes {
            cells.entry(Self::cell(p)).or_default().push((p, t));
        }
        CommuneGrid { cells }
    }

    /// The nearest commune within `NEAREST_COMMUNE_KM`, and its distance.
    pub fn nearest(&self, p: Point) -> Option<(&T, f64)> {
        let (la, lo) = Self::cell(p);
        // 0.1° of latitude is 11 km, of longitude 11 km × cos(lat): 4 and 8 cells cover 30 km up to 60° N.
        let mut best: Option<(&T, f64)> = None;
        for dla in -4..=4 {
            for dlo in -8..=8 {
                for (q, t) in self.cells.get(&(la + dla, lo + dlo)).into_iter().flatten() {
                    let d = distance_km(p, *q);
                    if d <= NEAREST_COMMUNE_KM && best.is_none_or(|(_, b)| d < b) {
                        best = Some((t, d));
                    }
                }
            }
        }
        best
    }
}

/// A point, with the nearest commune (within `NEAREST_COMMUNE_KM`) standing for it where a territory matters.
pub fn resolve_point(conn: &Connection, point: Point) -> Result<Resolved> {
    // A box of about ±30 km first, so the distance is computed on a few hundred communes only.
    let mut all = candidates(
        conn,
        "c.lat BETWEEN ?1 - 0.3 AND ?1 + 0.3 AND c.lon BETWEEN ?2 - 0.4 AND ?2 + 0.4",
        &[&point.lat, &point.lon],
    )?;
    all.retain(|c| c.point.is_some());
    all.sort_by(|a, b| {
        let da = a.point.map_or(f64::MAX, |p| distance_km(p, point));
        let db = b.point.map_or(f64::MAX, |p| distance_km(p, point));
        da.total_cmp(&db)
    });
    let label = format!("{:.4}, {:.4}", point.lat, point.lon);
    match all.into_iter().next() {
        Some(c) => {
            let areas = areas_of(conn, &c.choice)?;
            Ok(Resolved {
                point,
                label: format!("près de {} ({label})", c.choice.name),
                found_by: FoundBy::Coordinates,
                commune: Some(c.choice),
                areas,
            })
        }
        None => Ok(Resolved {
            point,
            label,
            found_by: FoundBy::Coordinates,
            commune: None,
            areas: Vec::new(),
        }),
    }
}

/// Resolves a postcode (its main town), a commune name (with its département when several communes share
/// the name) or "lat,lon". Several communes of one name give `Error::AmbiguousPlace` with the candidates.
pub fn resolve(conn: &Connection, text: &str) -> Result<Resolved> {
    let t = text.trim();
    if let Some(point) = parse_lat_lon(t) {
        return resolve_point(conn, point);
    }
    let unknown = || Error::UnknownPlace(crate::error::echo(t));
    if is_postcode(t) {
        let mut all = candidates(conn, "c.postcode = ?1 AND c.lat IS NOT NULL", &[&t])?;
        // The postcode's main town: the commune spanning most postcodes and localities.
        all.sort_by(|a, b| {
            main_town_first((&a.weight, &a.choice.insee), (&b.weight, &b.choice.insee))
        });
        let best = all.into_iter().next().ok_or_else(unknown)?;
        // Around the main town, but centred on what the postcode covers of it.
        let mut r = resolved(conn, best, FoundBy::Postcode, unknown)?;
        if let Some(c) = &r.commune {
            r.label = format!("{} ({t})", c.name);
        }
        return Ok(r);
    }
    let (name, dept) = split_departement(t);
    let key = commune_key(name);
    if key.is_empty() {
        return Err(unknown());
    }
    // Exact name; a city split into arrondissements ("MARSEILLE 01".."16") is one commune in the place
    // table, so its arrondissements are found by that name too.
    let mut all = candidates(conn, "c.name = ?1", &[&key])?;
    if all.is_empty() {
        all = candidates(conn, "c.name GLOB ?1 || ' [0-9]*'", &[&key])?;
        if !all.is_empty() {
            // One city: centre on the mean of its arrondissements.
            let pts: Vec<Point> = all.iter().filter_map(|c| c.point).collect();
            let n = pts.len().max(1) as f64;
            let point = Point {
                lat: pts.iter().map(|p| p.lat).sum::<f64>() / n,
                lon: pts.iter().map(|p| p.lon).sum::<f64>() / n,
            };
            let first = all.swap_remove(0);
            let city = PlaceChoice {
                name: title_words(name),
                ..first.choice
            };
            return resolved(
                conn,
                Candidate {
                    choice: city,
                    point: (!pts.is_empty()).then_some(point),
                    weight: first.weight,
                },
                FoundBy::Commune,
                unknown,
            );
        }
    }
    if let Some(d) = &dept {
        all.retain(|c| c.choice.departement.as_deref() == Some(d.as_str()));
    }
    match all.len() {
        0 => Err(unknown()),
        1 => resolved(conn, all.swap_remove(0), FoundBy::Commune, unknown),
        _ => Err(Error::AmbiguousPlace {
            name: crate::error::echo(name),
            candidates: all.into_iter().map(|c| c.choice).collect(),
        }),
    }
}

/// "marseille" → "Marseille", "aix-en-provence" → "Aix-En-Provence" is avoided: only the first letter
/// of each word separated by a space is raised, hyphenated words are kept as typed but for the first.
fn title_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.trim().chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    out
}

/// A commune as the gazetteer keeps it.
#[derive(Debug, Clone)]
struct Entry {
    choice: PlaceChoice,
    point: Point,
    weight: (i64, i64),
    postcodes: Vec<String>,
}

/// Every commune name, postcode and département of the catalogue, read once when the catalogue opens,
/// so that a place among the words of a query ("bts commerce lyon", "cap cuisine 13") is found at every
/// keystroke without SQL. Homonyms and postcodes follow the same main-town rule as `resolve`.
#[derive(Debug, Default)]
pub struct Gazetteer {
    entries: Vec<Entry>,
    /// `commune_key` → entries of that name (homonyms), sorted by key.
    names: Vec<(String, Vec<u32>)>,
    /// Postcode → its main town.
    postcodes: std::collections::HashMap<String, u32>,
    /// Département code → (name, région code, its main town).
    departements: std::collections::HashMap<String, (String, Option<String>, u32)>,
    /// The most words a commune name has.
    max_words: usize,
}

/// A place found among the words of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub point: Point,
    /// "Marseille (13)", "Marseille (13001)", "Bouches-du-Rhône (13)".
    pub label: String,
    pub found_by: FoundBy,
    pub areas: Vec<String>,
    /// The commune's INSEE code (the main town's, for a département).
    pub insee: String,
    /// For a département: the main town the search is centred on ("Marseille").
    pub centre: Option<String>,
}

impl Gazetteer {
    /// Reads the commune, place and département tables in one pass each (tens of milliseconds, once).
    /// Each commune's weight for the main-town rule is counted as `candidates` counts it: its
    /// distinct postcodes, then its rows (localities).
    pub fn load(conn: &Connection) -> Result<Gazetteer> {
        use std::collections::HashMap;
        let mut g = Gazetteer::default();
        let mut display: HashMap<String, String> = HashMap::new();
        let mut st = conn.prepare(
            "SELECT substr(id, 9), name FROM place WHERE id >= 'commune:' AND id < 'commune;'",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (insee, name) = row?;
            display.insert(insee, name);
        }
        let mut departements: HashMap<String, (String, Option<String>)> = HashMap::new();
        let mut st = conn.prepare("SELECT code, name, region_code FROM departement")?;
        let rows = st.query_map([], |r| r.try_into())?;
        for row in rows {
            let (code, name, region): (String, String, Option<String>) = row?;
            departements.insert(code, (name, region));
        }
        // Rows come in INSEE order (the table's key): one commune after the other.
        struct Acc {
            insee: String,
            names: Vec<String>,
            postcodes: Vec<String>,
            rows: i64,
            lat: f64,
            lon: f64,
            located: f64,
            departement: Option<String>,
        }
        let mut names: HashMap<String, Vec<u32>> = HashMap::new();
        let mut finish = |g: &mut Gazetteer, a: Acc| {
            if a.located == 0.0 {
                return;
            }
            let i = g.entries.len() as u32;
            let first = a.names.first().cloned().unwrap_or_default();
            let name = display.get(&a.insee).cloned().unwrap_or(first);
            let mut postcodes = a.postcodes;
            postcodes.sort();
            let keys = a.names.iter().chain(std::iter::once(&name)).map(|n| {
                // A city in arrondissements ("MARSEILLE 01") is named by its city's name.
                match n.rsplit_once(' ') {
                    Some((city, k)) if k.chars().all(|c| c.is_ascii_digit()) => commune_key(city),
                    _ => commune_key(n),
                }
            });
            for key in keys {
                let list = names.entry(key).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
            let departement_name = a
                .departement
                .as_ref()
                .and_then(|d| departements.get(d))
                .map(|d| d.0.clone());
            g.entries.push(Entry {
                choice: PlaceChoice {
                    name,
                    departement: a.departement,
                    departement_name,
                    insee: a.insee,
                    postcode: postcodes.first().cloned().unwrap_or_default(),
                },
                point: Point {
                    lat: a.lat / a.located,
                    lon: a.lon / a.located,
                },
                weight: (postcodes.len() as i64, a.rows),
                postcodes,
            });
        };
        let mut st = conn.prepare(
            "SELECT insee, name, postcode, lat, lon, departement FROM commune ORDER BY insee",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<f64>>(3)?,
                r.get::<_, Option<f64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut acc: Option<Acc> = None;
        for row in rows {
            let (insee, name, postcode, lat, lon, departement) = row?;
            if acc.as_ref().is_some_and(|a| a.insee != insee) {
                if let Some(done) = acc.take() {
                    finish(&mut g, done);
                }
            }
            let a = acc.get_or_insert_with(|| Acc {
                insee,
                names: Vec::new(),
                postcodes: Vec::new(),
                rows: 0,
                lat: 0.0,
                lon: 0.0,
                located: 0.0,
                departement,
            });
            a.rows += 1;
            if !a.names.contains(&name) {
                a.names.push(name);
            }
            if !a.postcodes.contains(&postcode) {
                a.postcodes.push(postcode);
            }
            if let (Some(lat), Some(lon)) = (lat, lon) {
                a.lat += lat;
                a.lon += lon;
                a.located += 1.0;
            }
        }
        if let Some(done) = acc.take() {
            finish(&mut g, done);
        }
        for i in 0..g.entries.len() as u32 {
            let codes: Vec<String> = g
                .entries
                .get(i as usize)
                .map(|e| e.postcodes.clone())
                .unwrap_or_default();
            for code in codes {
                let current = g.postcodes.get(&code).copied();
                if current.is_none_or(|b| g.better(i, b)) {
                    g.postcodes.insert(code, i);
                }
            }
        }
        g.max_words = names
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        g.names = names.into_iter().collect();
        g.names.sort_by(|a, b| a.0.cmp(&b.0));
        let mut towns: HashMap<String, u32> = HashMap::new();
        for (i, e) in g.entries.iter().enumerate() {
            if let Some(d) = &e.choice.departement {
                let best = towns.entry(d.clone()).or_insert(i as u32);
                if g.better(i as u32, *best) {
                    *best = i as u32;
                }
            }
        }
        for (code, (name, region)) in departements {
            if let Some(&town) = towns.get(&code) {
                g.departements.insert(code, (name, region, town));
            }
        }
        Ok(g)
    }

    fn better(&self, a: u32, b: u32) -> bool {
        match (self.entries.get(a as usize), self.entries.get(b as usize)) {
            (Some(x), Some(y)) => {
                main_town_first((&x.weight, &x.choice.insee), (&y.weight, &y.choice.insee)).is_lt()
            }
            _ => false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The most words a commune name has ("saint remy de provence": 4).
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    fn named(&self, key: &str) -> Option<&[u32]> {
        self.names
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .and_then(|i| self.names.get(i))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether a longer commune name starts with this one and names a larger town ("mars" while
    /// "marseille" is being typed): the word being typed is then not read as a place yet.
    pub fn larger_town_starts_with(&self, key: &str) -> bool {
        let Some(own) = self.named(key) else {
            return false;
        };
        let best_own = own
            .iter()
            .copied()
            .reduce(|a, b| if self.better(b, a) { b } else { a });
        let from = self.names.partition_point(|(k, _)| k.as_str() <= key);
        self.names
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|(k, _)| k.starts_with(key))
            .flat_map(|(_, v)| v.iter().copied())
            .any(|i| best_own.is_none_or(|b| self.better(i, b)))
    }

    /// A commune named so (a `commune_key`); among homonyms, the nearest to `around` when given, else
    /// the main town; `departement` ("93") chooses first when given.
    pub fn commune(
        &self,
        key: &str,
        departement: Option<&str>,
        around: Option<Point>,
    ) -> Option<Found> {
        let list = self.named(key)?;
        let mut all: Vec<u32> = list.to_vec();
        if let Some(d) = departement {
            let kept: Vec<u32> = all
                .iter()
                .copied()
                .filter(|&i| {
                    self.entries
                        .get(i as usize)
                        .and_then(|e| e.choice.departement.as_deref())
                        == Some(d)
                })
                .collect();
            if !kept.is_empty() {
                all = kept;
            }
        }
        let best = match around {
            Some(p) => all.iter().copied().min_by(|&a, &b| {
                let da = self
                    .entries
                    .get(a as usize)
                    .map_or(f64::MAX, |e| distance_km(e.point, p));
                let db = self
                    .entries
                    .get(b as usize)
                    .map_or(f64::MAX, |e| distance_km(e.point, p));
                da.total_cmp(&db)
            }),
            None => all
                .iter()
                .copied()
                .reduce(|a, b| if self.better(b, a) { b } else { a }),
        }?;
        self.found(best, FoundBy::Commune, None)
    }

    /// A postcode's main town, as `resolve` gives it.
    pub fn postcode(&self, code: &str) -> Option<Found> {
        let &i = self.postcodes.get(code)?;
        self.found(i, FoundBy::Postcode, Some(code))
    }

    /// A département ("13", "2A", "974"), centred on its main town.
    pub fn departement(&self, code: &str) -> Option<Found> {
        let (name, region, town) = self.departements.get(code)?;
        let e = self.entries.get(*town as usize)?;
        let mut areas = vec![format!("dep:{code}")];
        areas.extend(region.iter().map(|r| format!("reg:{r}")));
        Some(Found {
            point: e.point,
            label: format!("{name} ({code})"),
            found_by: FoundBy::Departement,
            areas,
            insee: e.choice.insee.clone(),
            centre: Some(e.choice.name.clone()),
        })
    }

    fn found(&self, i: u32, found_by: FoundBy, postcode: Option<&str>) -> Option<Found> {
        let e = self.entries.get(i as usize)?;
        let mut areas = vec![format!("com:{}", e.choice.insee)];
        areas.extend(e.postcodes.iter().map(|p| format!("cp:{p}")));
        if let Some(d) = &e.choice.departement {
            areas.push(format!("dep:{d}"));
            if let Some((_, Some(r), _)) = self.departements.get(d) {
                areas.push(format!("reg:{r}"));
            }
        }
        let label = match postcode {
            Some(p) => format!("{} ({p})", e.choice.name),
            None => commune_label(&e.choice),
        };
        Some(Found {
            point: e.point,
            label,
            found_by,
            areas,
            insee: e.choice.insee.clone(),
            centre: None,
        })
    }
}

/// A département code as a user types it in a query: "13", "2a", "974" → "13", "2A", "974". Stricter
/// than [`departement_code`]: "1" or "013" in a query are numbers, not départements.
pub fn departement_word(word: &str) -> Option<String> {
    let w = word.to_ascii_uppercase();
    let ok = match w.len() {
        2 => {
            w.chars().all(|c| c.is_ascii_digit()) && w != "00" && w != "20"
                || w == "2A"
                || w == "2B"
        }
        3 => w.starts_with("97") && w.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    ok.then_some(w)
}

/// A département code as data files write it, in the form used across the catalogue: "01".."95", "2A",
/// "2B", and three digits for overseas ("971".."978", "984".."989"). Sources write "001", "02A" or "1";
/// anything else ("00", "20", "96", "130") gives None.
pub fn departement_code(raw: &str) -> Option<String> {
    let raw = raw.trim().to_ascii_uppercase();
    let code = match raw.as_bytes() {
        [digit] if digit.is_ascii_digit() => format!("0{raw}"),
        [b'0', _, _] => raw.get(1..).unwrap_or_default().to_string(),
        _ => raw,
    };
    let b = code.as_bytes();
    let valid = match b.len() {
        2 => {
            code == "2A"
                || code == "2B"
                || code
                    .parse::<u8>()
                    .is_ok_and(|n| (1..=95).contains(&n) && n != 20)
        }
        3 => b.iter().all(u8::is_ascii_digit) && (code.starts_with("97") || code.starts_with("98")),
        _ => false,
    };
    valid.then_some(code)
}

/// The département of a commune from its INSEE code ("2B033" → "2B", "97101" → "971"). Codes 99xxx are
/// foreign territories served by La Poste (Monaco): no département.
pub fn departement_of_insee(insee: &str) -> Option<String> {
    if insee.len() != 5 || !insee.is_ascii() {
        return None;
    }
    let dept = if insee.starts_with("97") || insee.starts_with("98") {
        insee.get(..3)
    } else {
        insee.get(..2)
    };
    departement_code(dept?)
}

/// A best guess from a postcode, for when the commune is unknown (CEDEX codes, an unknown INSEE code).
/// Corsica is split on the usual 200/201 vs 202+ rule, which CEDEX codes do not always follow.
pub fn departement_of_postcode(postcode: &str) -> Option<String> {
    if postcode.len() != 5 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let dept = if postcode.starts_with("97") || postcode.starts_with("98") {
        postcode.get(..3)
    } else if postcode.starts_with("20") {
        Some(if postcode < "20200" { "2A" } else { "2B" })
    } else {
        postcode.get(..2)
    };
    departement_code(dept?)
}

/// A postcode as typed: five digits.
pub fn is_postcode_word(word: &str) -> bool {
    word.len() == 5 && word.chars().all(|c| c.is_ascii_digit())
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
        // Antipodes: no NaN.
        let d = distance_km(
            Point { lat: 0.0, lon: 0.0 },
            Point {
                lat: 0.0,
                lon: 180.0,
            },
        );
        assert!(d.is_finite() && d > 20_000.0, "{d}");
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
        assert_eq!(Point::checked(91.0, 0.0), Err(InputError::Coordinates));
    }

    /// The gazetteer the query reading uses and `resolve` (what `--near` uses) follow one main-town
    /// rule: a postcode and a name give the same commune either way.
    #[test]
    fn the_gazetteer_and_resolve_choose_the_same_main_town() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE commune (insee TEXT, name TEXT, postcode TEXT, lat REAL, lon REAL,
                                   departement TEXT, PRIMARY KEY (insee, postcode, name));
             CREATE TABLE departement (code TEXT, name TEXT, region_code TEXT);
             CREATE TABLE place (id TEXT, name TEXT);
             INSERT INTO commune VALUES
               ('13001', 'AIX EN PROVENCE', '13090', 43.53, 5.45, '13'),
               ('13001', 'AIX EN PROVENCE', '13100', 43.53, 5.45, '13'),
               ('13001', 'LES MILLES', '13290', 43.50, 5.38, '13'),
               ('13071', 'LE PUY STE REPARADE', '13610', 43.66, 5.43, '13'),
               ('13103', 'ST ESTEVE JANSON', '13610', 43.69, 5.39, '13');
             INSERT INTO departement VALUES ('13', 'Bouches-du-Rhône', '93');
             INSERT INTO place VALUES ('commune:13001', 'Aix-en-Provence'),
               ('commune:13071', 'Le Puy-Sainte-Réparade'), ('commune:13103', 'Saint-Estève-Janson');",
        )
        .unwrap();
        let g = Gazetteer::load(&conn).unwrap();
        for code in ["13610", "13100", "13290"] {
            let r = resolve(&conn, code).unwrap();
            let f = g.postcode(code).unwrap();
            assert_eq!(f.label, r.label, "{code}");
            assert_eq!(Some(f.insee), r.commune.map(|c| c.insee));
        }
        let f = g
            .commune(&commune_key("aix en provence"), None, None)
            .unwrap();
        assert_eq!(f.label, resolve(&conn, "Aix-en-Provence").unwrap().label);
        assert!(f.areas.contains(&"cp:13290".to_string()) && f.areas.contains(&"reg:93".into()));
        let d = g.departement("13").unwrap();
        assert_eq!(
            (d.label.as_str(), d.centre.as_deref()),
            ("Bouches-du-Rhône (13)", Some("Aix-en-Provence"))
        );
        assert_eq!(departement_word("2a").as_deref(), Some("2A"));
        assert_eq!(departement_word("974").as_deref(), Some("974"));
        assert_eq!(departement_word("20"), None);
        assert_eq!(departement_word("5"), None);
    }

    #[test]
    fn departement_codes_of_data_files() {
        assert_eq!(departement_code("001").as_deref(), Some("01"));
        assert_eq!(departement_code("02A").as_deref(), Some("2A"));
        assert_eq!(departement_code(" 2b ").as_deref(), Some("2B"));
        assert_eq!(departement_code("971").as_deref(), Some("971"));
        assert_eq!(departement_code("029").as_deref(), Some("29"));
        assert_eq!(departement_code("1").as_deref(), Some("01"));
        for bad in ["130", "20", "00", "96", "990", "-", "", "1é", "é12"] {
            assert_eq!(departement_code(bad), None, "{bad}");
        }
        assert_eq!(departement_of_insee("2B033").as_deref(), Some("2B"));
        assert_eq!(departement_of_insee("97101").as_deref(), Some("971"));
        assert_eq!(departement_of_insee("13055").as_deref(), Some("13"));
        assert_eq!(departement_of_insee("99138"), None);
        assert_eq!(departement_of_insee("1é345"), None);
        assert_eq!(departement_of_postcode("20000").as_deref(), Some("2A"));
        assert_eq!(departement_of_postcode("20200").as_deref(), Some("2B"));
        assert_eq!(departement_of_postcode("97411").as_deref(), Some("974"));
        assert_eq!(departement_of_postcode("06130").as_deref(), Some("06"));
        assert_eq!(departement_of_postcode("9741"), None);
    }

    #[test]
    fn commune_keys_match_the_la_poste_spelling() {
        assert_eq!(commune_key("Saint-Étienne"), "SAINT ETIENNE");
        assert_eq!(commune_key("St Étienne"), "SAINT ETIENNE");
        assert_eq!(commune_key("SAINTE FOY LES LYON"), "SAINTE FOY LES LYON");
        assert_eq!(commune_key("Ste-Foy-lès-Lyon"), "SAINTE FOY LES LYON");
        assert_eq!(commune_key("Œuilly"), "OEUILLY");
        assert_eq!(commune_key("Paris Cedex 05"), "PARIS");
        assert_eq!(
            commune_key("Saint-Didier-au-Mont-d'Or"),
            "SAINT DIDIER AU MONT D OR"
        );
        assert_eq!(
            commune_key("l'Abergement-Clémenciat"),
            "L ABERGEMENT CLEMENCIAT"
        );
    }

    #[test]
    fn a_departement_after_the_name_chooses_among_homonyms() {
        assert_eq!(
            split_departement("Saint-Denis (93)"),
            ("Saint-Denis", Some("93".into()))
        );
        assert_eq!(
            split_departement("Saint-Denis 974"),
            ("Saint-Denis", Some("974".into()))
        );
        assert_eq!(
            split_departement("Ajaccio (2a)"),
            ("Ajaccio", Some("2A".into()))
        );
        assert_eq!(
            split_departement("Aix en Provence"),
            ("Aix en Provence", None)
        );
        assert_eq!(split_departement("13"), ("13", None));
    }
}
