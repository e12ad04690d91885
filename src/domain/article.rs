//! Articles: the typed body blocks and their validation (inline HTML sanitised to a
//! small safe set), the editable content, the workflow, and who may do what.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::id::{AssetId, AuthorId, MAX_ID_CHARS, PollId, SectionId, SponsoredId, UserId};
use super::patch::{non_null, nullable};
use super::slug;
use super::text::{Errors, line_problem};
use super::user::Role;

pub const MAX_HEADLINE_CHARS: usize = 300;
pub const MAX_SHORT_CHARS: usize = 1000;
pub const MAX_DATELINE_CHARS: usize = 100;
pub const MAX_KICKER_CHARS: usize = 100;
pub const MAX_SEO_TITLE_CHARS: usize = 300;
pub const MAX_PROVIDER_CHARS: usize = 60;
pub const MAX_BLOCK_TEXT_CHARS: usize = 20_000;
pub const MAX_BLOCKS: usize = 500;
pub const MAX_TAGS: usize = 30;
pub const MAX_TAG_CHARS: usize = 60;
pub const MAX_AUTHORS: usize = 10;
pub const MAX_URL_CHARS: usize = 2000;
pub const MAX_LIST_ITEMS: usize = 200;
pub const MAX_PREVIEW_BLOCKS: i64 = 50;
pub const MAX_SPONSOR_NAME_CHARS: usize = 120;
pub const MAX_LABEL_CHARS: usize = 60;
pub const MAX_DISCLOSURE_CHARS: usize = 300;
pub const MIN_HEADING_LEVEL: i64 = 2;
pub const MAX_HEADING_LEVEL: i64 = 4;
/// Blocks a metered or premium article shows publicly when it names no number.
pub const DEFAULT_PREVIEW_BLOCKS: i64 = 3;

/// An image: hero image or image block. It names a media library asset
/// (`asset_id`), an http(s) URL, or both; at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// http(s) URL of the image (optional when `asset_id` names one from the library).
    #[serde(default)]
    #[schema(example = "https://images.example.org/seoul.jpg")]
    pub url: Option<String>,
    /// A media library asset: public answers then carry its size and renditions.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub asset_id: Option<AssetId>,
    /// The caption under the photo (inline HTML: a, em, strong, br).
    #[serde(default)]
    pub caption: Option<String>,
    /// Who took or owns it (inline HTML).
    #[serde(default)]
    pub credit: Option<String>,
    /// Alternative text (plain text).
    #[serde(default)]
    pub alt: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListStyle {
    Bullet,
    Number,
}

// Deserialised from a JSON object only: serde's internally tagged enums also take an
// array, read positionally (`["paragraph", "text"]` was a paragraph; found by
// schemathesis), so the derived code (`remote = "Self"`) is reached through
// `ObjectOnly`, which asks for a map.
/// One block of an article body, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    /// A paragraph (inline HTML: a[href], em, strong, br).
    Paragraph { text: String },
    /// A subheading, level 2 to 4.
    Heading { text: String, level: i64 },
    /// A photo with caption and credit: a media library asset (`asset_id`), an http(s)
    /// URL, or both.
    Image {
        #[serde(default)]
        url: Option<String>,
        #[serde(default)]
        #[schema(value_type = Option<String>)]
        asset_id: Option<AssetId>,
        #[serde(default)]
        caption: Option<String>,
        #[serde(default)]
        credit: Option<String>,
        #[serde(default)]
        alt: Option<String>,
    },
    /// A pull quote.
    Quote {
        text: String,
        #[serde(default)]
        attribution: Option<String>,
    },
    /// A bulleted or numbered list.
    List { style: ListStyle, items: Vec<String> },
    /// Embedded media from a provider (video, social post).
    Embed { provider: String, url: String },
    /// A reader poll, resolved inline on the public article.
    Poll {
        #[schema(value_type = String)]
        poll_id: PollId,
    },
    /// A sponsored-content block, resolved inline (with its label) while it is live.
    Sponsored {
        #[schema(value_type = String)]
        block_id: SponsoredId,
    },
}

impl Serialize for Block {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Block::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Block::deserialize(ObjectOnly(deserializer))
    }
}

