//! The code vocabularies a user can meet, each once: code ↔ enum ↔ French label. Funders, teaching
//! modes, levels, recruitment states, place kinds, RIASEC letters, ROME transition flags, aid amounts.
//! A leaf module: importers read codes with it, the engine stores its bits, every face shows its labels.

use crate::error::InputError;
use crate::text::fold;
use serde::{Deserialize, Serialize};

/// Who pays for a training, as the filters and facets group the LHEO funder codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Funding {
    #[serde(rename = "Région")]
    Region,
    #[serde(rename = "France Travail")]
    FranceTravail,
    #[serde(rename = "CPF")]
    Cpf,
    #[serde(rename = "OPCO")]
    Opco,
    Agefiph,
    #[serde(rename = "État")]
    Etat,
    Entreprise,
    Personnel,
}

impl Funding {
    pub const ALL: [Funding; 8] = [
        Funding::Region,
        Funding::FranceTravail,
        Funding::Cpf,
        Funding::Opco,
        Funding::Agefiph,
        Funding::Etat,
        Funding::Entreprise,
        Funding::Personnel,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Funding::Region => "Région",
            Funding::FranceTravail => "France Travail",
            Funding::Cpf => "CPF",
            Funding::Opco => "OPCO",
            Funding::Agefiph => "Agefiph",
            Funding::Etat => "État",
            Funding::Entreprise => "Entreprise",
            Funding::Personnel => "Personnel",
        }
    }

    /// The bit of the category in the engine's funding masks.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub fn mask(all: impl IntoIterator<Item = Funding>) -> u8 {
        all.into_iter().fold(0, |m, f| m | f.bit())
    }

    pub fn in_mask(mask: u8) -> impl Iterator<Item = Funding> {
        Funding::ALL
            .into_iter()
            .filter(move |f| mask & f.bit() != 0)
    }

    /// As people type it: "region", "Région", "france travail", "cpf" (case and accents ignored).
    pub fn parse(text: &str) -> Result<Funding, InputError> {
        let key = fold(text.trim());
        Funding::ALL
            .into_iter()
            .find(|f| fold(f.label()) == key)
            .ok_or_else(|| InputError::Funding {
                given: crate::error::echo(text),
                known: Funding::ALL.map(Funding::label).join(", "),
            })
    }
}

/// One entry of the LHEO `dict-financeurs`: its French name and the category it is filtered under.
pub struct Funder {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Option<Funding>,
}

/// LHEO `code-financeur` (dictionary `dict-financeurs`). The dictionary has no code for the CPF itself
/// (CPF eligibility travels in `extras`); code 17, Transition Pro, funds the "CPF de transition
/// professionnelle", so it is filed under CPF. State agencies (ACSÉ, LADOM, OFII) count as État;
/// départements, communes and European funds have no filter category.
const FUNDERS: &[Funder] = &[
    funder("0", "Autre financeur", None),
    funder("1", "Financeur (code obsolète)", None),
    funder("2", "Conseil régional", Some(Funding::Region)),
    funder("3", "Fonds social européen", None),
    funder("4", "France Travail", Some(Funding::FranceTravail)),
    funder("5", "Entreprise", Some(Funding::Entreprise)),
    funder("6", "ACSÉ (État)", Some(Funding::Etat)),
    funder("7", "Agefiph", Some(Funding::Agefiph)),
    funder("8", "Conseil départemental", None),
    funder("9", "Commune", None),
    funder(
        "10",
        "Vous-même (financement personnel)",
        Some(Funding::Personnel),
    ),
    funder(
        "11",
        "État, ministère chargé de l'emploi",
        Some(Funding::Etat),
    ),
    funder(
        "12",
        "État, ministère de l'Éducation nationale",
        Some(Funding::Etat),
    ),
    funder("13", "État", Some(Funding::Etat)),
    funder("14", "Fonds européens", None),
    funder("15", "Collectivité territoriale", None),
    funder("16", "OPCO", Some(Funding::Opco)),
    funder(
        "17",
        "Transition Pro (CPF de transition)",
        Some(Funding::Cpf),
    ),
    funder("18", "LADOM (État)", Some(Funding::Etat)),
    funder("19", "État, ministère de l'Intérieur", Some(Funding::Etat)),
    funder("20", "OFII (État)", Some(Funding::Etat)),
];

