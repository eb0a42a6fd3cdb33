//! What a build keeps of the imported tables once everything that reads the raw rows has run: the
//! catalogue ships to phones, so rows no screen, filter or ranking reads are folded away (issue 11 §2).

use crate::error::Result;
use rusqlite::Connection;

/// The columns whose texts repeat over many rows (a source, a type, a certifier, a skill category, a
/// region: 6,202 certifiers for 25,595 certifications, 7 skill categories for 33,671 skills). Each text is
/// stored once in `shared_text` and the row keeps its number; a view of the table's own name gives the
/// rows back with their texts, so no reader changes (the saving: README, "Measuring"). These
/// columns are declared without a type in schema.sql, so the number is stored as a number.
pub const SHARED_TEXTS: &[(&str, &[&str])] = &[
    ("training", &["source", "type", "domains", "duration"]),
    ("certification", &["type", "certifier", "source"]),
    ("skill", &["category", "subcategory"]),
    (
        "place",
        &["kind", "departement", "region", "details", "status"],
    ),
    ("action", &["teaching_mode"]),
];

/// Moves the texts of `SHARED_TEXTS` into `shared_text`: each table becomes `<table>_stored` (same
/// keys, indexes and rows, the shared columns holding numbers) behind a view named as the table was.
/// Run last: the catalogue is read-only once built, and a view cannot be written to.
pub fn share_texts(conn: &Connection) -> Result<()> {
    let mut texts = Vec::new();
    for (table, columns) in SHARED_TEXTS {
        for c in *columns {
            texts.push(format!("SELECT {c} FROM {table} WHERE {c} IS NOT NULL"));
        }
    }
    conn.execute_batch(&format!(
        "CREATE TABLE shared_text (id INTEGER PRIMARY KEY, text NOT NULL);
         INSERT INTO shared_text(text) SELECT * FROM ({}) ORDER BY 1;
         CREATE INDEX shared_text_text ON shared_text(text);",
        texts.join(" UNION ")
    ))?;
    for (table, columns) in SHARED_TEXTS {
        let stored = format!("{table}_stored");
        let all: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let numbers: Vec<String> = columns
            .iter()
            .map(|c| format!("{c} = (SELECT id FROM shared_text WHERE text = {c})"))
            .collect();
        let view: Vec<String> = all
            .iter()
            .map(|c| match columns.contains(&c.as_str()) {
                true => format!("(SELECT text FROM shared_text WHERE id = s.{c}) AS {c}"),
                false => format!("s.{c} AS {c}"),
            })
            .collect();
        conn.execute_batch(&format!(
            "ALTER TABLE {table} RENAME TO {stored};
             UPDATE {stored} SET {};
             CREATE VIEW {table} AS SELECT {} FROM {stored} s;",
            numbers.join(", "),
            view.join(", ")
        ))?;
    }
    // The index served the numbering only: readers go from the number to the text.
    conn.execute_batch("DROP INDEX shared_text_text;")?;
    Ok(())
}

/// The area and département of a BMO row that holds a whole FAP job's national figures.
pub const BMO_NATIONAL: &str = "FR";

