//! `/api/v1/polls` (editors write, writers read, editors read responses) and
//! `/api/v1/public/polls` (readers see and answer, once each).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::poll::{Answer, PollSpec, PollState, QuestionKind, QuestionSpec, ResultsVisibility, formula_safe};
use crate::error::ApiError;
use crate::http::caller::{Authenticated, Editors, Newsroom};
use crate::http::conditional::{RequireIfMatch, public_json_until};
use crate::http::extract::{ApiJson, ApiQuery, client_ip, reader_id};
use crate::http::pagination::{self, At, Cursor, Listed, Page};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::service::polls::{self, Poll, PollPatch, PublicPoll, Results};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OptionResponse {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionResponse {
    pub id: String,
    pub prompt: String,
    pub kind: QuestionKind,
    /// Empty for free-text questions.
    pub options: Vec<OptionResponse>,
    /// How many options a reader may pick (1 for single choice; null for free text).
    pub max_choices: Option<i64>,
    /// The longest free-text answer, in characters (null for choice questions).
    pub max_length: Option<i64>,
    pub required: bool,
}

/// A poll, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "title": "Asia in 2030", "intro": "Tell us what you think.",
    "questions": [{"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "prompt": "Do you live in Asia?", "kind": "single_choice",
        "options": [{"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d", "label": "Yes"}, {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e", "label": "No"}],
        "max_choices": 1, "max_length": null, "required": true}],
    "opens_at": null, "closes_at": "2026-12-31T00:00:00Z", "results_visibility": "after_vote",
    "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:30:00Z", "version": 1
}))]
pub struct PollResponse {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionResponse>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opens_at: Option<DateTime<Utc>>,
    /// Exclusive: the poll closes at this instant.
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closes_at: Option<DateTime<Utc>>,
    pub results_visibility: ResultsVisibility,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

fn questions(p: &Poll) -> Vec<QuestionResponse> {
    p.questions
        .iter()
        .map(|q| QuestionResponse {
            id: q.id.clone(),
            prompt: q.prompt.clone(),
            kind: q.kind,
            options: q
                .options
                .iter()
                .map(|(id, label)| OptionResponse { id: id.clone(), label: label.clone() })
                .collect(),
            max_choices: q.max_choices,
            max_length: q.max_length,
            required: q.required,
        })
        .collect()
}

impl From<Poll> for PollResponse {
    fn from(p: Poll) -> Self {
        PollResponse {
            questions: questions(&p),
            id: p.id.into(),
            title: p.title,
            intro: p.intro,
            opens_at: p.opens_at,
            closes_at: p.closes_at,
            results_visibility: p.results_visibility,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

fn poll_response(status: StatusCode, poll: Poll) -> HttpResponse {
    versioned(status, poll.version, &PollResponse::from(poll))
}

pub type PollPage = Page<PollResponse>;

impl Listed for PollResponse {
    const PAGE: &'static str = "PollPage";
}

/// An option as an editor writes it (ids are assigned by the server; one sent is ignored).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    pub label: String,
    /// Ignored.
    #[serde(default)]
    pub id: Option<String>,
}

/// A question as an editor writes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    pub prompt: String,
    pub kind: QuestionKind,
    /// 2 to 20 for choice questions; none for free text.
    #[serde(default)]
    pub options: Vec<OptionInput>,
    /// Multiple choice: at most this many (default: all). Single choice: 1.
    pub max_choices: Option<i64>,
    /// Free text: the longest answer in characters (default 500, at most 5000).
    pub max_length: Option<i64>,
    /// Default `true`.
    pub required: Option<bool>,
    /// Ignored.
    #[serde(default)]
    pub id: Option<String>,
}

fn specs(qs: Vec<QuestionInput>) -> Vec<QuestionSpec> {
    qs.into_iter()
        .map(|q| QuestionSpec {
            prompt: q.prompt,
            kind: q.kind,
            options: q.options.into_iter().map(|o| o.label).collect(),
            max_choices: q.max_choices,
            max_length: q.max_length,
            required: q.required.unwrap_or(true),
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Asia in 2030",
    "questions": [
        {"prompt": "Do you live in Asia?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No"}]},
        {"prompt": "Who will be the strongest force in 2030?", "kind": "multiple_choice", "max_choices": 2,
         "options": [{"label": "China"}, {"label": "India"}, {"label": "Other"}]},
        {"prompt": "Anything else?", "kind": "free_text", "max_length": 280, "required": false}
    ],
    "results_visibility": "after_vote"
}))]
pub struct CreatePollRequest {
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionInput>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opens_at: Option<time::ClientTime>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closes_at: Option<time::ClientTime>,
    /// Default `always`.
    pub results_visibility: Option<ResultsVisibility>,
}