/// A deserializer that reads whatever is asked of it as a map (`deserialize_map`), so
/// that a JSON array is refused where an object is expected.
struct ObjectOnly<D>(D);

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// Search-engine fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Seo {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(example = "https://example.org/world/seoul-and-tokyo")]
    pub canonical_url: Option<String>,
}

/// An article that is paid content (an advertiser's article, "branded content"):
/// whose it is and how readers are told. Public answers, feeds and structured data
/// mark the article with it; only editors and admins set, change or clear it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sponsor_name": "Acme Bank", "sponsor_url": "https://acme.example.com",
    "label": "Paid post", "disclosure": "This article was paid for by Acme Bank. The newsroom was not involved."}))]
pub struct Sponsorship {
    /// The advertiser (visible text).
    pub sponsor_name: String,
    /// The advertiser's site (http(s)).
    #[serde(default)]
    pub sponsor_url: Option<String>,
    /// What readers see next to the headline, e.g. "Paid post" (visible text).
    pub label: String,
    /// Who paid and who wrote it (visible text).
    pub disclosure: String,
}

/// Who may read the full text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Access {
    Free,
    Metered,
    Premium,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The earliest and latest times accepted (`publish_at`, cursors): both backends store
/// them exactly, and they sort as time on both.
pub fn time_in_range(t: DateTime<Utc>) -> bool {
    (super::rules::MIN_YEAR..=super::rules::MAX_YEAR).contains(&chrono::Datelike::year(&t))
}

/// A client-given time, checked and cut to the microseconds both backends keep.
pub fn client_time(field: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, Vec<FieldError>> {
    if !time_in_range(t) {
        return Err(vec![FieldError::new(field, "must be between 1970-01-01 and 9999-12-31")]);
    }
    let micros = t.timestamp_micros();
    Ok(DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or(t))
}

/// Where an article is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Draft,
    InReview,
    Scheduled,
    Published,
    Archived,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Draft, Status::InReview, Status::Scheduled, Status::Published, Status::Archived];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// A scheduled article whose time has come is published: no job runner needed.
    pub fn effective(self, publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Status {
        match (self, publish_at) {
            (Status::Scheduled, Some(at)) if at <= now => Status::Published,
            (status, _) => status,
        }
    }
}

/// A workflow action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    Submit,
    Publish,
    Unpublish,
    Archive,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The actions open from an (effective) status.
pub fn allowed_actions(status: Status) -> Vec<Action> {
    match status {
        Status::Draft => vec![Action::Submit, Action::Publish],
        Status::InReview => vec![Action::Publish, Action::Unpublish],
        Status::Scheduled => vec![Action::Publish, Action::Unpublish],
        Status::Published => vec![Action::Unpublish, Action::Archive],
        Status::Archived => vec![Action::Publish, Action::Unpublish],
    }
}

/// The status after `action`, or `Err(allowed actions)` when it is not open.
/// Publishing with a future `publish_at` schedules; otherwise it publishes at
/// `publish_at` (back-dated) or now.
pub fn transition(
    status: Status,
    action: Action,
    publish_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(Status, Option<DateTime<Utc>>), Vec<Action>> {
    let allowed = allowed_actions(status);
    if !allowed.contains(&action) {
        return Err(allowed);
    }
    Ok(match action {
        Action::Submit => (Status::InReview, None),
        Action::Publish => match publish_at {
            Some(at) if at > now => (Status::Scheduled, Some(at)),
            Some(at) => (Status::Published, Some(at)),
            None => (Status::Published, Some(now)),
        },
        Action::Unpublish => (Status::Draft, None),
        Action::Archive => (Status::Archived, None),
    })
}

/// Whether the caller sees the article at all in the editorial API: writers see their
/// own work and what is published; editors and admins see everything.
pub fn can_view(role: Role, is_author: bool, effective: Status) -> bool {
    match role {
        Role::Admin | Role::Editor => true,
        Role::Writer => is_author || effective == Status::Published,
        Role::Commercial => false,
    }
}

/// Whether the caller may change the content: writers only their own, only while
/// `draft` or `in_review`.
pub fn can_edit(role: Role, is_author: bool, status: Status) -> bool {
    match role {
        Role::Admin | Role::Editor => true,
        Role::Writer => is_author && matches!(status, Status::Draft | Status::InReview),
        Role::Commercial => false,
    }
}

/// Whether the caller may take `action`: writers may only submit their own work.
pub fn can_act(role: Role, is_author: bool, action: Action) -> bool {
    match role {
        Role::Admin | Role::Editor => true,
        Role::Writer => is_author && action == Action::Submit,
        Role::Commercial => false,
    }
}

/// Whether the caller may put a sponsored block into an article (writers may not:
/// commercial placements are an editor's decision).
pub fn may_place_sponsored(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Editor)
}

