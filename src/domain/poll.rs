//! Reader polls: what a valid poll is, when it is open, who may see its results, and
//! whether a reader's answers fit its questions.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::article;
use super::text::Errors;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_INTRO_CHARS: usize = 1000;
pub const MAX_PROMPT_CHARS: usize = 300;
pub const MAX_OPTION_CHARS: usize = 200;
pub const MAX_QUESTIONS: usize = 20;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 20;
pub const DEFAULT_MAX_LENGTH: i64 = 500;
pub const MAX_MAX_LENGTH: i64 = 5000;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice,
    MultipleChoice,
    FreeText,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<QuestionKind> {
        [QuestionKind::SingleChoice, QuestionKind::MultipleChoice, QuestionKind::FreeText]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Who may see a poll's results on the public API (editors always can).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ResultsVisibility {
    Always,
    AfterVote,
    AfterClose,
    Never,
}

impl ResultsVisibility {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ResultsVisibility> {
        [
            ResultsVisibility::Always,
            ResultsVisibility::AfterVote,
            ResultsVisibility::AfterClose,
            ResultsVisibility::Never,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// Whether a reader sees the results now.
    pub fn shows(self, has_voted: bool, closed: bool) -> bool {
        match self {
            ResultsVisibility::Always => true,
            ResultsVisibility::AfterVote => has_voted || closed,
            ResultsVisibility::AfterClose => closed,
            ResultsVisibility::Never => false,
        }
    }
}

/// Where a poll is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollState {
    Upcoming,
    Open,
    Closed,
}

/// Open from `opens_at` (inclusive) until `closes_at` (exclusive).
pub fn state(opens_at: Option<DateTime<Utc>>, closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> PollState {
    if opens_at.is_some_and(|o| now < o) {
        PollState::Upcoming
    } else if closes_at.is_some_and(|c| now >= c) {
        PollState::Closed
    } else {
        PollState::Open
    }
}

/// A question as an editor writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionSpec {
    pub prompt: String,
    pub kind: QuestionKind,
    pub options: Vec<String>,
    pub max_choices: Option<i64>,
    pub max_length: Option<i64>,
    pub required: bool,
}

/// The editable fields of a poll, as they will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSpec {
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionSpec>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub results_visibility: ResultsVisibility,
}

impl PollSpec {
    pub fn validate(mut self) -> Result<PollSpec, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.title = self.title.trim().to_string();
        errors.line("title", &self.title, 1, MAX_TITLE_CHARS);
        if let Some(intro) = &self.intro {
            errors.line("intro", intro, 0, MAX_INTRO_CHARS);
        }
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            errors.add("questions", format!("must hold 1 to {MAX_QUESTIONS} questions"));
        }
        for (i, q) in self.questions.iter_mut().enumerate() {
            let at = format!("questions[{i}]");
            q.prompt = q.prompt.trim().to_string();
            errors.line(&format!("{at}.prompt"), &q.prompt, 1, MAX_PROMPT_CHARS);
            match q.kind {
                QuestionKind::FreeText => {
                    if !q.options.is_empty() {
                        errors.add(&format!("{at}.options"), "free-text questions have no options");
                    }
                    if q.max_choices.is_some() {
                        errors.add(&format!("{at}.max_choices"), "free-text questions have no choices");
                    }
                    let max = q.max_length.get_or_insert(DEFAULT_MAX_LENGTH);
                    if !(1..=MAX_MAX_LENGTH).contains(max) {
                        errors.add(&format!("{at}.max_length"), format!("must be between 1 and {MAX_MAX_LENGTH}"));
                    }
                }
                kind => {
                    if q.max_length.is_some() {
                        errors.add(&format!("{at}.max_length"), "only free-text questions have a length limit");
                    }
                    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&q.options.len()) {
                        errors
                            .add(&format!("{at}.options"), format!("must hold {MIN_OPTIONS} to {MAX_OPTIONS} options"));
                    }
                    let mut seen = HashSet::new();
                    for (j, label) in q.options.iter_mut().enumerate() {
                        *label = label.trim().to_string();
                        errors.line(&format!("{at}.options[{j}]"), label, 1, MAX_OPTION_CHARS);
                        if !seen.insert(label.to_lowercase()) {
                            errors.add(&format!("{at}.options[{j}]"), "repeats another option");
                        }
                    }
                    let n = q.options.len() as i64;
                    match (kind, q.max_choices) {
                        (QuestionKind::SingleChoice, None | Some(1)) => q.max_choices = Some(1),
                        (QuestionKind::SingleChoice, Some(_)) => {
                            errors.add(&format!("{at}.max_choices"), "is 1 for single-choice questions")
                        }
                        (_, None) => q.max_choices = Some(n.max(1)),
                        (_, Some(m)) if !(1..=n.max(1)).contains(&m) => {
                            errors.add(&format!("{at}.max_choices"), "must be between 1 and the number of options")
                        }
                        _ => {}
                    }
                }
            }
        }
        for (field, t) in [("opens_at", &mut self.opens_at), ("closes_at", &mut self.closes_at)] {
            if let Some(at) = t {
                match article::client_time(field, *at) {
                    Ok(ok) => *at = ok,
                    Err(e) => errors.add(field, e.into_iter().map(|e| e.message).collect::<String>()),
                }
            }
        }
        if let (Some(o), Some(c)) = (self.opens_at, self.closes_at) {
            if o >= c {
                errors.add("closes_at", "must be after opens_at");
            }
        }
        errors.finish()?;
        Ok(self)
    }
}

