//! Reader polls: editors write them, readers answer once each, counts are exact
//! (every response is a row, one per reader by a unique constraint), and results are
//! shown on the editor's terms.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, DurationRound, NaiveDateTime, Utc};

use super::{Error, events};
use crate::db::polls::{self as poll_db, OptionRow, PollRow, QuestionRow};
use crate::db::types::EmbedKind;
use crate::db::{self, DbConnection, articles as article_db, rate_limits};
use crate::domain::id::PollId;
use crate::domain::poll::{
    self, Answer, Choice, PollSpec, PollState, QuestionKind, QuestionSpec, ResultsVisibility, StoredQuestion,
};
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::state::AppState;

pub use crate::domain::poll::{Poll, Question};

#[derive(Debug, Clone)]
pub struct OptionResult {
    pub option_id: String,
    pub label: String,
    pub count: i64,
    /// Of the responses that answered the question, 0..=100, one decimal.
    pub percentage: f64,
}

#[derive(Debug, Clone)]
pub struct QuestionResult {
    pub question_id: String,
    pub kind: QuestionKind,
    pub answered: i64,
    pub options: Vec<OptionResult>,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub total_responses: i64,
    pub questions: Vec<QuestionResult>,
}

fn not_found() -> Error {
    Error::not_found("Poll")
}

/// A poll as readers may reach it by id: one embedded only in articles that are not
/// live yet (drafts, scheduled, trashed) is unpublished work, and answers 404 until one
/// of them goes live. A poll no article embeds stands on its own and is public.
fn load_public(conn: &mut DbConnection, id: &PollId, now: DateTime<Utc>) -> Result<Poll, Error> {
    if article_db::only_in_unpublished(conn, EmbedKind::Poll, id.as_str(), db::to_db_time(now))? {
        return Err(not_found());
    }
    load_one(conn, id)
}

fn load_one(conn: &mut DbConnection, id: &PollId) -> Result<Poll, Error> {
    let row = poll_db::find(conn, id)?.ok_or_else(not_found)?;
    poll_db::load(conn, vec![row])?.pop().ok_or_else(not_found)
}

fn store_questions(conn: &mut DbConnection, poll_id: &PollId, specs: &[QuestionSpec]) -> Result<(), Error> {
    let mut questions = Vec::new();
    let mut options = Vec::new();
    for (i, q) in specs.iter().enumerate() {
        let qid = db::new_id();
        for (j, label) in q.options.iter().enumerate() {
            options.push(OptionRow {
                id: db::new_id(),
                question_id: qid.clone(),
                position: j as i64,
                label: label.clone(),
            });
        }
        questions.push(QuestionRow {
            id: qid,
            poll_id: poll_id.clone(),
            position: i as i64,
            prompt: q.prompt.clone(),
            kind: q.kind,
            max_choices: q.max_choices,
            max_length: q.max_length,
            required: q.required,
        });
    }
    Ok(poll_db::replace_questions(conn, poll_id, &questions, &options)?)
}

pub async fn create(state: &AppState, spec: PollSpec) -> Result<Poll, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            let spec = spec.validate().map_err(Error::Invalid)?;
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                let row = PollRow {
                    id: PollId::generate(),
                    title: spec.title.clone(),
                    intro: spec.intro.clone(),
                    opens_at: spec.opens_at.map(db::to_db_time),
                    closes_at: spec.closes_at.map(db::to_db_time),
                    results_visibility: spec.results_visibility,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                poll_db::insert(c, &row)?;
                store_questions(c, &row.id, &spec.questions)?;
                announce(c, None, Some(&row), now)?;
                load_one(c, &row.id)
            })
        })
        .await
}

pub async fn get(state: &AppState, id: PollId) -> Result<Poll, Error> {
    state.db.run(move |conn| load_one(conn, &id)).await
}

pub async fn list(state: &AppState, after: Option<String>, limit: i64) -> Result<(Vec<Poll>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = poll_db::page(conn, after.as_deref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.id.to_string());
            Ok((poll_db::load(conn, rows)?, next))
        })
        .await
}

