//! Labour market: BMO 2024 recruitment projects, unemployment by département, and an approximate link
//! from ROME fiches to the FAP-2021 jobs BMO counts in.

use super::{CsvSpec, Ctx, FileInfo, Row, LICENCE_OUVERTE};
use crate::error::Result;
use crate::search::french::stem;
use crate::territory::departement_code;
use crate::text::fold;
use rusqlite::params;
use std::collections::{BTreeMap, HashMap};

const BMO: FileInfo = FileInfo {
    path: "labour_market/bmo_2024_open_data.csv.gz",
    label: "Besoins en main-d'œuvre (BMO) 2024, France Travail",
    version: "2024",
    licence: LICENCE_OUVERTE,
};

const CHOMAGE: FileInfo = FileInfo {
    path: "labour_market/chomage_departemental_insee_2023.csv",
    label: "Taux de chômage par département, 2019 à 2023 (Insee)",
    version: "2023",
    licence: "non vérifiée",
};

const FAP: FileInfo = FileInfo {
    path: "labour_market/fap2021_nomenclature_dares.csv",
    label: "Nomenclature des familles professionnelles FAP-2021 (Dares)",
    version: "2021",
    licence: "non vérifiée",
};

pub fn import(ctx: &mut Ctx) -> Result<()> {
    import_bmo(ctx)?;
    import_unemployment(ctx)?;
    let labels = read_fap_labels(ctx)?;
    link_jobs(ctx, &labels)
}

fn is_fap_code(s: &str) -> bool {
    s.len() == 5
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A BMO count: "*" is statistical secrecy, not an error.
fn count_value(raw: &str) -> std::result::Result<Option<i64>, String> {
    match raw {
        "*" | "" => Ok(None),
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| format!("effectif illisible « {s} »")),
    }
}

fn import_bmo(ctx: &mut Ctx) -> Result<()> {
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO bmo(fap, fap_label, family, area, area_label, departement, region,
                                   hires, difficult, seasonal)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    ctx.each_csv(&BMO, CsvSpec::new(b',', 14), |ctx, r| {
        let fap = r.get("Code métier BMO");
        if !is_fap_code(fap) {
            return Ok(Row::Skip(format!("code métier BMO invalide : « {fap} »")));
        }
        let Some(fap_label) = r.opt("Nom métier BMO") else {
            return Ok(Row::Skip(format!("métier {fap} sans libellé")));
        };
        let Some(area) = r.opt("BE24") else {
            return Ok(Row::Skip(format!("métier {fap} sans bassin d'emploi")));
        };
        let Some(dept) = departement_code(r.get("Dept")) else {
            let raw = r.get("Dept");
            return Ok(Row::Skip(format!(
                "département invalide « {raw} » (bassin {area})"
            )));
        };
        let mut counts = [None; 3];
        for (slot, col) in counts.iter_mut().zip(["met", "xmet", "smet"]) {
            match count_value(r.get(col)) {
                Ok(v) => *slot = v,
                Err(why) => ctx.issue(BMO.path, r.line, format!("{col} : {why}, laissé vide")),
            }
        }
        let n = ins.execute(params![
            fap,
            fap_label,
            r.opt("Lbl_fam_met"),
            area,
            r.opt("NOMBE24"),
            dept,
            r.opt("NOM_REG"),
            counts[0],
            counts[1],
            counts[2],
        ])?;
        Ok(if n == 0 {
            Row::Skip(format!(
                "doublon : métier {fap}, bassin {area}, département {dept}"
            ))
        } else {
            Row::Kept
        })
    })
}

fn import_unemployment(ctx: &mut Ctx) -> Result<()> {
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR IGNORE INTO unemployment(departement, year, rate) VALUES (?1, ?2, ?3)",
    )?;
    ctx.each_csv(&CHOMAGE, CsvSpec::new(b';', 4), |_, r| {
        let raw = r.get("codeDepartement");
        let Some(dept) = departement_code(raw) else {
            return Ok(Row::Skip(format!("code de département invalide « {raw} »")));
        };
        let year = r.get("rentreeScolaire");
        let Some(year) = year
            .parse::<i64>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
        else {
            return Ok(Row::Skip(format!("année invalide « {year} »")));
        };
        let rate = r.get("tauxChomage");
        let Some(rate) = rate
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|v| (0.0..=100.0).contains(v))
        else {
            return Ok(Row::Skip(format!("taux de chômage invalide « {rate} »")));
        };
        let n = ins.execute(params![dept, year, rate])?;
        Ok(if n == 0 {
            Row::Skip(format!("doublon : département {dept}, année {year}"))
        } else {
            Row::Kept
        })
    })
}

