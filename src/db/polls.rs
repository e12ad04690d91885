//! SQL for polls, their questions and options, responses and answers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{poll_answers, poll_options, poll_questions, poll_responses, poll_tallies, polls};
use super::{DbConnection, from_db_time};
use crate::domain::id::PollId;
use crate::domain::poll::{Poll, Question, QuestionKind, ResultsVisibility};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = polls, treat_none_as_null = true)]
pub struct PollRow {
    pub id: PollId,
    pub title: String,
    pub intro: Option<String>,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub results_visibility: ResultsVisibility,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = poll_questions)]
pub struct QuestionRow {
    pub id: String,
    pub poll_id: PollId,
    pub position: i64,
    pub prompt: String,
    pub kind: QuestionKind,
    pub max_choices: Option<i64>,
    pub max_length: Option<i64>,
    pub required: bool,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = poll_options)]
pub struct OptionRow {
    pub id: String,
    pub question_id: String,
    pub position: i64,
    pub label: String,
}

/// Polls with their questions and options, in two queries for all of them.
pub fn load(conn: &mut DbConnection, rows: Vec<PollRow>) -> QueryResult<Vec<Poll>> {
    let ids: Vec<PollId> = rows.iter().map(|r| r.id.clone()).collect();
    let questions = questions_of(conn, &ids)?;
    let qids: Vec<String> = questions.iter().map(|q| q.id.clone()).collect();
    let options = options_of(conn, &qids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let qs = questions
                .iter()
                .filter(|q| q.poll_id == r.id)
                .map(|q| Question {
                    id: q.id.clone(),
                    prompt: q.prompt.clone(),
                    kind: q.kind,
                    options: options
                        .iter()
                        .filter(|o| o.question_id == q.id)
                        .map(|o| (o.id.clone(), o.label.clone()))
                        .collect(),
                    max_choices: q.max_choices,
                    max_length: q.max_length,
                    required: q.required,
                })
                .collect();
            Poll {
                questions: qs,
                title: r.title,
                intro: r.intro,
                opens_at: r.opens_at.map(from_db_time),
                closes_at: r.closes_at.map(from_db_time),
                results_visibility: r.results_visibility,
                created_at: from_db_time(r.created_at),
                updated_at: from_db_time(r.updated_at),
                version: r.version,
                id: r.id,
            }
        })
        .collect())
}

pub fn insert(conn: &mut DbConnection, row: &PollRow) -> QueryResult<()> {
    diesel::insert_into(polls::table).values(row).execute(conn).map(|_| ())
}

pub fn update_if_version(conn: &mut DbConnection, row: &PollRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(polls::table.find(&row.id).filter(polls::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn delete_if_version(conn: &mut DbConnection, id: &PollId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(polls::table.find(id).filter(polls::version.eq(expected))).execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &PollId) -> QueryResult<Option<PollRow>> {
    polls::table.find(id).first(conn).optional()
}

pub fn find_many(conn: &mut DbConnection, ids: &[PollId]) -> QueryResult<Vec<PollRow>> {
    polls::table.filter(polls::id.eq_any(ids)).load(conn)
}

/// Locks the poll row inside a transaction: shared for voters (they may run together)
/// and for article saves that embed it, exclusive for editors' changes and deletes (who
/// wait for those in flight, and make them wait). SQLite's
/// immediate transactions are serial already. `false` when there is no such poll.
pub fn lock(conn: &mut DbConnection, id: &PollId, exclusive: bool) -> QueryResult<bool> {
    let found: Option<String> = match conn {
        DbConnection::Postgres(c) if exclusive => {
            polls::table.find(id).select(polls::id).for_update().first(c).optional()?
        }
        DbConnection::Postgres(c) => polls::table.find(id).select(polls::id).for_share().first(c).optional()?,
        DbConnection::Sqlite(c) => polls::table.find(id).select(polls::id).first(c).optional()?,
    };
    Ok(found.is_some())
}

pub fn exists(conn: &mut DbConnection, id: &PollId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(polls::table.find(id))).get_result(conn)
}

/// One page, newest first (by id).
pub fn page(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> QueryResult<Vec<PollRow>> {
    let mut query = polls::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(polls::id.lt(after.to_string()));
    }
    query.order(polls::id.desc()).limit(limit).load(conn)
}

pub fn replace_questions(
    conn: &mut DbConnection,
    poll_id: &PollId,
    questions: &[QuestionRow],
    options: &[OptionRow],
) -> QueryResult<()> {
    diesel::delete(poll_questions::table.filter(poll_questions::poll_id.eq(poll_id))).execute(conn)?;
    for q in questions {
        diesel::insert_into(poll_questions::table).values(q).execute(conn)?;
    }
    for o in options {
        diesel::insert_into(poll_options::table).values(o).execute(conn)?;
    }
    Ok(())
}

// One id is asked with `=`, not `IN (...)`: diesel keeps prepared statements only
// for SQL of a fixed shape, and a list's length changes the SQL. A vote loads one
// poll, so its statements are then prepared once, not on every vote.

pub fn questions_of(conn: &mut DbConnection, poll_ids: &[PollId]) -> QueryResult<Vec<QuestionRow>> {
    let order = (poll_questions::poll_id, poll_questions::position);
    match poll_ids {
        [one] => poll_questions::table.filter(poll_questions::poll_id.eq(one)).order(order).load(conn),
        many => poll_questions::table.filter(poll_questions::poll_id.eq_any(many)).order(order).load(conn),
    }
}

pub fn options_of(conn: &mut DbConnection, question_ids: &[String]) -> QueryResult<Vec<OptionRow>> {
    let order = (poll_options::question_id, poll_options::position);
    match question_ids {
        [one] => poll_options::table.filter(poll_options::question_id.eq(one)).order(order).load(conn),
        many => poll_options::table.filter(poll_options::question_id.eq_any(many)).order(order).load(conn),
    }
}

pub fn has_responses(conn: &mut DbConnection, poll_id: &PollId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(poll_responses::table.filter(poll_responses::poll_id.eq(poll_id))))
        .get_result(conn)
}

pub fn has_voted(conn: &mut DbConnection, poll_id: &PollId, reader_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        poll_responses::table
            .filter(poll_responses::poll_id.eq(poll_id))
            .filter(poll_responses::reader_id.eq(reader_id)),
    ))
    .get_result(conn)
}