/// A partial update; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, Default)]
pub struct PollPatch {
    pub title: Option<String>,
    pub intro: Option<Option<String>>,
    pub questions: Option<Vec<QuestionSpec>>,
    pub opens_at: Option<Option<DateTime<Utc>>>,
    pub closes_at: Option<Option<DateTime<Utc>>>,
    pub results_visibility: Option<ResultsVisibility>,
}

/// Changes a poll. Questions and options can change until the first response; after
/// that, a change to them is a 409 (the title, intro, dates and visibility stay
/// editable), so no vote is ever silently moved to reworded or removed options.
pub async fn update(state: &AppState, id: PollId, if_match: IfMatch, patch: PollPatch) -> Result<Poll, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                // Votes in flight finish first, and none starts until this is done.
                if !poll_db::lock(c, &id, true)? {
                    return Err(not_found());
                }
                let current = load_one(c, &id)?;
                if_match.check(current.version)?;
                let spec = PollSpec {
                    title: patch.title.unwrap_or(current.title.clone()),
                    intro: patch.intro.unwrap_or(current.intro.clone()),
                    questions: patch.questions.clone().unwrap_or_else(|| current.specs()),
                    opens_at: patch.opens_at.unwrap_or(current.opens_at),
                    closes_at: patch.closes_at.unwrap_or(current.closes_at),
                    results_visibility: patch.results_visibility.unwrap_or(current.results_visibility),
                }
                .validate()
                .map_err(Error::Invalid)?;
                let questions_changed = patch.questions.is_some() && spec.questions != current.specs();
                if questions_changed && poll_db::has_responses(c, &id)? {
                    return Err(Error::conflict(
                        "poll_has_responses",
                        "Readers have answered this poll: its questions and options can no longer change.",
                    ));
                }
                let mut row = poll_db::find(c, &id)?.ok_or_else(not_found)?;
                // The version If-Match was checked against (see sponsored::update).
                let expected = current.version;
                let was = row.clone();
                row.title = spec.title.clone();
                row.intro = spec.intro.clone();
                row.opens_at = spec.opens_at.map(db::to_db_time);
                row.closes_at = spec.closes_at.map(db::to_db_time);
                row.results_visibility = spec.results_visibility;
                row.updated_at = now;
                row.version += 1;
                if !poll_db::update_if_version(c, &row, expected)? {
                    let current = poll_db::find(c, &id)?.ok_or_else(not_found)?;
                    return Err(Error::Stale { current: current.version });
                }
                if questions_changed {
                    store_questions(c, &id, &spec.questions)?;
                }
                announce(c, Some(&was), Some(&row), now)?;
                load_one(c, &id)
            })
        })
        .await
}

/// Whether a poll takes answers at `now`.
fn open(row: &PollRow, now: NaiveDateTime) -> bool {
    let at = |t: Option<NaiveDateTime>| t.map(db::from_db_time);
    crate::domain::poll::state(at(row.opens_at), at(row.closes_at), db::from_db_time(now)) == PollState::Open
}

/// Announces a poll's opening or closing by a change (`None`: not there).
fn announce(
    conn: &mut DbConnection,
    before: Option<&PollRow>,
    after: Option<&PollRow>,
    now: NaiveDateTime,
) -> Result<(), Error> {
    let (was, is) = (before.is_some_and(|r| open(r, now)), after.is_some_and(|r| open(r, now)));
    let kind = events::for_liveness(was, is, EventType::PollOpened, EventType::PollClosed, None);
    match (kind, after.or(before)) {
        (Some(kind), Some(row)) => events::poll(conn, kind, row, db::from_db_time(now)),
        _ => Ok(()),
    }
}

/// Deletes a poll no article embeds (409 otherwise), with its responses.
pub async fn delete(state: &AppState, id: PollId, if_match: IfMatch) -> Result<(), Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                // Exclusive: an article save embedding the poll waits, or is waited for.
                if !poll_db::lock(c, &id, true)? {
                    return Err(not_found());
                }
                let row = poll_db::find(c, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                if article_db::embedded_in(c, EmbedKind::Poll, id.as_str())? {
                    return Err(Error::conflict("poll_in_use", "Articles embed this poll: remove it from them first."));
                }
                if !poll_db::delete_if_version(c, &id, row.version)? {
                    // Changed meanwhile: answer with the version that is there now.
                    let current = poll_db::find(c, &id)?.ok_or_else(not_found)?;
                    return Err(Error::Stale { current: current.version });
                }
                announce(c, Some(&row), None, now)?;
                Ok(())
            })
        })
        .await
}