const fn funder(code: &'static str, name: &'static str, category: Option<Funding>) -> Funder {
    Funder {
        code,
        name,
        category,
    }
}

/// The dictionary entry of a `code-financeur`: "02" and "2" are the same code in sloppy exports.
pub fn lheo_funder(code: &str) -> Option<&'static Funder> {
    let code = code.trim();
    let code = match code.trim_start_matches('0') {
        "" if !code.is_empty() => "0",
        c => c,
    };
    FUNDERS.iter().find(|f| f.code == code)
}

/// How a training is taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeachingMode {
    Presentiel,
    Mixte,
    Distance,
}

impl TeachingMode {
    pub const ALL: [TeachingMode; 3] = [
        TeachingMode::Presentiel,
        TeachingMode::Mixte,
        TeachingMode::Distance,
    ];

    /// The catalogue's code.
    pub fn code(self) -> &'static str {
        match self {
            TeachingMode::Presentiel => "presentiel",
            TeachingMode::Mixte => "mixte",
            TeachingMode::Distance => "distance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TeachingMode::Presentiel => "En présentiel",
            TeachingMode::Mixte => "Mixte",
            TeachingMode::Distance => "À distance",
        }
    }

    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub fn from_code(code: &str) -> Option<TeachingMode> {
        TeachingMode::ALL.into_iter().find(|m| m.code() == code)
    }

    /// LHEO `modalites-enseignement`: 0 entirely on site, 1 mixed, 2 entirely at a distance.
    pub fn from_lheo(code: &str) -> Option<TeachingMode> {
        match code.trim() {
            "0" => Some(TeachingMode::Presentiel),
            "1" => Some(TeachingMode::Mixte),
            "2" => Some(TeachingMode::Distance),
            _ => None,
        }
    }

    pub fn in_mask(mask: u8) -> impl Iterator<Item = TeachingMode> {
        TeachingMode::ALL
            .into_iter()
            .filter(move |m| mask & m.bit() != 0)
    }

    /// As people type it: "présentiel", "presentiel", "à distance", "distanciel", "mixte", "hybride".
    pub fn parse(text: &str) -> Result<TeachingMode, InputError> {
        let key = fold(text.trim());
        let key = key.trim_start_matches("en ").trim_start_matches("a ");
        match key {
            "presentiel" | "sur place" => Ok(TeachingMode::Presentiel),
            "mixte" | "hybride" => Ok(TeachingMode::Mixte),
            "distance" | "distanciel" | "en ligne" => Ok(TeachingMode::Distance),
            _ => Err(InputError::Mode(crate::error::echo(text))),
        }
    }
}

/// A European qualification level (1 to 8) as a person reads it: "Niveau 4 (bac)".
pub fn level_label(level: u8) -> String {
    let detail = match level {
        1 => " (savoirs de base)",
        2 => " (socle de compétences)",
        3 => " (CAP, BEP)",
        4 => " (bac)",
        5 => " (bac + 2)",
        6 => " (bac + 3 ou 4)",
        7 => " (bac + 5)",
        8 => " (doctorat)",
        _ => "",
    };
    format!("Niveau {level}{detail}")
}

/// A level as people write it: European 1–8, or the older French V–I (V = CAP, IV = bac, III = bac+2,
/// II = bac+3/4, I = bac+5 and more).
pub fn parse_level(text: &str) -> Result<u8, InputError> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.trim_start_matches("NIVEAU").trim();
    match t {
        "V" => Ok(3),
        "IV" => Ok(4),
        "III" => Ok(5),
        "II" => Ok(6),
        "I" => Ok(7),
        _ => t
            .parse::<u8>()
            .ok()
            .filter(|l| (1..=8).contains(l))
            .ok_or_else(|| InputError::Level(crate::error::echo(text))),
    }
}

/// A level given as a number (the shells' pickers).
pub fn checked_level(level: i64) -> Result<u8, InputError> {
    u8::try_from(level)
        .ok()
        .filter(|l| (1..=8).contains(l))
        .ok_or_else(|| InputError::Level(level.to_string()))
}

/// LHEO `etat-recrutement` of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Recruitment {
    Open,
    Closed,
    Suspended,
}