/// Folds the BMO survey (one row per FAP job × employment area × département, 53,000 rows, 7.3 MB) into
/// one row per FAP job with its national figures: every reader (the job sheet's hiring chart, the quiz's
/// "recrute beaucoup", the engine's job priors, compare) sums over the areas. A sum over statistical
/// secrecy stays NULL when every area was secret, as `sum()` over the raw rows gives, so whether any
/// area gave a figure (`count(difficult) > 0`, the quiz's test) is kept too.
pub fn fold_bmo(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE TEMP TABLE bmo_national AS
             SELECT fap, max(fap_label) AS fap_label, max(family) AS family,
                    sum(hires) AS hires, sum(difficult) AS difficult, sum(seasonal) AS seasonal
             FROM bmo GROUP BY fap;
         DELETE FROM bmo;
         INSERT INTO bmo(fap, fap_label, family, area, area_label, departement, region,
                         hires, difficult, seasonal)
             SELECT fap, fap_label, family, '{BMO_NATIONAL}', 'France', '{BMO_NATIONAL}', NULL,
                    hires, difficult, seasonal
             FROM bmo_national;
         DROP TABLE temp.bmo_national;"
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmo_keeps_one_row_per_fap_with_the_sums_every_reader_computes() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("schema.sql")).unwrap();
        conn.execute_batch(
            "INSERT INTO bmo(fap, fap_label, family, area, departement, hires, difficult, seasonal) VALUES
                 ('B2X39', 'Plaquistes', 'BTP', '101', '971', 10, 4, NULL),
                 ('B2X39', 'Plaquistes', 'BTP', '102', '971', 5, NULL, 2),
                 ('B2X39', 'Plaquistes', 'BTP', '7501', '75', NULL, 3, NULL),
                 ('S1X40', 'Cuisiniers', 'Hôtellerie', '101', '971', NULL, NULL, NULL);",
        )
        .unwrap();
        let readers =
            "SELECT fap, max(fap_label), sum(hires), sum(difficult), count(difficult) > 0,
                              sum(seasonal), coalesce(sum(hires), 0)
                       FROM bmo GROUP BY fap ORDER BY fap";
        type Row = (
            String,
            String,
            Option<i64>,
            Option<i64>,
            i64,
            Option<i64>,
            i64,
        );
        let read = |conn: &Connection| -> Vec<Row> {
            let mut st = conn.prepare(readers).unwrap();
            st.query_map([], |r| r.try_into())
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let before = read(&conn);
        fold_bmo(&conn).unwrap();
        assert_eq!(read(&conn), before);
        assert_eq!((before[0].2, before[0].3), (Some(15), Some(7)));
        assert_eq!(before[1].2, None, "all areas secret stays unknown");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM bmo WHERE area = 'FR'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let all: i64 = conn
            .query_row("SELECT count(*) FROM bmo", [], |r| r.get(0))
            .unwrap();
        assert_eq!((rows, all), (2, 2));
    }

    #[test]
    fn shared_texts_are_stored_once_and_read_back_unchanged_through_the_views() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("schema.sql")).unwrap();
        conn.execute_batch(
            "INSERT INTO certification(id, title, type, level_eu, active, certifier, source) VALUES
                 ('RNCP1', 'CAP Boulanger', 'CAP', 3, 1, 'Ministère de l''Éducation nationale', 'rncp'),
                 ('RNCP2', 'BP Boulanger', 'BP', 4, 1, 'Ministère de l''Éducation nationale', 'rncp'),
                 ('RS3', 'Habilitation', NULL, NULL, 0, NULL, 'rs');
             INSERT INTO place(id, kind, name, region) VALUES
                 ('commune:13055', 'commune', 'Marseille', 'Provence-Alpes-Côte d''Azur'),
                 ('lycee:1', 'lycee', 'Lycée Thiers', 'Provence-Alpes-Côte d''Azur'),
                 ('ml:1', 'mission_locale', 'ML Marseille', '123');
             INSERT INTO skill(code_ogr, label, rubrique, category, subcategory) VALUES
                 ('1', 'Pétrir', 1, 'Techniques', 'Boulangerie'), ('2', 'Cuire', 1, 'Techniques', NULL);",
        )
        .unwrap();
        let read = |conn: &Connection, sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
            let mut st = conn.prepare(sql).unwrap();
            let n = st.column_count();
            st.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let queries = [
            "SELECT * FROM certification ORDER BY id",
            "SELECT * FROM place ORDER BY id",
            "SELECT * FROM skill ORDER BY code_ogr",
            "SELECT c.title, c.certifier FROM certification c WHERE c.id = 'RNCP2'",
        ];
        let before: Vec<_> = queries.iter().map(|q| read(&conn, q)).collect();
        share_texts(&conn).unwrap();
        let after: Vec<_> = queries.iter().map(|q| read(&conn, q)).collect();
        assert_eq!(after, before);
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        // "123" stays a text: the columns have no type, so no affinity turns it into a number.
        assert_eq!(count("SELECT count(*) FROM place WHERE region = '123'"), 1);
        assert_eq!(
            count("SELECT count(*) FROM shared_text WHERE text = 'Ministère de l''Éducation nationale'"),
            1
        );
        assert_eq!(
            count("SELECT count(*) FROM certification_stored WHERE typeof(certifier) = 'integer'"),
            2
        );
        assert_eq!(count("SELECT count(*) FROM shared_text"), 12);
    }
}