/// FAP code (the 5-character level BMO uses) -> every label that describes it: the BMO label, the
/// FAP-228 label and the finer FAP-341 labels under it, which carry more job words ("Eleveurs de
/// bovins" under "Eleveurs").
fn read_fap_labels(ctx: &mut Ctx) -> Result<BTreeMap<String, Vec<String>>> {
    let mut labels: BTreeMap<String, Vec<String>> = BTreeMap::new();
    {
        let mut stmt = ctx.tx.prepare("SELECT DISTINCT fap, fap_label FROM bmo")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            labels.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
    }
    let mut finer: Vec<(String, String)> = Vec::new();
    ctx.each_csv(&FAP, CsvSpec::new(b';', 8), |_, r| {
        let code = r.get("Code_FAP228");
        if !is_fap_code(code) {
            return Ok(Row::Skip(format!("code FAP-228 invalide « {code} »")));
        }
        for col in ["Intitulé_FAP228", "Intitulé_FAP341"] {
            if let Some(label) = r.opt(col) {
                finer.push((code.to_string(), label.to_string()));
            }
        }
        Ok(Row::Kept)
    })?;
    // Only FAPs with BMO figures are worth linking to.
    for (code, label) in finer {
        if let Some(list) = labels.get_mut(&code) {
            if !list.contains(&label) {
                list.push(label);
            }
        }
    }
    Ok(labels)
}

// --- ROME -> FAP by label matching -----------------------------------------------------------------
//
// There is no official FAP-2021 <-> ROME 4.0 table, so a job sheet's BMO figures come from matching
// labels:
// 1. Labels are reduced to words: parentheses dropped ("(IDE)"), lower case without accents, stop words
//    removed, plural and feminine endings folded by the search stemmer ("Boulangère", "boulangers" ->
//    "boulanger"; "conductrice" -> "conducteur"; "sociaux" -> "social"), so the ROME's
//    "Boulanger / Boulangère" gives one word. A combining form stays one word with what follows
//    ("médico-social" is not "social").
// 2. A title word matches a FAP label word when equal (credit 1), or for half credit when they share a
//    long prefix (>= 6 letters and 3/4 of the shorter word: "développeur"/"développement") or a stem
//    ("soudeur"/"soudage", "coiffeur"/"coiffure").
// 3. Words are weighted by rarity (squared IDF over the ROME titles and FAP labels), so "agent",
//    "technicien" or "ingénieur" weigh much less than "boulanger". A label's score is the weighted share
//    of the title's words it matches; a word that no FAP label knows ("TIG", "rapprochée") counts half
//    in that share, as it cannot favour any FAP. A FAP's score is the best of its labels.
// 4. A fiche's score for a FAP is 0.6 x its title's score + 0.4 x the mean score of its appellations
//    (they add the everyday names: "Chauffeur routier" under "Conducteur de poids lourd").
// 5. The best FAP is kept when its score is at least MIN_SCORE; ties are all kept (maçons qualifiés and
//    peu qualifiés), unless more than MAX_TIES, which means the title says too little.
// 6. A fiche left without a FAP takes the FAP most chosen by the matched fiches of its ROME domain (the
//    first three characters of the code, e.g. J11 for doctors), when at least 3 fiches and half of them
//    agree. Its score is then 0.3 x that share, always under MIN_SCORE, so it can be told apart.
// Quality, checked by eye on 60 fiches drawn at random (the ignored test `quality_sample`, seeds 1 and
// 2): 28 got a sensible FAP, 3 a wrong one (generic words: "Ingénieur brevet" -> HSE engineers), 29
// none (vocabulary the FAP labels lack: "Tourneur-fraiseur", "Démographe"). About half of the 1,584
// fiches get a FAP; when one is given it is right about nine times in ten.

const MIN_SCORE: f64 = 0.4;
const UNKNOWN_WORD_WEIGHT: f64 = 0.5;
const MAX_TIES: usize = 3;
const DOMAIN_MIN_VOTES: usize = 3;
const DOMAIN_SCORE: f64 = 0.3;

const STOP_WORDS: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "ou", "pour",
    "sur", "par", "avec", "dans", "un", "une", "non", "hors", "sauf", "autre", "autres",
    "assimile", "qu", "que", "chez", "leur", "son", "sa", "ses",
];