impl Recruitment {
    pub fn from_code(code: i64) -> Option<Recruitment> {
        match code {
            1 => Some(Recruitment::Open),
            2 => Some(Recruitment::Closed),
            3 => Some(Recruitment::Suspended),
            _ => None,
        }
    }

    /// What the source says (not whether registration is open today: see `Registration`).
    pub fn label(self) -> &'static str {
        match self {
            Recruitment::Open => "recrutement ouvert selon l'organisme",
            Recruitment::Closed => "recrutement fermé",
            Recruitment::Suspended => "recrutement suspendu",
        }
    }
}

/// A place's kind code in the catalogue, as a person names it.
pub fn place_kind_label(kind: &str) -> &'static str {
    match kind {
        "agence_france_travail" => "Agence France Travail",
        "mission_locale" => "Mission locale",
        "lycee" => "Lycée",
        "organisme" => "Organisme de formation",
        "lieu_formation" => "Lieu de formation",
        "commune" => "Commune",
        "adresse_inscription" => "Adresse d'inscription",
        "etablissement_superieur" => "Établissement d'enseignement supérieur",
        _ => "Lieu",
    }
}

/// An establishment's status (`place.status`) in words. "Privé hors contrat" is said wherever the
/// establishment is named: its diplomas are not those of the State unless it says so, and it charges fees.
pub fn establishment_status_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "public" => "public",
        "prive_sous_contrat" => "privé sous contrat",
        "prive_enseignement_superieur" => "privé (enseignement supérieur)",
        "prive_hors_contrat" => "privé hors contrat",
        "prive" => "privé",
        _ => return None,
    })
}

/// What a sheet says under a private establishment without State contract.
pub const PRIVATE_NO_CONTRACT_WARNING: &str = "Établissement privé hors contrat : ses diplômes ne sont \
     pas forcément reconnus par l'État et la scolarité est payante ; renseignez-vous avant de candidater.";

/// Whether a status is one families must be told before they apply (no State contract).
pub fn status_needs_warning(code: &str) -> bool {
    code == "prive_hors_contrat"
}

/// What the sheet of a training from a dated source says of that date.
pub fn training_source_note(source: &str) -> Option<&'static str> {
    match source {
        "master" => Some(
            "Offre de la campagne 2021 de « Trouver mon master », la plus récente de nos données : \
             vérifiez-la auprès de l'établissement.",
        ),
        "parcoursup" => Some("Formation proposée sur Parcoursup en 2025."),
        _ => None,
    }
}

/// A RIASEC (Holland) letter with its name and what it means, in the words of a pupil's questionnaire.
pub fn riasec(letter: &str) -> Option<(&'static str, &'static str)> {
    Some(match letter.trim().to_ascii_uppercase().as_str() {
        "R" => ("Réaliste", "faire, manipuler, construire"),
        "I" => ("Investigateur", "chercher, comprendre, analyser"),
        "A" => ("Artistique", "créer, imaginer, s'exprimer"),
        "S" => ("Social", "aider, soigner, transmettre"),
        "E" => ("Entreprenant", "convaincre, diriger, vendre"),
        "C" => ("Conventionnel", "organiser, classer, vérifier"),
        _ => return None,
    })
}

/// "Réaliste (faire, manipuler, construire)".
pub fn riasec_label(letter: &str) -> Option<String> {
    riasec(letter).map(|(name, what)| format!("{name} ({what})"))
}

/// A ROME transition flag as a sentence, or nothing when it says nothing ("Emploi Blanc", "N", empty).
/// `kind` is "eco" (France Travail's classes Vert / Brun / stratégique), "num" or "demo" (O/N).
pub fn transition_sentence(kind: &str, value: &str) -> Option<&'static str> {
    let v = fold(value.trim());
    match kind {
        "eco" => match v.as_str() {
            "emploi vert" => Some("Emploi vert : il agit directement pour l'environnement"),
            "emploi brun" => {
                Some("Emploi brun : ses pratiques évoluent avec la transition écologique")
            }
            v if v.starts_with("emploi strategique") => {
                Some("Emploi stratégique pour la transition écologique")
            }
            _ => None,
        },
        "num" if v == "o" => Some("Métier concerné par la transition numérique"),
        "demo" if v == "o" => Some(
            "Métier concerné par la transition démographique (vieillissement de la population)",
        ),
        _ => None,
    }
}