/// Whether the caller may move the article to the trash or back: writers only their
/// own drafts.
pub fn can_trash(role: Role, is_author: bool, status: Status) -> bool {
    match role {
        Role::Admin | Role::Editor => true,
        Role::Writer => is_author && status == Status::Draft,
        Role::Commercial => false,
    }
}

static INLINE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(["a", "em", "strong", "br"])
        .add_tag_attributes("a", ["href"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"));
    builder
});

static PLAIN: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::empty);

/// Inline HTML reduced to `a[href]`, `em`, `strong`, `br`. A no-break space stays
/// the character it was (the serialiser would write `&nbsp;`).
pub fn sanitize_inline(html: &str) -> String {
    INLINE.clean(html).to_string().replace("&nbsp;", "\u{a0}")
}

/// The text of inline HTML, for search.
pub fn plain_text(html: &str) -> String {
    PLAIN.clean(html).to_string()
}

pub(crate) fn check_url(errors: &mut Errors, field: &str, url: &str) {
    if url.chars().count() > MAX_URL_CHARS {
        errors.add(field, format!("must be at most {MAX_URL_CHARS} characters"));
    } else if !super::rules::is_http_url(url) {
        errors.add(field, "must be an absolute http(s) URL without whitespace, quotes or angle brackets");
    }
}

/// Most markup one text field may carry: the sanitiser's cost grows fast with nesting,
/// and prose needs a handful of links and emphases.
pub const MAX_TAGS_PER_FIELD: usize = 200;

/// Checks and sanitises an HTML text field in place: control characters and too much
/// markup are refused on the input, blankness and length are checked on the result.
pub(crate) fn html_field(errors: &mut Errors, field: &str, text: &mut String, min: usize, max: usize) {
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.add(field, "must not contain control characters");
        return;
    }
    if text.matches('<').count() > MAX_TAGS_PER_FIELD {
        errors.add(field, format!("must hold at most {MAX_TAGS_PER_FIELD} tags"));
        return;
    }
    if text.chars().count() > max * 2 {
        errors.add(field, format!("must be at most {max} characters"));
        return;
    }
    let clean = sanitize_inline(text);
    if let Some(problem) = line_problem(&clean.replace(['\n', '\t'], " "), min, max) {
        let problem = if min > 0 && clean.trim().is_empty() {
            "must not be blank once unsafe HTML is removed".into()
        } else {
            problem
        };
        errors.add(field, problem);
        return;
    }
    *text = clean;
}

pub(crate) fn optional_html(errors: &mut Errors, field: &str, text: &mut Option<String>, max: usize) {
    if let Some(t) = text {
        html_field(errors, field, t, 0, max);
    }
}

pub(crate) fn optional_plain(errors: &mut Errors, field: &str, text: &Option<String>, max: usize) {
    if let Some(t) = text {
        errors.line(field, t, 0, max);
    }
}

pub(crate) fn check_image(errors: &mut Errors, at: &str, image: &mut Image) {
    match (&image.url, &image.asset_id) {
        (None, None) => errors.add(&format!("{at}.url"), "is required unless asset_id names a library image"),
        (url, asset_id) => {
            if let Some(url) = url {
                check_url(errors, &format!("{at}.url"), url);
            }
            if let Some(id) = asset_id {
                errors.line(&format!("{at}.asset_id"), id.as_str(), 1, MAX_ID_CHARS);
            }
        }
    }
    optional_html(errors, &format!("{at}.caption"), &mut image.caption, MAX_SHORT_CHARS);
    optional_html(errors, &format!("{at}.credit"), &mut image.credit, MAX_SHORT_CHARS);
    optional_plain(errors, &format!("{at}.alt"), &image.alt, MAX_SHORT_CHARS);
}