/// The distinct significant words of a label, folded.
fn label_words(label: &str) -> Vec<String> {
    let mut text = String::with_capacity(label.len());
    let mut depth = 0usize;
    for c in label.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let mut out: Vec<String> = Vec::new();
    for w in join_combining_forms(&fold(&text)).split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.len() < 2 || STOP_WORDS.contains(&w) {
            continue;
        }
        let w = stem(w);
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// "médico-sociaux", "socio-éducatifs", "agro-alimentaire" name one field, not two: a hyphenated part that
/// ends in the combining "o" is joined to what follows ("medicosociaux"). Otherwise "Secrétaires médicaux
/// ou médico-sociaux" would carry the word "social" and take "Assistant social" from the action sociale.
fn join_combining_forms(folded: &str) -> String {
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len());
    for (i, &c) in chars.iter().enumerate() {
        let combining = c == '-'
            && i >= 2
            && chars.get(i - 1) == Some(&'o')
            && chars.get(i - 2).is_some_and(|p| p.is_alphabetic())
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if !combining {
            out.push(c);
        }
    }
    out
}

/// Derivational endings that turn a job into its activity ("soudeur"/"soudage", "coiffeur"/"coiffure",
/// "animateur"/"animation"): words with the same stem once these are removed are related.
const DERIVATIONS: &[&str] = &[
    "ateur", "ation", "ement", "erie", "eur", "ier", "ion", "age", "ure", "iste", "isme", "ique",
    "aire", "ien", "ant", "ent", "if",
];

/// The root once a derivational ending is removed. Not the search stemmer (`stem`, which folds gender and
/// number only): this one relates different words of one family, for half credit.
fn derivation_root(w: &str) -> &str {
    DERIVATIONS
        .iter()
        .filter(|d| w.len() >= d.len() + 4)
        .filter_map(|d| w.strip_suffix(*d))
        .min_by_key(|s| s.len())
        .unwrap_or(w)
}

/// Credit for a title word against a label word: 1 when equal, 1/2 when they share a long prefix or a
/// stem.
fn word_credit(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (sa, sb) = (derivation_root(a), derivation_root(b));
    if sa.len() >= 4 && sa == sb {
        return 0.5;
    }
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    if common >= 6 && common as f64 >= 0.75 * a.len().min(b.len()) as f64 {
        0.5
    } else {
        0.0
    }
}

struct Matcher {
    faps: Vec<String>,
    /// Per candidate label: its FAP (index in `faps`).
    label_fap: Vec<usize>,
    /// Label vocabulary and, per word, the labels that contain it.
    vocab: Vec<String>,
    labels_of_word: Vec<Vec<usize>>,
    df: HashMap<String, usize>,
    docs: usize,
    /// Title word -> (label, credit) for every label it matches.
    hits: HashMap<String, Vec<(usize, f64)>>,
}

impl Matcher {
    fn new(labels: &BTreeMap<String, Vec<String>>, titles: &[String]) -> Matcher {
        let mut m = Matcher {
            faps: Vec::new(),
            label_fap: Vec::new(),
            vocab: Vec::new(),
            labels_of_word: Vec::new(),
            df: HashMap::new(),
            docs: 0,
            hits: HashMap::new(),
        };
        let mut word_index: HashMap<String, usize> = HashMap::new();
        for (fap, list) in labels {
            let f = m.faps.len();
            m.faps.push(fap.clone());
            for label in list {
                let l = m.label_fap.len();
                m.label_fap.push(f);
                let words = label_words(label);
                for w in &words {
                    let i = *word_index.entry(w.clone()).or_insert_with(|| {
                        m.vocab.push(w.clone());
                        m.labels_of_word.push(Vec::new());
                        m.vocab.len() - 1
                    });
                    if let Some(labels) = m.labels_of_word.get_mut(i) {
                        labels.push(l);
                    }
                    *m.df.entry(w.clone()).or_default() += 1;
                }
                m.docs += 1;
            }
        }
        for t in titles {
            for w in label_words(t) {
                *m.df.entry(w).or_default() += 1;
            }
            m.docs += 1;
        }
        m
    }

    fn idf(&self, w: &str) -> f64 {
        let df = self.df.get(w).copied().unwrap_or(0);
        ((self.docs as f64 / (1 + df) as f64).ln().max(0.0) + 1.0).powi(2)
    }

    fn hits(&mut self, w: &str) -> &[(usize, f64)] {
        if !self.hits.contains_key(w) {
            let mut best: HashMap<usize, f64> = HashMap::new();
            for (v, labels) in self.vocab.iter().zip(&self.labels_of_word) {
                let credit = word_credit(w, v);
                if credit > 0.0 {
                    for &l in labels {
                        let e = best.entry(l).or_insert(0.0);
                        *e = e.max(credit);
                    }
                }
            }
            let mut list: Vec<(usize, f64)> = best.into_iter().collect();
            list.sort_by_key(|&(l, _)| l);
            self.hits.insert(w.to_string(), list);
        }
        self.hits.get(w).map(Vec::as_slice).unwrap_or(&[])
    }

