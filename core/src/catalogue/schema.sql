-- Catalogue database, version 6. Built from the open data in data/; replaced as a whole by a rebuild or an
-- update, so it has no migrations: a catalogue of another version is rebuilt.
-- Size (issue 11): tables keyed by a text id whose rows are small are WITHOUT ROWID, so the id is stored
-- once, in the table's own b-tree, instead of again in an index beside it; training (rows up to 5 KB of
-- text) stays a rowid table. No index serves only the build or the counts of `catalogue info`.
-- Columns with no type hold texts that repeat over many rows: at the end of a build compact::share_texts
-- keeps each text once in shared_text, the row its number, and puts a view of the table's name in front.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per source file read: what it is, its version, how many rows were kept and skipped.
CREATE TABLE source (
    file TEXT PRIMARY KEY, label TEXT NOT NULL, version TEXT NOT NULL, licence TEXT NOT NULL,
    rows_read INTEGER NOT NULL, rows_kept INTEGER NOT NULL, rows_skipped INTEGER NOT NULL
);
-- The import report: one row per skipped or suspicious row, with file and line.
CREATE TABLE import_issue (file TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL);

-- ROME 4.0 ---------------------------------------------------------------------------------------------
CREATE TABLE grand_domaine (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE domaine (code TEXT PRIMARY KEY, label TEXT NOT NULL, grand_domaine TEXT);
CREATE TABLE job (
    code_rome TEXT PRIMARY KEY, title TEXT NOT NULL, code_fiche TEXT, code_ogr TEXT,
    parent_rome TEXT NOT NULL, domaine TEXT, grand_domaine TEXT,
    transition_eco TEXT, transition_num TEXT, transition_demo TEXT,
    regulated INTEGER NOT NULL DEFAULT 0, cadre INTEGER NOT NULL DEFAULT 0,
    riasec_major TEXT, riasec_minor TEXT,
    definition TEXT, access TEXT
);
CREATE INDEX job_parent ON job(parent_rome);
-- short_title: NULL when it is the title (5 names in 6).
CREATE TABLE appellation (
    code_ogr TEXT PRIMARY KEY, code_rome TEXT NOT NULL REFERENCES job(code_rome),
    title TEXT NOT NULL, short_title TEXT,
    principal INTEGER NOT NULL, rare INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX appellation_rome ON appellation(code_rome);
-- Skills, knowledge and work contexts; rubrique: 1 savoir-faire, 2 savoir-être professionnels, 3 savoirs,
-- 6 contexte de travail. category/subcategory group them as the source does.
CREATE TABLE skill (
    code_ogr TEXT PRIMARY KEY, label TEXT NOT NULL, rubrique INTEGER NOT NULL,
    category, subcategory
) WITHOUT ROWID;
CREATE TABLE job_skill (
    code_rome TEXT NOT NULL REFERENCES job(code_rome), code_ogr TEXT NOT NULL REFERENCES skill(code_ogr),
    core INTEGER NOT NULL DEFAULT 0, emerging INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (code_rome, code_ogr)
) WITHOUT ROWID;
CREATE TABLE work_context (code_ogr TEXT PRIMARY KEY, label TEXT NOT NULL, type_code TEXT, type_label TEXT);
CREATE TABLE job_context (
    code_rome TEXT NOT NULL REFERENCES job(code_rome), code_ogr TEXT NOT NULL REFERENCES work_context(code_ogr),
    PRIMARY KEY (code_rome, code_ogr)
) WITHOUT ROWID;
-- kind: 'close' (emplois proches, numero_ordre 1..) — the source ranks them; lower rank = closer.
CREATE TABLE job_mobility (
    code_rome TEXT NOT NULL REFERENCES job(code_rome), target_rome TEXT NOT NULL REFERENCES job(code_rome),
    rank INTEGER NOT NULL, PRIMARY KEY (code_rome, target_rome)
) WITHOUT ROWID;
CREATE TABLE interest (code TEXT PRIMARY KEY, label TEXT NOT NULL, definition TEXT);
CREATE TABLE job_interest (
    code TEXT NOT NULL REFERENCES interest(code), code_rome TEXT NOT NULL REFERENCES job(code_rome),
    principal INTEGER NOT NULL, PRIMARY KEY (code, code_rome)
) WITHOUT ROWID;

-- Certifications (RNCP 2021, RS, Certif Info 2024) -------------------------------------------------------
-- id: 'RNCP1234', 'RS5678' or 'CI1879' (a Certif Info diploma with no RNCP/RS code).
CREATE TABLE certification (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, type, level_eu INTEGER, active INTEGER,
    certifier, source NOT NULL
) WITHOUT ROWID;
-- rome: a ROME v3 code (= job.parent_rome in v4).
CREATE TABLE certification_rome (
    cert_id TEXT NOT NULL REFERENCES certification(id), rome TEXT NOT NULL, PRIMARY KEY (cert_id, rome)
) WITHOUT ROWID;
CREATE INDEX certification_rome_rome ON certification_rome(rome);

-- Places: France Travail agencies, Missions locales, lycées, training sites, communes ----------------------
-- kind: 'agence_france_travail' | 'mission_locale' | 'lycee' | 'organisme' | 'lieu_formation' |
-- 'adresse_inscription' (where to apply for a session; not listed as a place in search) | 'commune' |
-- 'etablissement_superieur'. status: 'public' | 'prive_sous_contrat' | 'prive_enseignement_superieur' |
-- 'prive_hors_contrat' | 'prive' (codes::establishment_status), NULL when the source does not say.
CREATE TABLE place (
    id TEXT PRIMARY KEY, kind NOT NULL, name TEXT NOT NULL,
    address TEXT, postcode TEXT, city TEXT, insee TEXT, departement, region,
    lat REAL, lon REAL, phone TEXT, email TEXT, url TEXT, details, status
) WITHOUT ROWID;
CREATE TABLE commune (
    insee TEXT NOT NULL, name TEXT NOT NULL, postcode TEXT NOT NULL, lat REAL, lon REAL, departement TEXT,
    PRIMARY KEY (insee, postcode, name)
) WITHOUT ROWID;
CREATE INDEX commune_postcode ON commune(postcode);
CREATE TABLE departement (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, region_code TEXT, region TEXT, academie TEXT
);

-- Trainings: formation -> action -> session (LHEO), and Onisep national sheets and lycée offers -------------
-- source: 'lheo' | 'onisep' | 'lycee' | 'parcoursup' | 'master'. programme: the Onisep national sheet a
-- located offer teaches (import/programmes.rs matches it by label), NULL when none matched well enough.
CREATE TABLE training (
    id TEXT PRIMARY KEY, source NOT NULL, title TEXT NOT NULL, type,
    objective TEXT, content TEXT, certifying INTEGER,
    level_entry TEXT, level_exit INTEGER, duration,
    rncp TEXT, rs TEXT, formacodes TEXT, nsf TEXT, domains, url TEXT,
    organisme_id TEXT REFERENCES place(id), contact TEXT, programme TEXT
);
CREATE TABLE training_rome (
    training_id TEXT NOT NULL REFERENCES training(id), rome TEXT NOT NULL, PRIMARY KEY (training_id, rome)
) WITHOUT ROWID;
CREATE INDEX training_rome_rome ON training_rome(rome);
-- teaching_mode: 'presentiel' | 'mixte' | 'distance'. funders: comma-separated LHEO code-financeur values.
CREATE TABLE action (
    id TEXT PRIMARY KEY, training_id TEXT NOT NULL REFERENCES training(id),
    teaching_mode, rhythm TEXT, hours_total INTEGER, hours_center INTEGER, hours_company INTEGER,
    price_eur REAL, funders TEXT, disability_access TEXT, conditions TEXT,
    place_id TEXT REFERENCES place(id)
) WITHOUT ROWID;
CREATE INDEX action_training ON action(training_id);
-- Dates are ISO 8601 (YYYY-MM-DD). recruitment: LHEO etat-recrutement (1 ouvert, 2 fermé, 3 suspendu).
CREATE TABLE session (
    id TEXT PRIMARY KEY, action_id TEXT NOT NULL REFERENCES action(id),
    start_date TEXT, end_date TEXT, registration_start TEXT, registration_end TEXT,
    recruitment INTEGER, place_id TEXT REFERENCES place(id)
);
CREATE INDEX session_action ON session(action_id);

-- Aids (aides-jeunes) -------------------------------------------------------------------------------------
-- areas: where an aid applies, as ';'-separated codes dep:13, reg:93, com:13055, cp:13001, epci:SIREN;
-- '' everywhere (national), NULL not known.
CREATE TABLE institution (slug TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT, siren TEXT, insee TEXT, areas TEXT);
CREATE TABLE aid (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, institution TEXT REFERENCES institution(slug),
    description TEXT, conditions TEXT, age_min INTEGER, age_max INTEGER, territory TEXT,
    amount REAL, unit TEXT, periodicity TEXT, link TEXT, source_kind TEXT, profiles TEXT, areas TEXT
);

-- Labour market -------------------------------------------------------------------------------------------
-- BMO publishes an employment area that spans several départements once per département (24 areas):
-- the key includes the département; sum over it for the whole area (NULL = statistical secrecy).
CREATE TABLE bmo (
    fap TEXT NOT NULL, fap_label TEXT NOT NULL, family TEXT, area TEXT NOT NULL, area_label TEXT,
    departement TEXT NOT NULL, region TEXT, hires INTEGER, difficult INTEGER, seasonal INTEGER,
    PRIMARY KEY (fap, area, departement)
) WITHOUT ROWID;
-- A ROME fiche's closest BMO (FAP-2021) job, matched by Orientation on labels (no official table exists):
-- score is the weighted share of the ROME title's words found in the FAP labels (see import/labour.rs);
-- a score under 0.4 means the FAP was inferred from the fiche's ROME domain, not from its own title.
CREATE TABLE job_fap (
    code_rome TEXT NOT NULL REFERENCES job(code_rome), fap TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (code_rome, fap)
) WITHOUT ROWID;
CREATE TABLE unemployment (departement TEXT NOT NULL, year INTEGER NOT NULL, rate REAL NOT NULL,
    PRIMARY KEY (departement, year)) WITHOUT ROWID;

-- Our engine's index (search::engine), saved at build time so opening the catalogue needs no rebuild.
CREATE TABLE search_engine (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