/// Checks and sanitises one block.
fn check_block(errors: &mut Errors, at: &str, block: &mut Block) {
    match block {
        Block::Paragraph { text } => html_field(errors, &format!("{at}.text"), text, 1, MAX_BLOCK_TEXT_CHARS),
        Block::Heading { text, level } => {
            html_field(errors, &format!("{at}.text"), text, 1, MAX_SHORT_CHARS);
            if !(MIN_HEADING_LEVEL..=MAX_HEADING_LEVEL).contains(level) {
                errors.add(&format!("{at}.level"), "must be 2, 3 or 4");
            }
        }
        Block::Image { url, asset_id, caption, credit, alt } => {
            let mut image = Image {
                url: url.clone(),
                asset_id: asset_id.clone(),
                caption: caption.clone(),
                credit: credit.clone(),
                alt: alt.clone(),
            };
            check_image(errors, at, &mut image);
            (*caption, *credit) = (image.caption, image.credit);
        }
        Block::Quote { text, attribution } => {
            html_field(errors, &format!("{at}.text"), text, 1, MAX_BLOCK_TEXT_CHARS);
            optional_html(errors, &format!("{at}.attribution"), attribution, MAX_SHORT_CHARS);
        }
        Block::List { items, .. } => {
            if items.is_empty() || items.len() > MAX_LIST_ITEMS {
                errors.add(&format!("{at}.items"), format!("must hold 1 to {MAX_LIST_ITEMS} items"));
            }
            for (i, item) in items.iter_mut().enumerate() {
                html_field(errors, &format!("{at}.items[{i}]"), item, 1, MAX_SHORT_CHARS * 4);
            }
        }
        Block::Embed { provider, url } => {
            errors.line(&format!("{at}.provider"), provider, 1, MAX_PROVIDER_CHARS);
            check_url(errors, &format!("{at}.url"), url);
        }
        Block::Poll { poll_id } => errors.line(&format!("{at}.poll_id"), poll_id.as_str(), 1, MAX_ID_CHARS),
        Block::Sponsored { block_id } => errors.line(&format!("{at}.block_id"), block_id.as_str(), 1, MAX_ID_CHARS),
    }
}

/// Checks and sanitises every block of a body, naming fields `{at}[i]...`.
pub fn check_body(errors: &mut Errors, at: &str, body: &mut [Block]) {
    if body.len() > MAX_BLOCKS {
        errors.add(at, format!("must hold at most {MAX_BLOCKS} blocks"));
    }
    for (i, block) in body.iter_mut().enumerate() {
        check_block(errors, &format!("{at}[{i}]"), block);
    }
}

/// Checks an http(s) URL field.
pub fn check_http_url(errors: &mut Errors, field: &str, url: &str) {
    check_url(errors, field, url);
}

/// The plain text of a body, for full-text search.
pub fn body_text(body: &[Block]) -> String {
    let mut out = String::new();
    let mut push = |s: &str| {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&plain_text(s));
    };
    for block in body {
        match block {
            Block::Paragraph { text } | Block::Heading { text, .. } => push(text),
            Block::Quote { text, attribution } => {
                push(text);
                if let Some(a) = attribution {
                    push(a);
                }
            }
            Block::List { items, .. } => items.iter().for_each(|i| push(i)),
            Block::Image { caption: Some(c), .. } => push(c),
            _ => {}
        }
    }
    out
}

/// Media library assets that image blocks use.
pub fn block_assets(blocks: &[Block]) -> Vec<AssetId> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Image { asset_id: Some(id), .. } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