/// The counts, read from one snapshot so that the total, the counts and the answered
/// numbers agree even while votes arrive.
fn results_of(conn: &mut DbConnection, poll: &Poll) -> Result<Results, Error> {
    db::read_tx(conn, |c| counted(c, poll))
}

fn counted(conn: &mut DbConnection, poll: &Poll) -> Result<Results, Error> {
    let mut total = 0;
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut answered: HashMap<String, i64> = HashMap::new();
    for (subject, n) in poll_db::tallies(conn, &poll.id)? {
        if subject.is_empty() {
            total = n;
        } else if let Some(option) = subject.strip_prefix("o:") {
            counts.insert(option.to_string(), n);
        } else if let Some(question) = subject.strip_prefix("q:") {
            answered.insert(question.to_string(), n);
        }
    }
    let questions = poll
        .questions
        .iter()
        .map(|q| {
            let answered = answered.get(&q.id).copied().unwrap_or(0);
            QuestionResult {
                question_id: q.id.clone(),
                kind: q.kind,
                answered,
                options: q
                    .options
                    .iter()
                    .map(|(id, label)| {
                        let count = counts.get(id).copied().unwrap_or(0);
                        let percentage =
                            if answered == 0 { 0.0 } else { (count as f64 * 1000.0 / answered as f64).round() / 10.0 };
                        OptionResult { option_id: id.clone(), label: label.clone(), count, percentage }
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Results { total_responses: total, questions })
}

/// Results for editors: always.
pub async fn results(state: &AppState, id: PollId) -> Result<Results, Error> {
    state
        .db
        .run(move |conn| {
            let poll = load_one(conn, &id)?;
            results_of(conn, &poll)
        })
        .await
}

/// One free-text answer.
#[derive(Debug, Clone)]
pub struct TextAnswer {
    pub response_id: String,
    pub question_id: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// Free-text answers in arrival order; `limit: None` returns them all (for CSV).
pub async fn texts(
    state: &AppState,
    id: PollId,
    question: Option<String>,
    after: Option<(DateTime<Utc>, String, String)>,
    limit: Option<i64>,
) -> Result<(Vec<TextAnswer>, Option<(DateTime<Utc>, String, String)>), Error> {
    state
        .db
        .run(move |conn| {
            load_one(conn, &id)?;
            let after = after.map(|(at, r, q)| (db::to_db_time(at), r, q));
            let mut rows = poll_db::texts(conn, &id, question.as_deref(), after, limit.map(|n| n + 1))?;
            let more = limit.is_some_and(|n| rows.len() as i64 > n);
            if let Some(n) = limit {
                rows.truncate(usize::try_from(n).unwrap_or(0));
            }
            let items: Vec<TextAnswer> = rows
                .into_iter()
                .map(|(response_id, question_id, text, at)| TextAnswer {
                    response_id,
                    question_id,
                    text,
                    created_at: db::from_db_time(at),
                })
                .collect();
            let next = if more {
                items.last().map(|t| (t.created_at, t.response_id.clone(), t.question_id.clone()))
            } else {
                None
            };
            Ok((items, next))
        })
        .await
}

/// A poll as readers see it, with results when its visibility allows.
#[derive(Debug, Clone)]
pub struct PublicPoll {
    pub poll: Poll,
    pub state: PollState,
    /// Whether the reader named by X-Reader-Id has answered (`None` without one).
    pub has_voted: Option<bool>,
    pub results: Option<Results>,
}

fn public_view(
    conn: &mut DbConnection,
    poll: Poll,
    reader: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PublicPoll, Error> {
    let state = poll.state(now);
    let has_voted = reader.map(|r| poll_db::has_voted(conn, &poll.id, r)).transpose()?;
    let results = if poll.results_visibility.shows(has_voted.unwrap_or(false), state == PollState::Closed) {
        Some(results_of(conn, &poll)?)
    } else {
        None
    };
    Ok(PublicPoll { poll, state, has_voted, results })
}

pub async fn public_get(state: &AppState, id: PollId, reader: Option<String>) -> Result<PublicPoll, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let poll = load_public(conn, &id, now)?;
            public_view(conn, poll, reader.as_deref(), now)
        })
        .await
}

/// The public state of the given polls, by id (for resolving article embeds).
pub fn public_many(
    conn: &mut DbConnection,
    ids: &[PollId],
    now: DateTime<Utc>,
) -> Result<HashMap<PollId, PublicPoll>, Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = poll_db::find_many(conn, ids)?;
    let polls = poll_db::load(conn, rows)?;
    polls.into_iter().map(|p| Ok((p.id.clone(), public_view(conn, p, None, now)?))).collect()
}

/// A reader's response: checked against the poll, stored once per reader (409 for a
/// second), counted exactly; per client address at most `vote_limit` a minute.
pub async fn respond(
    state: &AppState,
    id: PollId,
    reader: String,
    answers: Vec<Answer>,
    address: Option<IpAddr>,
) -> Result<PublicPoll, Error> {
    let now = state.clock.now();
    let limit = state.settings.vote_limit_per_minute;
    state
        .db
        .run(move |conn| {
            let window = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
            let subject = address.map(crate::service::auth::address_bucket).unwrap_or_default();
            let at = db::to_db_time(now);
            db::tally_tx(conn, |c| {
                // Read the poll under a lock an editor's change must wait for, so the
                // questions, options and dates checked are the ones the answers join.
                if !poll_db::lock(c, &id, false)? {
                    return Err(not_found());
                }
                let poll = load_public(c, &id, now)?;
                match poll.state(now) {
                    PollState::Upcoming => {
                        return Err(Error::conflict("poll_not_open", "The poll is not open yet."));
                    }
                    PollState::Closed => return Err(Error::conflict("poll_closed", "The poll is closed.")),
                    PollState::Open => {}
                }
                let questions: Vec<StoredQuestion> = poll
                    .questions
                    .iter()
                    .map(|q| StoredQuestion {
                        id: q.id.clone(),
                        kind: q.kind,
                        options: q.options.iter().map(|(id, _)| id.clone()).collect(),
                        max_choices: q.max_choices,
                        max_length: q.max_length,
                        required: q.required,
                    })
                    .collect();
                let choices = poll::check_answers(&questions, &answers).map_err(Error::Invalid)?;
                let hits = rate_limits::hit(c, "votes", &subject, db::to_db_time(window))?;
                if hits == 1 {
                    rate_limits::prune(c, "votes", db::to_db_time(window - Duration::minutes(10)))?;
                }
                if hits > limit {
                    let retry = (window + Duration::minutes(1) - now).num_seconds().max(1);
                    return Err(Error::RateLimited {
                        detail: "Too many responses from this address; try again shortly.".into(),
                        retry_after_secs: u64::try_from(retry).unwrap_or(1),
                    });
                }
                let response_id = db::new_id();
                poll_db::insert_response(c, &response_id, &id, &reader, at).map_err(|e| match e {
                    diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                        Error::conflict("already_responded", "This reader has already answered this poll.")
                    }
                    other => other.into(),
                })?;
                for (question_id, choice) in &choices {
                    match choice {
                        Choice::Options(ids) => {
                            for option in ids {
                                poll_db::insert_answer(c, &response_id, &id, question_id, Some(option), None, at)?;
                            }
                        }
                        Choice::Text(text) => {
                            poll_db::insert_answer(c, &response_id, &id, question_id, None, Some(text), at)?
                        }
                    }
                }
                // The answer's view, read in the same transaction: the results include
                // this response, and the reader has voted (no query needed for either).
                let results = if poll.results_visibility.shows(true, false) { Some(counted(c, &poll)?) } else { None };
                Ok(PublicPoll { poll, state: PollState::Open, has_voted: Some(true), results })
            })
        })
        .await
}
