//! Internal error type of the core. The FFI crate converts it to its own small public error.

use std::path::PathBuf;

/// How much of the user's input a message repeats.
const ECHO_CHARS: usize = 80;

/// What an error repeats of the user's input: trimmed, its first 80 characters, so that a pasted page
/// does not become a page-long message. Every refusal that quotes the input goes through here.
pub fn echo(input: &str) -> String {
    input.trim().chars().take(ECHO_CHARS).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("base de données : {0}")]
    Sql(rusqlite::Error),
    #[error("lecture de {path} : {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("dossier de données introuvable ou illisible : {0}")]
    DataDir(PathBuf),
    #[error("fichier source manquant : {0}")]
    MissingSource(PathBuf),
    #[error("identifiant inconnu : {0}")]
    UnknownId(String),
    #[error("lieu introuvable : « {0} » (code postal, commune ou « lat,lon » attendu)")]
    UnknownPlace(String),
    #[error("le catalogue n'est pas encore construit")]
    NoCatalogue,
    #[error("la base {what} est en version {found}, plus récente que celle que cette application connaît ({known})")]
    SchemaTooNew {
        what: &'static str,
        found: i64,
        known: i64,
    },
    #[error("recherche interrompue")]
    Interrupted,
    /// What the user (or a shell on their behalf) gave was refused; the message says why and what to give.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Several communes answer to this name: the user chooses one.
    #[error("plusieurs communes s'appellent « {name} » : {} ; précisez le département (« {name} (93) ») ou le code postal", .candidates.iter().map(|c| c.label()).collect::<Vec<_>>().join(", "))]
    AmbiguousPlace {
        name: String,
        candidates: Vec<crate::territory::PlaceChoice>,
    },
    /// Personal input refused (a note too long, a status on a job, a name already taken): the reason
    /// says what to give.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A favourites document this version cannot read: refused whole, nothing was changed.
    #[error("import refusé : {0} ; rien n'a été modifié")]
    BadExport(String),
    /// Data this application wrote reads back damaged (the search index, a stored search, a schema
    /// version it never wrote): rebuilding or reinstalling mends it, the user's input cannot.
    #[error("données endommagées : {0}")]
    Corrupt(String),
    /// An open-data or bundled source file that cannot be read as its format says.
    #[error("fichier source illisible ({file}) : {why}")]
    BadSource { file: String, why: String },
    /// Our own values could not be written as JSON (a bug, never the user's doing).
    #[error("mise en JSON impossible : {0}")]
    Encode(serde_json::Error),
    /// A worker of ours stopped before its answer, or a row just written is not there: a bug.
    #[error("erreur interne : {0}")]
    Internal(&'static str),
    /// A command or call that cannot do what was asked as it was asked (the message says what to do).
    #[error("{0}")]
    Usage(&'static str),
    /// A personal field could not be sealed or opened (docs/privacy.md).
    #[error(transparent)]
    Crypt(#[from] crate::db::crypt::CryptError),
    /// The key of the personal data is not the one they were sealed with (lost, or a new device): they
    /// were unreadable and have been emptied. Said once, at the open that found it; the catalogue and the
    /// settings are kept.
    #[error("vos données personnelles (favoris, notes, recherches enregistrées, discussion, quiz) n'étaient plus lisibles : la clé qui les protège a été perdue. Elles repartent de zéro ; le catalogue n'est pas touché.")]
    PersonalDataReset,
    #[cfg(feature = "chat")]
    #[error(transparent)]
    Chat(#[from] crate::chat::ChatError),
    #[cfg(feature = "sync")]
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
}

/// A personal field that would not open inside a query is told apart: it is the key, not the database.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match crate::db::crypt::crypt_error(&e) {
            Some(c) => Error::Crypt(c),
            None => Error::Sql(e),
        }
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Refused input, one variant per rule, with the French message both faces show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("date invalide « {0} » : écrivez AAAA-MM-JJ ou JJ/MM/AAAA (un jour qui existe)")]
    Date(String),
    #[error("niveau inconnu « {0} » (1 à 8, ou V à I)")]
    Level(String),
    #[error("financement inconnu « {given} » ({known})")]
    Funding { given: String, known: String },
    #[error("modalité inconnue « {0} » (présentiel, mixte ou distance)")]
    Mode(String),
    #[error("grand domaine inconnu « {0} » (une lettre de A à N)")]
    Domain(String),
    #[error("le nombre de résultats va de 1 à {max}")]
    Limit { max: usize },
    #[error("le rayon est un nombre de km plus grand que 0 et au plus {max}")]
    Radius { max: u32 },
    #[error("position invalide : latitude de -90 à 90, longitude de -180 à 180")]
    Coordinates,
    #[error("durée invalide : un nombre d'heures positif")]
    Hours,
    #[error("sorte inconnue « {0} » (job, training, place ou aid)")]
    Kind(String),
}

/// Personal input refused, one variant per rule, with the French message both faces show. In the FFI
/// they are all `InvalidInput` (the message may echo what the user typed).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("note trop longue (au plus {max} caractères)")]
    NoteTooLong { max: usize },
    #[error("étiquette vide")]
    EmptyTag,
    #[error("étiquette invalide (au plus {max} caractères, sans caractère de contrôle)")]
    BadTag { max: usize },
    #[error("trop d'étiquettes (au plus {max})")]
    TooManyTags { max: usize },
    #[error("identifiant de favori vide ou invalide")]
    BadItemId,
    #[error("une certification ne se met pas en favori : ajoutez une formation qui y prépare")]
    CertificationFavourite,
    #[error("« {0} » n'est pas dans vos favoris")]
    NotFavourite(String),
    #[error("plusieurs favoris ont l'identifiant « {id} » : précisez {}", .kinds.iter().map(|k| format!("--kind {k}")).collect::<Vec<_>>().join(" ou "))]
    AmbiguousFavourite {
        id: String,
        kinds: Vec<&'static str>,
    },
    #[error("un statut ne s'applique qu'aux formations et à leurs sessions")]
    StatusNotTraining,
    #[error("statut inconnu « {given} » ({})", .known.join(", "))]
    UnknownStatus {
        given: String,
        known: Vec<&'static str>,
    },
    #[error("instantané trop long")]
    SnapshotTooLong,
    #[error("comparer demande de {min} à {max} formations, pas {given}")]
    CompareCount {
        min: usize,
        max: usize,
        given: usize,
    },
    #[error("la formation « {0} » est donnée deux fois")]
    CompareTwice(String),
    #[error("« {0} » n'est pas une formation : seules les formations se comparent")]
    CompareNotTraining(String),
    #[error("nom de recherche vide ou trop long (au plus {max} caractères)")]
    SearchName { max: usize },
    #[error("une recherche s'appelle déjà « {0} »")]
    SearchNameTaken(String),
    #[error("aucune recherche enregistrée ne s'appelle « {0} »")]
    NoSuchSearch(String),
    #[error("la recherche « {0} » n'existe plus")]
    SearchGone(String),
    #[error("recherche enregistrée : {0}")]
    SearchQuery(&'static str),
    #[error("question inconnue « {0} »")]
    UnknownQuestion(String),
    #[error("réponse invalide « {0} » : QUESTION=VALEUR attendu, VALEUR parmi oui, plutot_oui, plutot_non, non, ne_sais_pas")]
    Answer(String),
    #[error("profil du quiz : {0}")]
    QuizProfile(&'static str),
}