// The one definition of the content fields: stored, kept by revisions, and flattened
// into every editorial answer. Requests name them in `NewArticle` and `ArticlePatch`,
// next to it, so that a new field is an edit here, in the row mapping, and a migration.
/// An article's content: its fields in editorial answers, and what a revision keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = RevisionContent)]
pub struct Content {
    pub slug: String,
    pub headline: String,
    /// The one-line summary under the headline (plain text).
    pub standfirst: Option<String>,
    /// Where the story was filed from, e.g. `TOKYO` (plain text).
    pub dateline: Option<String>,
    /// The small label above the headline (plain text).
    pub kicker: Option<String>,
    pub hero_image: Option<Image>,
    pub body: Vec<Block>,
    #[schema(value_type = String)]
    pub section_id: SectionId,
    /// Bylines in order, as author ids; the creator is first unless changed. A newsroom
    /// user's id names their author (one is made for them when they have none).
    #[schema(value_type = Vec<String>)]
    pub author_ids: Vec<AuthorId>,
    /// Names of tags (`/tags`), unique ignoring case. A name no tag has makes a tag,
    /// named in its lower-case form; an existing tag's name comes back as the tag has it.
    pub tags: Vec<String>,
    pub access: Access,
    /// Blocks shown publicly for metered and premium articles (site default when null).
    pub preview_blocks: Option<i64>,
    pub seo: Option<Seo>,
    /// Set when the article is paid content (`null`: the newsroom's own).
    #[serde(default)]
    pub sponsorship: Option<Sponsorship>,
}

/// A new article's content as a client sends it; absent fields take their defaults.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateArticleRequest, example = json!({
    "headline": "Tokyo stocks rally as yen weakens", "section_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
    "standfirst": "Exporters lead the Nikkei to a three-month high", "dateline": "TOKYO",
    "body": [{"type": "paragraph", "text": "Shares in Tokyo rose on Monday."}], "tags": ["japan"]
}))]
pub struct NewArticle {
    pub headline: String,
    #[schema(value_type = String)]
    pub section_id: SectionId,
    /// Defaults to one made from the headline (made unique with a number).
    pub slug: Option<String>,
    pub standfirst: Option<String>,
    pub dateline: Option<String>,
    pub kicker: Option<String>,
    pub hero_image: Option<Image>,
    #[serde(default)]
    pub body: Vec<Block>,
    /// Further authors; the creator is always the first.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub author_ids: Vec<AuthorId>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Defaults to `free`.
    pub access: Option<Access>,
    pub preview_blocks: Option<i64>,
    pub seo: Option<Seo>,
    /// Marks the article as paid content (editors and admins).
    pub sponsorship: Option<Sponsorship>,
    /// The id another system gave the article (a wire's story id, a WordPress GUID),
    /// kept exactly as given and unique among articles: `GET /articles/lookup` finds
    /// the article by it.
    pub external_id: Option<String>,
}

impl NewArticle {
    /// The content to check and store, `creator` first in the byline (unless
    /// `creator_first` is false and authors are given), and whether the slug is still
    /// to be made from the headline.
    pub fn into_content(self, creator: UserId, creator_first: bool) -> (Content, bool) {
        let make_slug = self.slug.is_none();
        // The creator's user id: it names their author (made for them if need be).
        let mut author_ids = Vec::new();
        if creator_first || self.author_ids.is_empty() {
            author_ids.push(AuthorId::from(creator.as_str()));
        }
        author_ids.extend(self.author_ids);
        let content = Content {
            slug: self.slug.unwrap_or_default(),
            headline: self.headline,
            standfirst: self.standfirst,
            dateline: self.dateline,
            kicker: self.kicker,
            hero_image: self.hero_image,
            body: self.body,
            section_id: self.section_id,
            author_ids,
            tags: self.tags,
            access: self.access.unwrap_or(Access::Free),
            preview_blocks: self.preview_blocks,
            seo: self.seo,
            sponsorship: self.sponsorship,
        };
        (content, make_slug)
    }
}

/// Fields to change; absent fields stay. Nullable fields accept `null` to clear them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateArticleRequest, example = json!({"headline": "Tokyo stocks extend rally", "tags": ["japan", "markets"]}))]
pub struct ArticlePatch {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub headline: Option<String>,
    /// A new slug; the old one keeps answering on the public API with a redirect.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub standfirst: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub dateline: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub kicker: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Image>)]
    pub hero_image: Option<Option<Image>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<Block>)]
    pub body: Option<Vec<Block>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub section_id: Option<SectionId>,
    /// The whole byline list, in order.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<String>)]
    pub author_ids: Option<Vec<AuthorId>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<String>)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Access)]
    pub access: Option<Access>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub preview_blocks: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Seo>)]
    pub seo: Option<Option<Seo>>,
    /// Marks the article as paid content, or (`null`) as the newsroom's own (editors
    /// and admins).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Sponsorship>)]
    pub sponsorship: Option<Option<Sponsorship>>,
    /// The id another system gave the article, or (`null`) none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}

