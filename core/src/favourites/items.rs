//! What the catalogue says now about a favourite's item: the snapshot taken when adding it, and the
//! comparison of that snapshot with the current catalogue.

use super::{Availability, Favourite, ItemKind, ItemRef, SessionDates, Snapshot};
use crate::catalogue::Catalogue;
use crate::error::{Error, Refusal, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// Finds `id` in the catalogue (of `kind`, or of the first kind that has it: job, training, place, aid,
/// then session — a training and its single session may share an id) and snapshots it.
pub(crate) fn resolve(
    cat: &Catalogue,
    id: &str,
    kind: Option<ItemKind>,
) -> Result<(ItemRef, Snapshot)> {
    let id = id.trim();
    super::check_item_id(id)?;
    let kinds: Vec<ItemKind> = match kind {
        Some(k) => vec![k],
        None => vec![
            ItemKind::Job,
            ItemKind::Training,
            ItemKind::Place,
            ItemKind::Aid,
            ItemKind::Session,
        ],
    };
    for k in kinds {
        let canonical = if k == ItemKind::Job {
            id.to_uppercase()
        } else {
            id.to_string()
        };
        let item = ItemRef::new(k, canonical);
        if let Some(snapshot) = current(cat.conn(), &item)? {
            return Ok((item, snapshot));
        }
    }
    let is_certification = cat
        .conn()
        .query_row(
            "SELECT 1 FROM certification WHERE id = ?1",
            [id.to_uppercase()],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if is_certification && kind.is_none() {
        return Err(Refusal::CertificationFavourite.into());
    }
    Err(Error::UnknownId(crate::error::echo(id)))
}

fn join_some(parts: &[Option<String>], sep: &str) -> Option<String> {
    let kept: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    (!kept.is_empty()).then(|| kept.join(sep))
}

fn training_dates(conn: &Connection, training_id: &str) -> Result<Vec<SessionDates>> {
    let mut st = conn.prepare_cached(
        "SELECT s.id, s.start_date, s.end_date FROM session s JOIN action a ON a.id = s.action_id
         WHERE a.training_id = ?1 ORDER BY s.id",
    )?;
    let rows = st.query_map(params![training_id], |r| {
        Ok(SessionDates {
            session_id: r.get(0)?,
            start: r.get(1)?,
            end: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A snapshot of a row's title and subtitle (its first two columns).
fn title_and_subtitle(r: &rusqlite::Row) -> rusqlite::Result<Snapshot> {
    Ok(Snapshot {
        title: r.get(0)?,
        subtitle: r.get(1)?,
        ..Default::default()
    })
}

/// The item as the catalogue has it now, None when it is gone.
pub(crate) fn current(conn: &Connection, item: &ItemRef) -> Result<Option<Snapshot>> {
    let id = item.id.as_str();
    Ok(match item.kind {
        ItemKind::Job => conn
            .query_row(
                "SELECT j.title, d.label FROM job j LEFT JOIN domaine d ON d.code = j.domaine
                 WHERE j.code_rome = ?1",
                params![id],
                title_and_subtitle,
            )
            .optional()?,
        ItemKind::Training => {
            let base = conn
                .query_row(
                    "SELECT t.title, o.name FROM training t LEFT JOIN place o ON o.id = t.organisme_id
                     WHERE t.id = ?1",
                    params![id],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
                )
                .optional()?;
            match base {
                None => None,
                Some((title, organisme)) => {
                    let mut st = conn.prepare_cached(
                        "SELECT DISTINCT p.name, p.city FROM action a JOIN place p ON p.id = a.place_id
                         WHERE a.training_id = ?1 ORDER BY p.city, p.name LIMIT 4",
                    )?;
                    let places: Vec<(String, Option<String>)> = st
                        .query_map(params![id], |r| r.try_into())?
                        .collect::<rusqlite::Result<_>>()?;
                    let mut towns: Vec<String> =
                        places.iter().filter_map(|(_, c)| c.clone()).collect();
                    towns.dedup();
                    let subtitle = organisme.or_else(|| places.first().map(|(n, _)| n.clone()));
                    Some(Snapshot {
                        title,
                        subtitle,
                        place: (!towns.is_empty()).then(|| towns.join(", ")),
                        dates: training_dates(conn, id)?,
                        training_id: None,
                    })
                }
            }
        }
        ItemKind::Session => conn
            .query_row(
                "SELECT s.id, s.start_date, s.end_date, t.id, t.title, o.name, p.city
                 FROM session s JOIN action a ON a.id = s.action_id JOIN training t ON t.id = a.training_id
                 LEFT JOIN place o ON o.id = t.organisme_id LEFT JOIN place p ON p.id = a.place_id
                 WHERE s.id = ?1",
                params![id],
                |r| {
                    Ok(Snapshot {
                        dates: vec![SessionDates {
                            session_id: r.get(0)?,
                            start: r.get(1)?,
                            end: r.get(2)?,
                        }],
                        training_id: r.get(3)?,
                        title: r.get(4)?,
                        subtitle: r.get(5)?,
                        place: r.get(6)?,
                    })
                },
            )
            .optional()?,
        ItemKind::Place => conn
            .query_row(
                "SELECT name, kind, postcode, city FROM place WHERE id = ?1 AND kind <> 'adresse_inscription'",
                params![id],
                |r| {
                    let kind: String = r.get(1)?;
                    Ok(Snapshot {
                        title: r.get(0)?,
                        subtitle: Some(crate::codes::place_kind_label(&kind).to_string()),
                        place: join_some(&[r.get(2)?, r.get(3)?], " "),
                        ..Default::default()
                    })
                },
            )
            .optional()?,
        ItemKind::Aid => conn
            .query_row(
                "SELECT a.label, coalesce(i.name, a.institution) FROM aid a
                 LEFT JOIN institution i ON i.slug = a.institution WHERE a.id = ?1",
                params![id],
                title_and_subtitle,
            )
            .optional()?,
    })
}

/// How `fav`'s item stands in `cat` compared with its snapshot. Dates first: a moved session matters more
/// to someone planning an application than a reworded title.
pub fn availability(cat: &Catalogue, fav: &Favourite) -> Result<Availability> {
    let Some(now) = current(cat.conn(), &fav.item())? else {
        return Ok(Availability::NoLongerOffered);
    };
    let then = &fav.snapshot;
    let sorted = |d: &[SessionDates]| {
        let mut d = d.to_vec();
        d.sort();
        d
    };
    Ok(if sorted(&now.dates) != sorted(&then.dates) {
        Availability::DatesChanged { dates: now.dates }
    } else if now.title != then.title || now.subtitle != then.subtitle || now.place != then.place {
        Availability::Updated {
            title: now.title,
            place: now.place,
        }
    } else {
        Availability::Offered
    })
}