/// An aid's amount with its unit and period: "450 € par mois", "1 000 € une fois".
pub fn aid_amount(amount: f64, unit: Option<&str>, periodicity: Option<&str>) -> String {
    let unit = match unit.map(str::trim) {
        None | Some("") | Some("€") | Some("EUR") => "€".to_string(),
        Some(u) => u.to_string(),
    };
    let period = match periodicity.map(|p| fold(p.trim())) {
        None => None,
        Some(p) => match p.as_str() {
            "mensuelle" | "mois" | "month" | "mensuel" => Some("par mois"),
            "annuelle" | "annuel" | "an" | "annee" | "year" => Some("par an"),
            "hebdomadaire" | "semaine" | "week" => Some("par semaine"),
            "journaliere" | "jour" | "day" => Some("par jour"),
            "ponctuelle" | "unique" | "une fois" | "once" => Some("une fois"),
            // "autre" and what we do not know: the amount without a period rather than a wrong one.
            _ => None,
        },
    };
    let value = crate::text_fr::number(amount);
    match period {
        Some(p) => format!("{value} {unit} {p}"),
        None => format!("{value} {unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funding_round_trips_and_parses_as_typed() {
        for f in Funding::ALL {
            assert_eq!(Funding::parse(f.label()), Ok(f));
            assert_eq!(Funding::in_mask(f.bit()).collect::<Vec<_>>(), vec![f]);
        }
        assert_eq!(Funding::parse("region"), Ok(Funding::Region));
        assert_eq!(Funding::parse("FRANCE TRAVAIL"), Ok(Funding::FranceTravail));
        assert!(Funding::parse("banque").is_err());
        assert_eq!(
            lheo_funder("02").and_then(|f| f.category),
            Some(Funding::Region)
        );
        assert_eq!(
            lheo_funder("10").map(|f| f.name),
            Some("Vous-même (financement personnel)")
        );
        assert!(lheo_funder("99").is_none());
    }

    #[test]
    fn modes_accept_the_accented_and_everyday_words() {
        assert_eq!(
            TeachingMode::parse("présentiel"),
            Ok(TeachingMode::Presentiel)
        );
        assert_eq!(
            TeachingMode::parse("presentiel"),
            Ok(TeachingMode::Presentiel)
        );
        assert_eq!(
            TeachingMode::parse("À distance"),
            Ok(TeachingMode::Distance)
        );
        assert_eq!(
            TeachingMode::parse("distanciel"),
            Ok(TeachingMode::Distance)
        );
        assert!(TeachingMode::parse("nage").is_err());
        assert_eq!(TeachingMode::from_lheo("2"), Some(TeachingMode::Distance));
    }

    #[test]
    fn levels_in_both_notations_and_one_label_each() {
        assert_eq!(parse_level("4"), Ok(4));
        assert_eq!(parse_level("IV"), Ok(4));
        assert_eq!(parse_level("niveau V"), Ok(3));
        assert_eq!(parse_level("iii"), Ok(5));
        assert!(parse_level("9").is_err());
        assert!(parse_level("bac").is_err());
        assert_eq!(level_label(2), "Niveau 2 (socle de compétences)");
        assert_eq!(level_label(4), "Niveau 4 (bac)");
        assert!(checked_level(0).is_err());
    }

    #[test]
    fn codes_become_words() {
        assert_eq!(
            riasec_label("r").as_deref(),
            Some("Réaliste (faire, manipuler, construire)")
        );
        assert_eq!(riasec("X"), None);
        assert_eq!(transition_sentence("eco", "Emploi Blanc"), None);
        assert_eq!(transition_sentence("num", "N"), None);
        assert_eq!(transition_sentence("demo", ""), None);
        assert!(transition_sentence("num", "O").is_some());
        assert!(transition_sentence("eco", "Emploi Vert").is_some());
        assert!(
            transition_sentence("eco", "Emploi stratégique pour la Transition écologique")
                .is_some()
        );
        assert_eq!(
            aid_amount(450.0, Some("€"), Some("mensuelle")),
            "450 € par mois"
        );
        assert_eq!(aid_amount(450.0, None, Some("autre")), "450 €");
        assert_eq!(
            aid_amount(1500.5, None, Some("ponctuelle")),
            "1\u{202f}500,5 € une fois"
        );
    }
}