impl ArticlePatch {
    /// `content` with the given fields replaced (not yet checked).
    pub fn apply(self, c: Content) -> Content {
        Content {
            slug: self.slug.unwrap_or(c.slug),
            headline: self.headline.unwrap_or(c.headline),
            standfirst: self.standfirst.unwrap_or(c.standfirst),
            dateline: self.dateline.unwrap_or(c.dateline),
            kicker: self.kicker.unwrap_or(c.kicker),
            hero_image: self.hero_image.unwrap_or(c.hero_image),
            body: self.body.unwrap_or(c.body),
            section_id: self.section_id.unwrap_or(c.section_id),
            author_ids: self.author_ids.unwrap_or(c.author_ids),
            tags: self.tags.unwrap_or(c.tags),
            access: self.access.unwrap_or(c.access),
            preview_blocks: self.preview_blocks.unwrap_or(c.preview_blocks),
            seo: self.seo.unwrap_or(c.seo),
            sponsorship: self.sponsorship.unwrap_or(c.sponsorship),
        }
    }
}

impl Content {
    /// Trims, fills the slug from the headline when asked, sanitises inline HTML, and
    /// checks every field. References (section, authors, polls...) are the caller's.
    pub fn validate(mut self, make_slug: bool) -> Result<Content, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.headline = self.headline.trim().to_string();
        errors.line("headline", &self.headline, 1, MAX_HEADLINE_CHARS);
        optional_plain(&mut errors, "standfirst", &self.standfirst, MAX_SHORT_CHARS);
        optional_plain(&mut errors, "dateline", &self.dateline, MAX_DATELINE_CHARS);
        optional_plain(&mut errors, "kicker", &self.kicker, MAX_KICKER_CHARS);
        if make_slug {
            if errors.is_empty() {
                match slug::from_title(&self.headline) {
                    Some(s) => self.slug = s,
                    None => errors.add("slug", "cannot be made from the headline: give one"),
                }
            }
        } else if let Some(problem) = slug::problem(&self.slug) {
            errors.add("slug", problem);
        }
        if let Some(image) = &mut self.hero_image {
            check_image(&mut errors, "hero_image", image);
        }
        check_body(&mut errors, "body", &mut self.body);
        errors.line("section_id", self.section_id.as_str(), 1, MAX_ID_CHARS);
        if self.author_ids.is_empty() || self.author_ids.len() > MAX_AUTHORS {
            errors.add("author_ids", format!("must name 1 to {MAX_AUTHORS} authors"));
        }
        let mut seen = HashSet::new();
        self.author_ids.retain(|a| seen.insert(a.clone()));
        let mut tags = Vec::new();
        for (i, tag) in self.tags.iter().enumerate() {
            // Checked as written (the spec's maxLength), kept trimmed and lower-cased.
            if let Some(problem) = line_problem(tag, 1, MAX_TAG_CHARS) {
                errors.add(&format!("tags[{i}]"), problem);
                continue;
            }
            let tag = tag.trim().to_lowercase();
            // Lower-casing can lengthen a name ("İ" becomes two characters): what is
            // stored must pass this check again when the article is sent back.
            if tag.chars().count() > MAX_TAG_CHARS {
                errors
                    .add(&format!("tags[{i}]"), format!("must be at most {MAX_TAG_CHARS} characters once lower-cased"));
                continue;
            }
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > MAX_TAGS {
            errors.add("tags", format!("must hold at most {MAX_TAGS} tags"));
        }
        self.tags = tags;
        if let Some(n) = self.preview_blocks {
            if !(0..=MAX_PREVIEW_BLOCKS).contains(&n) {
                errors.add("preview_blocks", format!("must be between 0 and {MAX_PREVIEW_BLOCKS}"));
            }
        }
        if let Some(seo) = &self.seo {
            optional_plain(&mut errors, "seo.title", &seo.title, MAX_SEO_TITLE_CHARS);
            optional_plain(&mut errors, "seo.description", &seo.description, MAX_SHORT_CHARS);
            if let Some(url) = &seo.canonical_url {
                check_url(&mut errors, "seo.canonical_url", url);
            }
        }
        if let Some(s) = &mut self.sponsorship {
            errors.visible("sponsorship.sponsor_name", &mut s.sponsor_name, MAX_SPONSOR_NAME_CHARS);
            errors.visible("sponsorship.label", &mut s.label, MAX_LABEL_CHARS);
            errors.visible("sponsorship.disclosure", &mut s.disclosure, MAX_DISCLOSURE_CHARS);
            if let Some(url) = &s.sponsor_url {
                check_url(&mut errors, "sponsorship.sponsor_url", url);
            }
        }
        errors.finish()?;
        Ok(self)
    }

