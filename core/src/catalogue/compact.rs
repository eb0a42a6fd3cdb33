//! What a build keeps of the imported tables once everything that reads the raw rows has run: the
//! catalogue ships to phones, so rows no screen, filter or ranking reads are folded away (issue 11 §2).

use crate::error::Result;
use rusqlite::Connection;

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
}
