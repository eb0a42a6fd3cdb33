//! The quiz screens' fixed texts, in both forms of address: written once here, shown by the CLI and both
//! shells.

use super::questions::Formality;
use super::session::SUGGESTED_ANSWERS;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Texts {
    pub intro: String,
    pub results_title: String,
    pub no_results: String,
    /// Before a job's reasons: "parce que".
    pub because: String,
    pub level: String,
    pub hiring: String,
    pub warning: String,
    pub near_title: String,
    pub no_training_near: String,
    pub trainings_anywhere: String,
}

pub fn texts(f: Formality) -> Texts {
    let tu = f == Formality::Tu;
    let pick = |a: &str, b: &str| if tu { a.to_string() } else { b.to_string() };
    Texts {
        intro: pick(
            "Réponds à quelques questions sur ce que tu aimes et sur la façon dont tu veux travailler : \
             des métiers te seront proposés, avec la raison de chacun. Tu peux t'arrêter quand tu veux.",
            "Répondez à quelques questions sur ce que vous aimez et sur la façon dont vous voulez travailler : \
             des métiers vous seront proposés, avec la raison de chacun. Vous pouvez vous arrêter quand vous voulez.",
        ),
        results_title: pick("Des métiers pour toi", "Des métiers pour vous"),
        no_results: pick(
            "Aucun métier ne passe ces filtres : essaie d'en retirer un.",
            "Aucun métier ne passe ces filtres : essayez d'en retirer un.",
        ),
        because: "parce que".into(),
        level: "niveau d'études".into(),
        hiring: "embauche".into(),
        warning: "attention".into(),
        near_title: "Formations près de".into(),
        no_training_near: "Aucune formation pour ce métier dans ce rayon.".into(),
        trainings_anywhere: "Formations qui mènent à ce métier (lieu non précisé dans le catalogue) :".into(),
    }
}

/// "Question 5 sur environ 12"; past the suggested length, says the user may stop.
pub fn progress_text(f: Formality, number: usize) -> String {
    if number <= SUGGESTED_ANSWERS {
        format!("Question {number} sur environ {SUGGESTED_ANSWERS}")
    } else if f == Formality::Tu {
        format!("Question {number} : tu peux t'arrêter et voir les métiers quand tu veux")
    } else {
        format!(
            "Question {number} : vous pouvez vous arrêter et voir les métiers quand vous voulez"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_follow_the_form_of_address() {
        let (tu, vous) = (texts(Formality::Tu), texts(Formality::Vous));
        assert!(tu.intro.contains("Tu peux") && !tu.intro.contains("vous"));
        assert!(vous.intro.contains("Vous pouvez") && !vous.intro.contains(" tu "));
        assert_eq!(progress_text(Formality::Tu, 3), "Question 3 sur environ 12");
        assert!(progress_text(Formality::Vous, 13).contains("vous pouvez"));
    }
}
