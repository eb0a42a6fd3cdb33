//! A catalogue item shared in the conversation: what the app shows as a card, and the readable text an
//! advisor sees on a plain Matrix client. Sent as an `m.room.message` (`m.text`) whose `body` is that
//! text, with the structured card under [`CARD_KEY`] for clients that know it.

use crate::catalogue::sheet::Sheet;
use serde::{Deserialize, Serialize};

/// The event content key holding the structured card (namespaced, as Matrix asks for extensions).
pub const CARD_KEY: &str = "fr.spro.orientation.card";

/// Longest value kept in a card field: a card is a pointer to the sheet, not the sheet.
const MAX_FIELD_CHARS: usize = 280;
const MAX_FIELDS: usize = 12;
const MAX_TITLE_CHARS: usize = 200;
const MAX_ID_CHARS: usize = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardKind {
    Job,
    Training,
    Place,
    Aid,
    Certification,
}

impl CardKind {
    pub fn label(self) -> &'static str {
        match self {
            CardKind::Job => "Métier",
            CardKind::Training => "Formation",
            CardKind::Place => "Lieu",
            CardKind::Aid => "Aide",
            CardKind::Certification => "Certification",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardField {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub kind: CardKind,
    pub id: String,
    pub title: String,
    /// What an advisor needs to answer without opening the app, in reading order.
    #[serde(default)]
    pub fields: Vec<CardField>,
    #[serde(default)]
    pub url: Option<String>,
}

fn clip(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

struct Fields(Vec<CardField>);

impl Fields {
    fn add(&mut self, label: &str, value: Option<impl AsRef<str>>) {
        if let Some(v) = value {
            let v = v.as_ref().trim();
            if !v.is_empty() {
                self.0.push(CardField {
                    label: label.to_string(),
                    value: clip(v, MAX_FIELD_CHARS),
                });
            }
        }
    }
}

fn join<I: IntoIterator<Item = S>, S: AsRef<str>>(parts: I, sep: &str) -> Option<String> {
    let parts: Vec<String> = parts
        .into_iter()
        .map(|p| p.as_ref().trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(sep))
}

impl Card {
    /// The card of a catalogue sheet.
    pub fn from_sheet(sheet: &Sheet) -> Card {
        let mut f = Fields(Vec::new());
        let (kind, id, title, url) = match sheet {
            Sheet::Job(j) => {
                f.add("Code ROME", Some(&j.code_rome));
                f.add("Domaine", j.domaine.as_ref());
                f.add("Grand domaine", j.grand_domaine.as_ref());
                f.add(
                    "Appellations",
                    join(j.appellations.iter().take(5).map(|a| &a.title), ", "),
                );
                f.add("Accès", j.access.as_ref());
                if j.regulated {
                    f.add("Profession réglementée", Some("oui"));
                }
                (CardKind::Job, j.code_rome.clone(), j.title.clone(), None)
            }
            Sheet::Training(t) => {
                f.add("Type", t.r#type.as_ref());
                f.add(
                    "Organisme",
                    t.organisme.as_ref().and_then(|o| {
                        join(
                            [Some(o.name.as_str()), o.city.as_deref()]
                                .into_iter()
                                .flatten(),
                            ", ",
                        )
                    }),
                );
                f.add(
                    "Niveau de sortie",
                    t.level_exit.map(|l| format!("{l} (européen)")),
                );
                f.add("Niveau d'entrée", t.level_entry.as_ref());
                f.add("Durée", t.duration.as_ref());
                f.add(
                    "Certification",
                    t.certification
                        .as_ref()
                        .map(|c| format!("{} ({})", c.title, c.id)),
                );
                let action = t.actions.first();
                f.add(
                    "Lieu",
                    action.and_then(|a| a.place.as_ref()).and_then(|p| {
                        join(
                            [
                                Some(p.name.as_str()),
                                p.postcode.as_deref(),
                                p.city.as_deref(),
                            ]
                            .into_iter()
                            .flatten(),
                            " ",
                        )
                    }),
                );
                f.add("Modalité", action.and_then(|a| a.teaching_mode.as_ref()));
                f.add("Financements", action.and_then(|a| join(&a.funders, ", ")));
                f.add(
                    "Prochaine session",
                    t.actions
                        .iter()
                        .flat_map(|a| &a.sessions)
                        .filter_map(|s| s.start_date.as_deref())
                        .min(),
                );
                f.add("Contact", t.contact.as_ref());
                (
                    CardKind::Training,
                    t.id.clone(),
                    t.title.clone(),
                    t.url.clone(),
                )
            }
            Sheet::Place(p) => {
                f.add("Type", Some(&p.kind_label));
                f.add(
                    "Adresse",
                    join(
                        [
                            p.address.as_deref(),
                            p.postcode.as_deref(),
                            p.city.as_deref(),
                        ]
                        .into_iter()
                        .flatten(),
                        " ",
                    ),
                );
                f.add("Téléphone", p.phone.as_ref());
                f.add("Courriel", p.email.as_ref());
                (CardKind::Place, p.id.clone(), p.name.clone(), p.url.clone())
            }
            Sheet::Aid(a) => {
                f.add("Organisme", a.institution.as_ref());
                f.add(
                    "Montant",
                    a.amount.map(|m| {
                        let unit = a.unit.as_deref().unwrap_or("€");
                        match a.periodicity.as_deref() {
                            Some(p) => format!("{m} {unit} ({p})"),
                            None => format!("{m} {unit}"),
                        }
                    }),
                );
                f.add(
                    "Âge",
                    match (a.age_min, a.age_max) {
                        (Some(lo), Some(hi)) => Some(format!("{lo} à {hi} ans")),
                        (Some(lo), None) => Some(format!("à partir de {lo} ans")),
                        (None, Some(hi)) => Some(format!("jusqu'à {hi} ans")),
                        (None, None) => None,
                    },
                );
                f.add("Territoire", a.territory.as_ref());
                f.add("Conditions", a.conditions.as_ref());
                (CardKind::Aid, a.id.clone(), a.label.clone(), a.link.clone())
            }
            Sheet::Certification(c) => {
                f.add("Type", c.r#type.as_ref());
                f.add("Niveau", c.level_eu.map(|l| format!("{l} (européen)")));
                f.add("Certificateur", c.certifier.as_ref());
                if c.active == Some(false) {
                    f.add("État", Some("inactive"));
                }
                (CardKind::Certification, c.id.clone(), c.title.clone(), None)
            }
        };
        Card {
            kind,
            id,
            title,
            fields: f.0,
            url,
        }
        .sanitised()
    }

    /// Bounded lengths and counts: a card may come from the network (another client).
    pub fn sanitised(mut self) -> Card {
        self.id = clip(&self.id, MAX_ID_CHARS);
        self.title = clip(&self.title, MAX_TITLE_CHARS);
        self.fields.truncate(MAX_FIELDS);
        for f in &mut self.fields {
            f.label = clip(&f.label, 60);
            f.value = clip(&f.value, MAX_FIELD_CHARS);
        }
        self.url = self
            .url
            .map(|u| clip(&u, 500))
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        self
    }

    /// The card as plain text, for advisors on any Matrix client and for e-mail bodies.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "[Fiche partagée – {}] {}\nIdentifiant : {}",
            self.kind.label(),
            self.title,
            self.id
        );
        for f in &self.fields {
            out.push_str(&format!("\n{} : {}", f.label, f.value));
        }
        if let Some(url) = &self.url {
            out.push_str(&format!("\nLien : {url}"));
        }
        out
    }

    /// The `m.room.message` content sharing this card.
    pub fn event_content(&self) -> serde_json::Value {
        serde_json::json!({
            "msgtype": "m.text",
            "body": self.to_text(),
            CARD_KEY: self,
        })
    }

    /// The card carried by a received event content, if any and readable.
    pub fn from_event_content(content: &serde_json::Value) -> Option<Card> {
        let raw = content.get(CARD_KEY)?;
        serde_json::from_value::<Card>(raw.clone())
            .ok()
            .map(Card::sanitised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::sheet::{AidSheet, PlaceSheet};

    fn place() -> PlaceSheet {
        PlaceSheet {
            id: "ml:42".into(),
            kind: "mission_locale".into(),
            kind_label: "Mission locale".into(),
            name: "Mission locale de Marseille".into(),
            address: Some("  10 rue   de la République ".into()),
            postcode: Some("13001".into()),
            city: Some("Marseille".into()),
            departement: None,
            region: None,
            lat: None,
            lon: None,
            phone: Some("04 91 00 00 00".into()),
            email: None,
            url: Some("javascript:alert(1)".into()),
            details: None,
            at_commune_centre: false,
            status: None,
            status_label: None,
            status_warning: None,
        }
    }

    #[test]
    fn place_card_reads_as_text_for_an_advisor() {
        let card = Card::from_sheet(&Sheet::Place(Box::new(place())));
        assert_eq!(card.kind, CardKind::Place);
        assert_eq!(
            card.to_text(),
            "[Fiche partagée – Lieu] Mission locale de Marseille\n\
             Identifiant : ml:42\n\
             Type : Mission locale\n\
             Adresse : 10 rue de la République 13001 Marseille\n\
             Téléphone : 04 91 00 00 00"
        );
        // Only web links are kept.
        assert_eq!(card.url, None);
    }

    #[test]
    fn aid_amount_and_age_range() {
        let aid = AidSheet {
            id: "aide-x".into(),
            label: "Aide au permis".into(),
            institution: Some("Région".into()),
            description: None,
            conditions: None,
            age_min: Some(18),
            age_max: None,
            territory: None,
            amount: Some(500.0),
            unit: Some("€".into()),
            periodicity: Some("une fois".into()),
            amount_label: None,
            link: Some("https://exemple.fr/aide".into()),
        };
        let card = Card::from_sheet(&Sheet::Aid(Box::new(aid)));
        let text = card.to_text();
        assert!(text.contains("Montant : 500 € (une fois)"), "{text}");
        assert!(text.contains("Âge : à partir de 18 ans"), "{text}");
        assert!(text.ends_with("Lien : https://exemple.fr/aide"), "{text}");
    }

    #[test]
    fn event_content_round_trips_and_hostile_cards_are_bounded() {
        let card = Card::from_sheet(&Sheet::Place(Box::new(place())));
        let content = card.event_content();
        assert_eq!(content["msgtype"], "m.text");
        assert_eq!(content["body"], card.to_text());
        assert_eq!(Card::from_event_content(&content), Some(card));

        let huge = "x".repeat(100_000);
        let hostile = serde_json::json!({
            "body": "…",
            CARD_KEY: {"kind": "job", "id": huge, "title": huge,
                       "fields": (0..500).map(|i| serde_json::json!({"label": i.to_string(), "value": huge})).collect::<Vec<_>>()}
        });
        let c = Card::from_event_content(&hostile).unwrap();
        assert!(c.id.chars().count() <= MAX_ID_CHARS);
        assert!(c.title.chars().count() <= MAX_TITLE_CHARS);
        assert_eq!(c.fields.len(), MAX_FIELDS);
        assert!(c
            .fields
            .iter()
            .all(|f| f.value.chars().count() <= MAX_FIELD_CHARS));
        // Not a card: unknown kind, wrong types.
        assert_eq!(
            Card::from_event_content(
                &serde_json::json!({CARD_KEY: {"kind": "boat", "id": "1", "title": "t"}})
            ),
            None
        );
        assert_eq!(
            Card::from_event_content(&serde_json::json!({CARD_KEY: 3})),
            None
        );
    }
}
