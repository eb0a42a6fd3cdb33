-- User database, step from version 1 to 2: favourites, their tags, saved searches and what the user has seen
-- of them. FROZEN once released: a later change is a new upgrade step, never an edit of this file.
-- Kinds and statuses are checked in Rust, not by CHECK constraints, so a new one needs no table rebuild.

-- kind: 'job' | 'training' | 'session' | 'place' | 'aid'; item_id: the catalogue id ("D1102", "lheo:07_10").
-- snapshot: JSON of what the user saw when adding it (title, subtitle, place, session dates), shown when the
-- catalogue no longer has the item. position: the user's order, dense from 0.
CREATE TABLE favourite (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    note TEXT,
    status TEXT,
    position INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (kind, item_id)
);
CREATE INDEX favourite_position ON favourite(position);
CREATE TABLE favourite_tag (
    favourite INTEGER NOT NULL REFERENCES favourite(id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (favourite, tag)
) WITHOUT ROWID;
CREATE INDEX favourite_tag_tag ON favourite_tag(tag);

-- query: JSON of search::Query. seen_at: when the user last looked (unix seconds).
CREATE TABLE saved_search (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at INTEGER
);
-- The results the user has seen for a saved search (kind as search::Kind: job, training, place, aid).
CREATE TABLE saved_search_result (
    search INTEGER NOT NULL REFERENCES saved_search(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    PRIMARY KEY (search, kind, item_id)
) WITHOUT ROWID;
-- The sessions of the seen trainings, and whether registration was open when the user last looked.
CREATE TABLE saved_search_session (
    search INTEGER NOT NULL REFERENCES saved_search(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    open INTEGER NOT NULL,
    PRIMARY KEY (search, session_id)
) WITHOUT ROWID;