/// A stored question with its option ids, for checking answers.
#[derive(Debug, Clone)]
pub struct StoredQuestion {
    pub id: String,
    pub kind: QuestionKind,
    pub options: Vec<String>,
    pub max_choices: Option<i64>,
    pub max_length: Option<i64>,
    pub required: bool,
}

/// One answer as a reader sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub question_id: String,
    /// For choice questions.
    #[serde(default)]
    pub option_ids: Option<Vec<String>>,
    /// For free-text questions.
    #[serde(default)]
    pub text: Option<String>,
}

/// What will be stored for one question: chosen option ids, or a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Options(Vec<String>),
    Text(String),
}

/// Checks a reader's answers against the questions: every id known, options of the
/// right question, the right number of choices, texts within their limit, every
/// required question answered.
pub fn check_answers(
    questions: &[StoredQuestion],
    answers: &[Answer],
) -> Result<Vec<(String, Choice)>, Vec<FieldError>> {
    let mut errors = Errors::default();
    let mut out = Vec::new();
    let mut answered = HashSet::new();
    for (i, a) in answers.iter().enumerate() {
        let at = format!("answers[{i}]");
        let Some(q) = questions.iter().find(|q| q.id == a.question_id) else {
            errors.add(&format!("{at}.question_id"), "is not a question of this poll");
            continue;
        };
        if !answered.insert(q.id.clone()) {
            errors.add(&format!("{at}.question_id"), "is answered twice");
            continue;
        }
        let blank = match q.kind {
            QuestionKind::FreeText => a.text.as_deref().is_none_or(|t| t.trim().is_empty()) && a.option_ids.is_none(),
            _ => a.option_ids.as_ref().is_none_or(Vec::is_empty) && a.text.is_none(),
        };
        if blank && !q.required {
            // A skipped optional question, as frontends often send it.
            answered.remove(&q.id);
            continue;
        }
        match q.kind {
            QuestionKind::FreeText => {
                if a.option_ids.is_some() {
                    errors.add(&format!("{at}.option_ids"), "free-text questions take a text");
                    continue;
                }
                let text = a.text.as_deref().unwrap_or("").trim().to_string();
                let max = usize::try_from(q.max_length.unwrap_or(DEFAULT_MAX_LENGTH)).unwrap_or(0);
                if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
                    errors.add(&format!("{at}.text"), "must not contain control characters");
                } else if text.is_empty() {
                    errors.add(&format!("{at}.text"), "must not be blank");
                } else if text.chars().count() > max {
                    errors.add(&format!("{at}.text"), format!("must be at most {max} characters"));
                } else {
                    out.push((q.id.clone(), Choice::Text(text)));
                }
            }
            _ => {
                if a.text.is_some() {
                    errors.add(&format!("{at}.text"), "choice questions take option_ids");
                    continue;
                }
                let ids = a.option_ids.clone().unwrap_or_default();
                let mut unique = ids.clone();
                unique.sort();
                unique.dedup();
                let max = usize::try_from(q.max_choices.unwrap_or(1)).unwrap_or(1);
                if let Some(bad) = ids.iter().position(|id| !q.options.contains(id)) {
                    errors.add(&format!("{at}.option_ids[{bad}]"), "is not an option of this question");
                } else if unique.len() != ids.len() {
                    errors.add(&format!("{at}.option_ids"), "names an option twice");
                } else if ids.is_empty() {
                    errors.add(&format!("{at}.option_ids"), "must name an option");
                } else if ids.len() > max {
                    errors.add(&format!("{at}.option_ids"), format!("must name at most {max} option(s)"));
                } else {
                    out.push((q.id.clone(), Choice::Options(ids)));
                }
            }
        }
    }
    for q in questions.iter().filter(|q| q.required && !answered.contains(&q.id)) {
        errors.add("answers", format!("question {} needs an answer", q.id));
    }
    errors.finish()?;
    Ok(out)
}

