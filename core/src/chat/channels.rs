//! The other ways to reach the service when the chat is closed: a free phone number (with its own
//! hours) and an e-mail address, the e-mail prefilled with a subject and the shared card.

use super::card::Card;
use super::hours::{Availability, OpeningHours};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactChannels {
    /// The number as shown ("0 800 123 456"); `None` if the Region has none.
    pub phone: Option<String>,
    /// A free call (numéro vert): said on screen.
    #[serde(default = "yes")]
    pub phone_free: bool,
    pub email: Option<String>,
    /// Subject of the prefilled e-mail.
    #[serde(default = "default_subject")]
    pub email_subject: String,
}

fn yes() -> bool {
    true
}

fn default_subject() -> String {
    "Demande de conseil en orientation".to_string()
}

impl Default for ContactChannels {
    fn default() -> Self {
        ContactChannels {
            phone: None,
            phone_free: true,
            email: None,
            email_subject: default_subject(),
        }
    }
}

/// Hours of each channel.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceHours {
    pub chat: OpeningHours,
    pub phone: OpeningHours,
}

/// A channel as the screen offers it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhoneChannel {
    pub display: String,
    /// `tel:` link (digits and a leading `+` only).
    pub uri: String,
    pub free: bool,
    pub availability: Availability,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EmailChannel {
    pub address: String,
    pub subject: String,
    pub body: String,
    /// `mailto:` link with subject and body (RFC 6068).
    pub uri: String,
}

/// Percent-encodes everything but RFC 3986 unreserved characters (safe in every mailto field).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A phone number as a `tel:` URI; `None` when it has no digit.
pub fn tel_uri(display: &str) -> Option<String> {
    let mut digits: String = display.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    if display.trim_start().starts_with('+') {
        digits.insert(0, '+');
    }
    Some(format!("tel:{digits}"))
}

impl ContactChannels {
    pub fn phone_channel(&self, hours: &OpeningHours, now: i64) -> Option<PhoneChannel> {
        let display = self.phone.as_deref()?.trim();
        Some(PhoneChannel {
            display: display.to_string(),
            uri: tel_uri(display)?,
            free: self.phone_free,
            availability: hours.availability(now),
        })
    }

    /// The prefilled e-mail: the user's draft (if any) then the shared card, if any.
    pub fn email_channel(&self, draft: Option<&str>, card: Option<&Card>) -> Option<EmailChannel> {
        let address = self.email.as_deref()?.trim();
        if !address.contains('@') || address.contains(['?', '&', ' ']) {
            return None;
        }
        let mut body = String::from("Bonjour,\n\n");
        if let Some(d) = draft.map(str::trim).filter(|d| !d.is_empty()) {
            body.push_str(d);
            body.push_str("\n\n");
        }
        if let Some(c) = card {
            body.push_str(&c.to_text());
            body.push_str("\n\n");
        }
        let subject = match card {
            Some(c) => format!("{} – {}", self.email_subject, c.title),
            None => self.email_subject.clone(),
        };
        // RFC 6068: line breaks are CRLF in mailto bodies.
        let uri = format!(
            "mailto:{}?subject={}&body={}",
            address,
            percent_encode(&subject),
            percent_encode(&body.replace('\n', "\r\n"))
        );
        Some(EmailChannel {
            address: address.to_string(),
            subject,
            body,
            uri,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::card::{CardField, CardKind};

    #[test]
    fn tel_uri_keeps_digits_and_plus() {
        assert_eq!(tel_uri("0 800 123 456").as_deref(), Some("tel:0800123456"));
        assert_eq!(tel_uri(" +33 (0)1 23").as_deref(), Some("tel:+330123"));
        assert_eq!(tel_uri("appelez-nous"), None);
    }

    #[test]
    fn mailto_carries_subject_draft_and_card() {
        let channels = ContactChannels {
            phone: None,
            phone_free: true,
            email: Some("contact@orientation.example".into()),
            email_subject: "Question".into(),
        };
        let card = Card {
            kind: CardKind::Job,
            id: "D1102".into(),
            title: "Boulanger / Boulangère".into(),
            fields: vec![CardField {
                label: "Code ROME".into(),
                value: "D1102".into(),
            }],
            url: None,
        };
        let mail = channels
            .email_channel(Some("Je cherche une formation & un stage ?"), Some(&card))
            .unwrap();
        assert_eq!(mail.subject, "Question – Boulanger / Boulangère");
        assert!(mail.body.contains("Je cherche une formation & un stage ?"));
        assert!(mail.body.contains("Identifiant : D1102"));
        assert!(mail.uri.starts_with(
            "mailto:contact@orientation.example?subject=Question%20%E2%80%93%20Boulanger%20%2F%20Boulang%C3%A8re&body=Bonjour%2C%0D%0A%0D%0AJe%20cherche"
        ), "{}", mail.uri);
        // The user's '&' and '?' cannot break out of the body parameter.
        assert!(!mail.uri["mailto:".len()..].contains(" "));
        assert_eq!(mail.uri.matches('&').count(), 1);
        assert_eq!(mail.uri.matches('?').count(), 1);
    }

    #[test]
    fn missing_or_hostile_addresses_give_no_channel() {
        let mut c = ContactChannels::default();
        assert_eq!(c.email_channel(None, None), None);
        c.email = Some("a@b.fr?bcc=x@y.fr".into());
        assert_eq!(c.email_channel(None, None), None);
        assert_eq!(c.phone_channel(&OpeningHours::default(), 0), None);
    }
}