/// Stores a response; a second one from the same reader is a unique violation.
pub fn insert_response(
    conn: &mut DbConnection,
    id: &str,
    poll_id: &PollId,
    reader_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(poll_responses::table)
        .values((
            poll_responses::id.eq(id),
            poll_responses::poll_id.eq(poll_id),
            poll_responses::reader_id.eq(reader_id),
            poll_responses::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_answer(
    conn: &mut DbConnection,
    response_id: &str,
    poll_id: &PollId,
    question_id: &str,
    option_id: Option<&str>,
    text: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(poll_answers::table)
        .values((
            poll_answers::response_id.eq(response_id),
            poll_answers::poll_id.eq(poll_id),
            poll_answers::question_id.eq(question_id),
            poll_answers::option_id.eq(option_id),
            poll_answers::text.eq(text),
            poll_answers::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The running counts of a poll's results, as (subject, count): `''` responses,
/// `q:<question id>` responses that answered the question, `o:<option id>` votes for
/// the option (kept by triggers as answers are stored).
pub fn tallies(conn: &mut DbConnection, poll_id: &PollId) -> QueryResult<Vec<(String, i64)>> {
    poll_tallies::table
        .filter(poll_tallies::poll_id.eq(poll_id))
        .select((poll_tallies::subject, poll_tallies::count))
        .load(conn)
}

/// Free-text answers in the order they came, after (created_at, response_id).
pub fn texts(
    conn: &mut DbConnection,
    poll_id: &PollId,
    question_id: Option<&str>,
    after: Option<(NaiveDateTime, String, String)>,
    limit: Option<i64>,
) -> QueryResult<Vec<(String, String, String, NaiveDateTime)>> {
    let mut query = poll_answers::table
        .filter(poll_answers::poll_id.eq(poll_id))
        .filter(poll_answers::text.is_not_null())
        .into_boxed();
    if let Some(q) = question_id {
        query = query.filter(poll_answers::question_id.eq(q.to_string()));
    }
    if let Some((at, response, question)) = after {
        // One response may hold several free-text answers: the key is all three.
        query = query.filter(
            poll_answers::created_at.gt(at).or(poll_answers::created_at.eq(at).and(
                poll_answers::response_id
                    .gt(response.clone())
                    .or(poll_answers::response_id.eq(response).and(poll_answers::question_id.gt(question))),
            )),
        );
    }
    let query = query
        .order((poll_answers::created_at.asc(), poll_answers::response_id.asc(), poll_answers::question_id.asc()))
        .select((
            poll_answers::response_id,
            poll_answers::question_id,
            poll_answers::text.assume_not_null(),
            poll_answers::created_at,
        ));
    match limit {
        Some(n) => query.limit(n).load(conn),
        None => query.load(conn),
    }
}
