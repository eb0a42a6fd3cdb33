//! What the engine indexes: one document per searchable thing, built by the catalogue from its tables.

/// A searchable document: what the engines index (title strongly, body weakly) and what a hit shows.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub rome: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub distance_learning: bool,
    /// A static prior in [0, ~16] for jobs (see `job_priors`), 0 otherwise.
    pub prior: f64,
    pub body: String,
    /// For jobs: the ROME grand domaine letter.
    pub domain: Option<char>,
    /// For trainings: what the filters look at.
    pub training: Option<super::filters::TrainingInfo>,
    /// The document that names its group best (a job's fiche, rather than one of its appellations).
    pub head: bool,
    /// How precise `lat`/`lon` are, and the commune or département they stand for when not exact.
    pub located: Located,
    pub place_name: Option<String>,
    /// For aids: where they apply, as area codes ("dep:13;reg:93"); '' everywhere, None not known.
    pub areas: Option<String>,
}

/// How a document's point was found: its own coordinates, its commune's centre, or its département's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Located {
    #[default]
    Exact,
    Commune,
    Departement,
}

impl Located {
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(c: u8) -> Located {
        match c {
            1 => Located::Commune,
            2 => Located::Departement,
            _ => Located::Exact,
        }
    }
}
