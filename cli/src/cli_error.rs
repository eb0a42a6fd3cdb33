//! clap's own messages are English: the ones a user meets say the same in French, with the same exit code.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::process::ExitCode;

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The French sentence for a parse error, or None for help and version (printed as clap writes them).
pub fn french(e: &clap::Error) -> Option<String> {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let valid = context(e, ContextKind::ValidValue)
        .map(|v| format!(" (valeurs possibles : {v})"))
        .unwrap_or_default();
    let hint = " ; `orientation --help` liste les commandes et leurs options";
    Some(match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("valeur invalide « {value} » pour {arg}{valid}")
        }
        ErrorKind::UnknownArgument => format!("option inconnue « {arg} »{hint}"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »{hint}",
            context(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => format!("argument manquant : {arg}{hint}"),
        ErrorKind::MissingSubcommand => format!("commande manquante{hint}"),
        ErrorKind::NoEquals => format!("{arg} attend une valeur après « = »"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("nombre de valeurs incorrect pour {arg}{hint}")
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} ne peut pas être utilisé avec {}",
            context(e, ContextKind::PriorArg).unwrap_or_else(|| "une autre option donnée".into())
        ),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8 valide".into(),
        _ => format!("ligne de commande invalide{hint}"),
    })
}

pub fn report(e: clap::Error) -> ExitCode {
    match french(&e) {
        None => {
            // Help and version go to stdout, as clap would.
            let _ = e.print();
            ExitCode::SUCCESS
        }
        Some(message) => {
            eprintln!("orientation : erreur : {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Probe {
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long, value_parser = ["a", "b"])]
        choice: Option<String>,
    }

    #[test]
    fn parse_errors_read_in_french() {
        let e = Probe::try_parse_from(["p", "--limit", "dix"]).unwrap_err();
        assert_eq!(
            french(&e).as_deref(),
            Some("valeur invalide « dix » pour --limit <LIMIT>")
        );
        let e = Probe::try_parse_from(["p", "--choice", "c"]).unwrap_err();
        let m = french(&e).unwrap();
        assert!(m.starts_with("valeur invalide « c » pour --choice"), "{m}");
        assert!(m.contains("valeurs possibles : a, b"), "{m}");
        let e = Probe::try_parse_from(["p", "--nope"]).unwrap_err();
        assert!(french(&e)
            .unwrap()
            .starts_with("option inconnue « --nope »"));
        let e = Probe::try_parse_from(["p", "--help"]).unwrap_err();
        assert_eq!(french(&e), None);
    }
}
