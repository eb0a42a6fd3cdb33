-- User database, step from version 3 to 4: the "Découvrir" quiz profile (core::discover). FROZEN once
-- released: a later change is a new upgrade step, never an edit of this file.
-- One profile per user database: formality 'tu' | 'vous'; updated_at in unix seconds.
CREATE TABLE discover_profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    formality TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
-- The answers in the order they were given. question: an id of data/discover/questions.tsv; answer: 'oui' |
-- 'plutot_oui' | 'plutot_non' | 'non' | 'ne_sais_pas' (checked in Rust).
CREATE TABLE discover_answer (
    position INTEGER PRIMARY KEY,
    question TEXT NOT NULL UNIQUE,
    answer TEXT NOT NULL
);