/// A CSV cell's text that a spreadsheet will not run as a formula: one whose first
/// visible character is `=`, `+`, `-` or `@` (or their full-width and small forms),
/// whatever invisible characters stand before it, or that begins with a tab or carriage
/// return, gets a leading apostrophe. Quoting is the CSV writer's.
pub fn formula_safe(value: &str) -> Cow<'_, str> {
    let first = value.chars().find(|c| !(c.is_whitespace() || is_format(*c)));
    let risky = value.starts_with(['\t', '\r'])
        || first.is_some_and(|c| {
            matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠' | '﹦' | '﹢' | '﹣' | '﹫')
        });
    if risky { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) }
}

/// Invisible formatting characters (zero-width, byte-order mark, direction marks).
fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub kind: QuestionKind,
    /// (id, label)
    pub options: Vec<(String, String)>,
    pub max_choices: Option<i64>,
    pub max_length: Option<i64>,
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct Poll {
    pub id: super::id::PollId,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<Question>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub results_visibility: ResultsVisibility,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Poll {
    pub fn state(&self, now: DateTime<Utc>) -> PollState {
        state(self.opens_at, self.closes_at, now)
    }

    /// The questions as a spec, for comparing with a change.
    pub fn specs(&self) -> Vec<QuestionSpec> {
        self.questions
            .iter()
            .map(|q| QuestionSpec {
                prompt: q.prompt.clone(),
                kind: q.kind,
                options: q.options.iter().map(|(_, l)| l.clone()).collect(),
                max_choices: q.max_choices,
                max_length: q.max_length,
                required: q.required,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_be_formulas() {
        assert_eq!(formula_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(formula_safe("+1"), "'+1");
        assert_eq!(formula_safe("-5"), "'-5");
        assert_eq!(formula_safe("@sum"), "'@sum");
        assert_eq!(formula_safe("say \"hi\""), "say \"hi\"");
        assert_eq!(formula_safe("plain"), "plain");
        assert_eq!(formula_safe("\u{200B}=1+1"), "'\u{200B}=1+1");
        assert_eq!(formula_safe(" \u{200B}=1+1"), "' \u{200B}=1+1");
        assert_eq!(formula_safe("\u{FEFF}@x"), "'\u{FEFF}@x");
        assert_eq!(formula_safe("＝1+1"), "'＝1+1");
        assert_eq!(formula_safe("﹢1"), "'﹢1");
        assert_eq!(formula_safe("\tx"), "'\tx");
        assert_eq!(formula_safe("\rx"), "'\rx");
        assert_eq!(formula_safe("a=b"), "a=b");
        assert_eq!(formula_safe(""), "");
    }

    #[test]
    fn states_and_visibility() {
        let t = Utc::now();
        let s = chrono::Duration::seconds(1);
        assert_eq!(state(Some(t + s), None, t), PollState::Upcoming);
        assert_eq!(state(Some(t), Some(t + s), t), PollState::Open);
        assert_eq!(state(None, Some(t), t), PollState::Closed);
        assert!(ResultsVisibility::AfterVote.shows(true, false));
        assert!(!ResultsVisibility::AfterVote.shows(false, false));
        assert!(!ResultsVisibility::Never.shows(true, true));
    }
}