    /// FAP index -> score of the text against that FAP's best label.
    fn scores(&mut self, text: &str) -> HashMap<usize, f64> {
        let words = label_words(text);
        let mut per_label: HashMap<usize, f64> = HashMap::new();
        let mut total = 0.0;
        for w in &words {
            let weight = self.idf(w);
            let hits = self.hits(w);
            // A word no FAP label knows ("TIG", "rapprochée") cannot tell FAPs apart: it counts half.
            total += if hits.is_empty() {
                UNKNOWN_WORD_WEIGHT * weight
            } else {
                weight
            };
            let hits = hits.to_vec();
            for (l, credit) in hits {
                *per_label.entry(l).or_insert(0.0) += weight * credit;
            }
        }
        if total <= 0.0 {
            return HashMap::new();
        }
        let mut per_fap: HashMap<usize, f64> = HashMap::new();
        for (l, got) in per_label {
            let Some(&fap) = self.label_fap.get(l) else {
                continue;
            };
            let e = per_fap.entry(fap).or_insert(0.0);
            *e = e.max(got / total);
        }
        per_fap
    }

    /// The best FAPs of a fiche with their score, before any threshold.
    fn best(&mut self, title: &str, appellations: &[String]) -> (f64, Vec<usize>) {
        let mut combined = self.scores(title);
        if !appellations.is_empty() {
            for v in combined.values_mut() {
                *v *= 0.6;
            }
            let share = 0.4 / appellations.len() as f64;
            for a in appellations {
                for (f, s) in self.scores(a) {
                    *combined.entry(f).or_insert(0.0) += share * s;
                }
            }
        }
        let top = combined.values().copied().fold(0.0, f64::max);
        let mut tied: Vec<usize> = combined
            .iter()
            .filter(|(_, &s)| top > 0.0 && s >= top - 1e-9)
            .map(|(&f, _)| f)
            .collect();
        tied.sort_unstable();
        (top, tied)
    }
}

fn link_jobs(ctx: &mut Ctx, labels: &BTreeMap<String, Vec<String>>) -> Result<()> {
    let jobs: Vec<(String, String)> = {
        let mut stmt = ctx
            .tx
            .prepare("SELECT code_rome, title FROM job ORDER BY code_rome")?;
        let rows = stmt.query_map([], |r| r.try_into())?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if jobs.is_empty() || labels.is_empty() {
        return Ok(());
    }
    let mut appellations: HashMap<String, Vec<String>> = HashMap::new();
    {
        let mut stmt = ctx.tx.prepare("SELECT code_rome, title FROM appellation")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            appellations.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
    }
    let titles: Vec<String> = jobs.iter().map(|(_, t)| t.clone()).collect();
    let mut matcher = Matcher::new(labels, &titles);
    let mut ins = ctx.tx.prepare_cached(
        "INSERT OR REPLACE INTO job_fap(code_rome, fap, score) VALUES (?1, ?2, ?3)",
    )?;

    let mut unmatched: Vec<&str> = Vec::new();
    // ROME domain -> (fiches matched, votes per FAP).
    let mut domains: HashMap<&str, (usize, BTreeMap<usize, usize>)> = HashMap::new();
    for (code, title) in &jobs {
        let apps = appellations.get(code).map(Vec::as_slice).unwrap_or(&[]);
        let (score, faps) = matcher.best(title, apps);
        if score < MIN_SCORE || faps.is_empty() || faps.len() > MAX_TIES {
            unmatched.push(code);
            continue;
        }
        let domain = domains.entry(code.get(..3).unwrap_or(code)).or_default();
        domain.0 += 1;
        for &f in &faps {
            *domain.1.entry(f).or_default() += 1;
            if let Some(fap) = matcher.faps.get(f) {
                ins.execute(params![code, fap, score])?;
            }
        }
    }
    for code in unmatched {
        let Some((matched, votes)) = domains.get(code.get(..3).unwrap_or(code)) else {
            continue;
        };
        let mut ranked: Vec<(usize, usize)> = votes.iter().map(|(&f, &n)| (f, n)).collect();
        ranked.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let Some(&(fap, n)) = ranked.first() else {
            continue;
        };
        let clear_winner = ranked.get(1).is_none_or(|&(_, second)| second < n);
        let share = n as f64 / *matched as f64;
        if n >= DOMAIN_MIN_VOTES && share >= 0.5 && clear_winner {
            if let Some(fap) = matcher.faps.get(fap) {
                ins.execute(params![code, fap, DOMAIN_SCORE * share])?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