    /// The blocks anyone may read: all of a free article, the preview of a gated one
    /// (its own `preview_blocks`, or the site's `default_preview`).
    pub fn public_body(&self, default_preview: i64) -> &[Block] {
        if self.access == Access::Free {
            return &self.body;
        }
        let keep = usize::try_from(self.preview_blocks.unwrap_or(default_preview)).unwrap_or(0);
        &self.body[..keep.min(self.body.len())]
    }

    /// Media library assets the hero image and the body's image blocks use.
    pub fn assets(&self) -> Vec<AssetId> {
        let mut ids: Vec<AssetId> = self.hero_image.iter().filter_map(|i| i.asset_id.clone()).collect();
        ids.extend(block_assets(&self.body));
        ids
    }

    /// Ids of polls and sponsored blocks the body refers to.
    pub fn references(&self) -> (Vec<PollId>, Vec<SponsoredId>) {
        let mut polls = Vec::new();
        let mut sponsored = Vec::new();
        for block in &self.body {
            match block {
                Block::Poll { poll_id } => polls.push(poll_id.clone()),
                Block::Sponsored { block_id } => sponsored.push(block_id.clone()),
                _ => {}
            }
        }
        (polls, sponsored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_html_is_reduced_to_the_safe_set() {
        let dirty = r#"<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a> <a href="https://e.org" target="_blank">ok</a> <em>e</em><img src=x onerror=alert(1)></p>"#;
        let clean = sanitize_inline(dirty);
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript")
                && !clean.contains("img")
        );
        assert!(clean.contains(r#"<a href="https://e.org" rel="noopener noreferrer">ok</a>"#), "{clean}");
        assert!(clean.contains("<em>e</em>"));
    }

    #[test]
    fn workflow() {
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        assert_eq!(transition(Status::Draft, Action::Submit, None, now), Ok((Status::InReview, None)));
        assert_eq!(
            transition(Status::InReview, Action::Publish, Some(later), now),
            Ok((Status::Scheduled, Some(later)))
        );
        assert_eq!(transition(Status::Draft, Action::Publish, None, now), Ok((Status::Published, Some(now))));
        assert_eq!(transition(Status::Draft, Action::Archive, None, now), Err(vec![Action::Submit, Action::Publish]));
        assert_eq!(Status::Scheduled.effective(Some(now), now), Status::Published);
        assert_eq!(Status::Scheduled.effective(Some(later), now), Status::Scheduled);
    }

    #[test]
    fn permissions() {
        assert!(can_edit(Role::Writer, true, Status::InReview));
        assert!(!can_edit(Role::Writer, true, Status::Published));
        assert!(!can_edit(Role::Writer, false, Status::Draft));
        assert!(can_view(Role::Writer, false, Status::Published));
        assert!(!can_view(Role::Writer, false, Status::Scheduled));
        assert!(can_act(Role::Writer, true, Action::Submit));
        assert!(!can_act(Role::Writer, true, Action::Publish));
        assert!(!can_trash(Role::Writer, true, Status::InReview));
        assert!(!can_view(Role::Commercial, true, Status::Published));
    }
}