/// Fields to change; absent fields stay. `questions` replaces them all, and only
/// until the first response (409 after).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"closes_at": "2027-01-31T00:00:00Z"}))]
pub struct UpdatePollRequest {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub intro: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<QuestionInput>)]
    pub questions: Option<Vec<QuestionInput>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opens_at: Option<Option<time::ClientTime>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closes_at: Option<Option<time::ClientTime>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = ResultsVisibility)]
    pub results_visibility: Option<ResultsVisibility>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PollPageQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists polls, newest first (writers read them, to embed them).
#[utoipa::path(
    tag = "polls", operation_id = "listPolls", params(PollPageQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of polls.", body = PollPage), (status = 403, description = "Commercial users do not read polls here."))
)]
#[get("/polls")]
pub async fn list_polls(
    _user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    query: ApiQuery<PollPageQuery>,
) -> Result<web::Json<PollPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = polls::list(&state, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(PollResponse::from).collect(), next)?))
}

/// Creates a poll (admins and editors).
#[utoipa::path(
    tag = "polls", operation_id = "createPoll", request_body = CreatePollRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = PollResponse, headers(
            ("Location" = String, description = "The new poll's URL."),
            ("ETag" = String, description = "The poll's version, `\"1\"`."))),
        (status = 403, description = "Only admins and editors write polls."),
    )
)]
#[post("/polls")]
pub async fn create_poll(
    _user: Authenticated<Editors>,
    state: web::Data<AppState>,
    body: ApiJson<CreatePollRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let mut times = time::ClientTimes::default();
    let spec = PollSpec {
        title: b.title,
        intro: b.intro,
        questions: specs(b.questions),
        opens_at: times.take("opens_at", b.opens_at),
        closes_at: times.take("closes_at", b.closes_at),
        results_visibility: b.results_visibility.unwrap_or(ResultsVisibility::Always),
    };
    times.check()?;
    let poll = polls::create(&state, spec).await?;
    let location = format!("/api/v1/polls/{}", poll.id);
    with_location(poll_response(StatusCode::CREATED, poll), location)
}

/// Reads a poll.
#[utoipa::path(
    tag = "polls", operation_id = "getPoll", params(("id" = String, Path, description = "The poll's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The poll.", body = PollResponse, headers(("ETag" = String, description = "The version."))),
        (status = 403, description = "Commercial users do not read polls here."),
        (status = 404, description = "No such poll."),
    )
)]
#[get("/polls/{id}")]
pub async fn get_poll(
    _user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(poll_response(StatusCode::OK, polls::get(&state, id.into_inner().into()).await?))
}

/// Changes a poll. Needs `If-Match`.
#[utoipa::path(
    tag = "polls", operation_id = "updatePoll",
    params(("id" = String, Path, description = "The poll's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body = UpdatePollRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed poll.", body = PollResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors write polls."),
        (status = 404, description = "No such poll."),
        (status = 409, description = "Readers have answered: questions and options can no longer change."),
        (status = 412, description = "The poll changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/polls/{id}")]
pub async fn update_poll(
    _user: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdatePollRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let mut times = time::ClientTimes::default();
    let patch = PollPatch {
        title: b.title,
        intro: b.intro,
        questions: b.questions.map(specs),
        opens_at: times.take_patch("opens_at", b.opens_at),
        closes_at: times.take_patch("closes_at", b.closes_at),
        results_visibility: b.results_visibility,
    };
    times.check()?;
    Ok(poll_response(StatusCode::OK, polls::update(&state, id.into_inner().into(), if_match, patch).await?))
}

/// Deletes a poll, with its responses. Needs `If-Match`.
#[utoipa::path(
    tag = "polls", operation_id = "deletePoll",
    params(("id" = String, Path, description = "The poll's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only admins and editors write polls."),
        (status = 404, description = "No such poll."),
        (status = 409, description = "Articles embed it."),
        (status = 412, description = "The poll changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/polls/{id}")]
pub async fn delete_poll(
    _user: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    polls::delete(&state, id.into_inner().into(), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionResultResponse {
    pub option_id: String,
    pub label: String,
    pub count: i64,
    /// Share of the responses that answered the question, 0 to 100, one decimal.
    pub percentage: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResultResponse {
    pub question_id: String,
    pub kind: QuestionKind,
    /// Responses that answered this question.
    pub answered: i64,
    /// Counts per option (empty for free text: read the texts at /polls/{id}/responses).
    pub options: Vec<OptionResultResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsResponse {
    pub total_responses: i64,
    pub questions: Vec<QuestionResultResponse>,
}

impl From<Results> for ResultsResponse {
    fn from(r: Results) -> Self {
        ResultsResponse {
            total_responses: r.total_responses,
            questions: r
                .questions
                .into_iter()
                .map(|q| QuestionResultResponse {
                    question_id: q.question_id,
                    kind: q.kind,
                    answered: q.answered,
                    options: q
                        .options
                        .into_iter()
                        .map(|o| OptionResultResponse {
                            option_id: o.option_id,
                            label: o.label,
                            count: o.count,
                            percentage: o.percentage,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The results, whatever the public visibility (admins and editors).
#[utoipa::path(
    tag = "polls", operation_id = "getPollResults", params(("id" = String, Path, description = "The poll's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Counts and percentages.", body = ResultsResponse),
        (status = 403, description = "Only admins and editors read results here."),
        (status = 404, description = "No such poll."),
    )
)]
#[get("/polls/{id}/results")]
pub async fn poll_results(
    _user: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<ResultsResponse>, ApiError> {
    Ok(web::Json(polls::results(&state, id.into_inner().into()).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TextAnswerResponse {
    pub response_id: String,
    pub question_id: String,
    pub text: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

pub type TextAnswerPage = Page<TextAnswerResponse>;

impl Listed for TextAnswerResponse {
    const PAGE: &'static str = "TextAnswerPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResponsesQuery {
    /// Only answers to this question.
    pub question: Option<String>,
    /// Page size, 1..=100 (default 20); ignored for CSV, which exports them all.
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Whether `Accept` names `text/csv` at all: the export is asked for by naming it,
/// whatever else is listed or weighted.
fn wants_csv(req: &HttpRequest) -> bool {
    <header::Accept as header::Header>::parse(req)
        .is_ok_and(|accept| accept.iter().any(|m| m.item.essence_str().eq_ignore_ascii_case("text/csv")))
}

/// What readers wrote in free-text answers, in arrival order (admins and editors).
/// With `Accept: text/csv`, all of them as CSV (cells that could run as spreadsheet
/// formulas are escaped).
#[utoipa::path(
    tag = "polls", operation_id = "listPollResponses",
    params(("id" = String, Path, description = "The poll's id."), ResponsesQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Free-text answers.", content(
            (TextAnswerPage = "application/json"),
            (String = "text/csv", example = "response_id,question_id,created_at,text\n\"0193...\",\"0193...\",\"2026-11-27T09:30:00Z\",\"'=not a formula\"\n"))),
        (status = 403, description = "Only admins and editors read responses."),
        (status = 404, description = "No such poll."),
    )
)]
#[get("/polls/{id}/responses")]
pub async fn poll_responses(
    _user: Authenticated<Editors>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<ResponsesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    // Checked for CSV too: a bad limit or cursor is a 422 whatever the format.
    let limit = pagination::limit(q.limit)?;
    let after =
        q.cursor.as_deref().map(Cursor::decode::<(At, String, String)>).transpose()?.map(|(At(at), r, q)| (at, r, q));
    if wants_csv(&req) {
        let (items, _) = polls::texts(&state, id.into_inner().into(), q.question, None, None).await?;
        let csv = answers_csv(&items).map_err(ApiError::internal)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"responses.csv\""))
            .body(csv));
    }
    let (items, next) = polls::texts(&state, id.into_inner().into(), q.question, after, Some(limit)).await?;
    let items = items
        .into_iter()
        .map(|t| TextAnswerResponse {
            response_id: t.response_id,
            question_id: t.question_id,
            text: t.text,
            created_at: t.created_at,
        })
        .collect();
    // The key: (time, response id, question id).
    Ok(HttpResponse::Ok().json(Page::new(items, next.map(|(at, r, q)| (At(at), r, q)))?))
}

/// Free-text answers as CSV: a plain header row, then every cell quoted and guarded
/// against running as a spreadsheet formula, lines ending in CRLF.
fn answers_csv(items: &[polls::TextAnswer]) -> Result<Vec<u8>, csv::Error> {
    let mut header = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    header.write_record(["response_id", "question_id", "created_at", "text"])?;
    let out = header.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    let mut rows = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(out);
    for t in items {
        let at = t.created_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        let cells = [t.response_id.as_str(), &t.question_id, &at, &t.text].map(formula_safe);
        rows.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
    }
    rows.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A poll as readers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPollResponse {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionResponse>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opens_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closes_at: Option<DateTime<Utc>>,
    pub results_visibility: ResultsVisibility,
    /// `upcoming`, `open` or `closed`, now.
    pub state: PollState,
    /// Whether the reader in X-Reader-Id has answered; `null` without the header.
    pub has_voted: Option<bool>,
    /// Present when the visibility allows it for this reader now.
    pub results: Option<ResultsResponse>,
}

impl From<PublicPoll> for PublicPollResponse {
    fn from(p: PublicPoll) -> Self {
        PublicPollResponse {
            questions: questions(&p.poll),
            id: p.poll.id.into(),
            title: p.poll.title,
            intro: p.poll.intro,
            opens_at: p.poll.opens_at,
            closes_at: p.poll.closes_at,
            results_visibility: p.poll.results_visibility,
            state: p.state,
            has_voted: p.has_voted,
            results: p.results.map(ResultsResponse::from),
        }
    }
}

/// A poll with its state, and its results when visibility allows (`X-Reader-Id` tells
/// whether that reader has answered).
#[utoipa::path(
    tag = "public", operation_id = "getPublicPoll",
    params(
        ("id" = String, Path, description = "The poll's id."),
        ("X-Reader-Id" = Option<String>, Header, format = "uuid", nullable = false, description = "The reader's UUID, kept by the frontend."),
    ),
    responses(
        (status = 200, description = "The poll.", body = PublicPollResponse,
            headers(("ETag" = String, description = "Changes with the answer."),
                    ("Cache-Control" = String, description = "public for anonymous requests; private, no-store with X-Reader-Id."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No such poll."),
        (status = 422, description = "X-Reader-Id is not a UUID."),
    )
)]
#[get("/public/polls/{id}")]
pub async fn public_poll(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader_id(&req)?;
    let personal = reader.is_some();
    let now = state.clock.now();
    let poll = polls::public_get(&state, id.into_inner().into(), reader).await?;
    // A cached copy must not outlive the next opening or closing.
    let boundary = [poll.poll.opens_at, poll.poll.closes_at].into_iter().flatten().filter(|t| *t > now).min();
    let body = PublicPollResponse::from(poll);
    let mut res = if personal {
        private_json(&req, &body)?
    } else {
        public_json_until(&req, state.settings.public_max_age, boundary.map(|t| (t - now).num_seconds()), &body)?
    };
    res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("X-Reader-Id"));
    Ok(res)
}

/// A reader-specific answer: an ETag and 304 like public ones, but never stored by a
/// shared cache.
fn private_json(req: &HttpRequest, body: &impl Serialize) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    let tag = crate::http::conditional::content_etag(&bytes);
    let not_modified = crate::http::conditional::none_match(req, &tag);
    let mut res = if not_modified { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, tag)).insert_header((header::CACHE_CONTROL, "private, no-store"));
    if not_modified {
        return Ok(res.finish());
    }
    Ok(res.content_type("application/json").body(bytes))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": [
    {"question_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "option_ids": ["0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d"]},
    {"question_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5f", "text": "More trains, please."}
]}))]
pub struct RespondRequest {
    pub answers: Vec<Answer>,
}

/// Answers a poll, once per reader (`X-Reader-Id`).
#[utoipa::path(
    tag = "public", operation_id = "respondToPoll",
    params(
        ("id" = String, Path, description = "The poll's id."),
        ("X-Reader-Id" = String, Header, format = "uuid", description = "The reader's UUID, kept by the frontend."),
    ),
    request_body = RespondRequest,
    responses(
        (status = 201, description = "Counted; the poll as the reader now sees it (results if visibility allows).",
            body = PublicPollResponse, headers(("Location" = String, description = "The poll's public URL."))),
        (status = 404, description = "No such poll."),
        (status = 409, description = "Already answered by this reader, not open yet, or closed."),
        (status = 429, description = "Too many responses from this address; see Retry-After.",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
#[post("/public/polls/{id}/responses")]
pub async fn respond(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ApiJson<RespondRequest>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader_id(&req)?.ok_or_else(|| ApiError::invalid("X-Reader-Id", "is required: the reader's UUID"))?;
    let answers = body.into_inner()?.answers;
    let id = id.into_inner();
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let poll = polls::respond(&state, id.clone().into(), reader, answers, address).await?;
    // Committed: cached answers showing results built before it must not be served.
    state.public_cache.response_counted();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/public/polls/{id}")))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(PublicPollResponse::from(poll)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_export_as_quoted_formula_safe_csv() {
        let at = |micros: i64| DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or_default();
        let answer = |r: &str, text: &str, micros: i64| polls::TextAnswer {
            response_id: r.into(),
            question_id: "q1".into(),
            text: text.into(),
            created_at: at(micros),
        };
        let items = [
            answer("r1", "More trains", 1_796_203_800_000_000),
            answer("r2", "=HYPERLINK(\"http://evil\")", 1_796_203_800_500_000),
            answer("r3", "\t-1", 1_796_203_801_000_000),
            answer("r4", "line one\r\nline two, \"quoted\"", 1_796_203_801_000_000),
            answer("r5", "\u{200B}＋1", 1_796_203_801_000_000),
            answer("r6", " -x", 1_796_203_801_000_000),
            answer("r7", "", 1_796_203_801_000_000),
        ];
        let csv = answers_csv(&items).unwrap_or_default();
        let expected = concat!(
            "response_id,question_id,created_at,text\r\n",
            "\"r1\",\"q1\",\"2026-12-02T09:30:00Z\",\"More trains\"\r\n",
            "\"r2\",\"q1\",\"2026-12-02T09:30:00.500Z\",\"'=HYPERLINK(\"\"http://evil\"\")\"\r\n",
            "\"r3\",\"q1\",\"2026-12-02T09:30:01Z\",\"'\t-1\"\r\n",
            "\"r4\",\"q1\",\"2026-12-02T09:30:01Z\",\"line one\r\nline two, \"\"quoted\"\"\"\r\n",
            "\"r5\",\"q1\",\"2026-12-02T09:30:01Z\",\"'\u{200B}＋1\"\r\n",
            "\"r6\",\"q1\",\"2026-12-02T09:30:01Z\",\"' -x\"\r\n",
            "\"r7\",\"q1\",\"2026-12-02T09:30:01Z\",\"\"\r\n",
        );
        assert_eq!(String::from_utf8_lossy(&csv), expected);
        assert_eq!(answers_csv(&[]).unwrap_or_default(), b"response_id,question_id,created_at,text\r\n");
    }

    #[test]
    fn csv_is_chosen_by_naming_it_in_accept() {
        let wants = |accept: Option<&str>| {
            let req = actix_web::test::TestRequest::default();
            let req = match accept {
                Some(v) => req.insert_header((header::ACCEPT, v)),
                None => req,
            };
            wants_csv(&req.to_http_request())
        };
        assert!(wants(Some("text/csv")));
        assert!(wants(Some("TEXT/CSV")));
        assert!(wants(Some("text/csv; charset=utf-8")));
        assert!(wants(Some("application/json;q=0.9, text/csv;q=0.5")));
        assert!(!wants(Some("application/json")));
        assert!(!wants(Some("text/*")));
        assert!(!wants(Some("*/*")));
        assert!(!wants(None));
    }
}
