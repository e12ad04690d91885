//! `/api/v1/public/feeds/{rss,atom,json}`: RSS 2.0, Atom and JSON Feed 1.1 of the
//! newest live articles, for the whole site or one section, tag or author. Items carry
//! what anonymous readers may read (a gated article's preview and a link to the rest)
//! and sponsored content with its label and disclosure. Cached and conditional like
//! every public answer, with `Last-Modified` for feed readers that poll by date.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::MediaSettings;
use crate::domain::article::{Block, ListStyle};
use crate::domain::site::{ArticlePlace, SiteSettings};
use crate::error::ApiError;
use crate::http::conditional::{accepts_gzip, content_etag, respond};
use crate::http::extract::ApiQuery;
use crate::http::media::PublicImage;
use crate::http::pagination;
use crate::http::public::Cached;
use crate::http::structured_data::absolute;
use crate::public_cache::{Form, Lifetime, Rendered};
use crate::service::public::{self, FeedPage, FeedScope, PublicArticle, PublicBlock};
use crate::state::AppState;

const RSS: &str = "application/rss+xml; charset=utf-8";
const ATOM: &str = "application/atom+xml; charset=utf-8";
const JSON_FEED: &str = "application/feed+json; charset=utf-8";

const RSS_EXAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>The Daily Example: Asia</title><link>https://news.example.com</link><description>News from Example City since 1887</description><language>en-GB</language><lastBuildDate>Tue, 1 Dec 2026 10:00:00 +0000</lastBuildDate><generator>Masthead</generator><atom:link href="https://news.example.com/api/v1/public/feeds/rss?section=asia" rel="self" type="application/rss+xml"/><item><title>Seoul and Tokyo resume shuttle diplomacy</title><link>https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy</link><guid isPermaLink="false">urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b</guid><pubDate>Tue, 1 Dec 2026 09:30:00 +0000</pubDate><description>Leaders will meet twice a year</description><content:encoded>&lt;p&gt;SEOUL -- The leaders agreed on &lt;em&gt;Monday&lt;/em&gt; to meet twice a year.&lt;/p&gt;</content:encoded><dc:creator>Ann Lee</dc:creator><category>Asia</category><category>korea</category></item></channel></rss>"#;

const ATOM_EXAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB"><id>https://news.example.com/api/v1/public/feeds/atom?section=asia</id><title>The Daily Example: Asia</title><updated>2026-12-01T10:00:00Z</updated><link rel="self" href="https://news.example.com/api/v1/public/feeds/atom?section=asia"/><link rel="alternate" href="https://news.example.com"/><author><name>Example Media Ltd</name></author><generator>Masthead</generator><entry><id>urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b</id><title>Seoul and Tokyo resume shuttle diplomacy</title><link rel="alternate" href="https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy"/><published>2026-12-01T09:30:00Z</published><updated>2026-12-01T10:00:00Z</updated><author><name>Ann Lee</name></author><category term="Asia"/><summary type="text">Leaders will meet twice a year</summary><content type="html">&lt;p&gt;SEOUL -- The leaders agreed on &lt;em&gt;Monday&lt;/em&gt; to meet twice a year.&lt;/p&gt;</content></entry></feed>"#;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// A section slug: that section's articles (sub-sections included). Section, tag
    /// and author may be combined; each narrows the feed.
    pub section: Option<String>,
    /// A tag: the feed of articles with it.
    pub tag: Option<String>,
    /// An author (id or slug, or a user's id): the feed of their articles.
    pub author: Option<String>,
    /// How many articles, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
}

/// A JSON Feed 1.1 document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "version": "https://jsonfeed.org/version/1.1", "title": "The Daily Example: Asia",
    "home_page_url": "https://news.example.com", "feed_url": "https://news.example.com/api/v1/public/feeds/json?section=asia",
    "language": "en-GB", "authors": [{"name": "Example Media Ltd"}],
    "items": [{"id": "urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "url": "https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy",
        "title": "Seoul and Tokyo resume shuttle diplomacy", "summary": "Leaders will meet twice a year",
        "content_html": "<p>SEOUL -- The leaders agreed on <em>Monday</em> to meet twice a year.</p>",
        "date_published": "2026-12-01T09:30:00Z", "date_modified": "2026-12-01T10:00:00Z",
        "authors": [{"name": "Ann Lee"}], "tags": ["Asia", "korea", "japan"],
        "_masthead": {"access": "free", "preview": false, "sponsored": false}}]
}))]
pub struct JsonFeed {
    /// Always `https://jsonfeed.org/version/1.1`.
    pub version: &'static str,
    pub title: String,
    pub home_page_url: String,
    pub feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub language: String,
    pub authors: Vec<JsonFeedAuthor>,
    pub items: Vec<JsonFeedItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedAuthor {
    pub name: String,
}

/// One article of a JSON Feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedItem {
    /// `urn:uuid:<article id>`: stays when the slug changes.
    pub id: String,
    /// The article on the site (`article_path` of the site settings).
    pub url: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The body as anonymous readers get it, as HTML; a gated article's ends with a
    /// link to the rest.
    pub content_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    pub date_published: String,
    pub date_modified: String,
    pub authors: Vec<JsonFeedAuthor>,
    /// The section's name, then the article's tags.
    pub tags: Vec<String>,
    #[serde(rename = "_masthead")]
    pub masthead: JsonFeedExtension,
}

/// What JSON Feed has no field for (an extension, as the format names them).
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonFeedExtension {
    /// `free`, `metered` or `premium`.
    pub access: &'static str,
    /// Only the preview of the body is here.
    pub preview: bool,
    /// The article is paid content (its title starts with its label, its content with
    /// the label and disclosure), or its body shows a sponsored block (labelled in
    /// `content_html`).
    pub sponsored: bool,
}

/// An item as every format needs it.
struct Item {
    id: String,
    url: String,
    title: String,
    summary: Option<String>,
    html: String,
    image: Option<String>,
    published: DateTime<Utc>,
    modified: DateTime<Utc>,
    authors: Vec<String>,
    categories: Vec<String>,
    access: &'static str,
    preview: bool,
    sponsored: bool,
}

/// The feed as every format needs it.
struct Feed {
    title: String,
    description: Option<String>,
    home: String,
    this: String,
    language: String,
    publisher: String,
    updated: DateTime<Utc>,
    items: Vec<Item>,
}

/// HTML-escapes plain text (for text and attribute values alike).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Blocks as written (inline HTML fields are sanitised when saved; plain ones escaped).
fn content_html(out: &mut String, block: &Block, site: &SiteSettings) {
    match block {
        Block::Paragraph { text } => out.push_str(&format!("<p>{text}</p>")),
        Block::Heading { text, level } => {
            let level = (*level).clamp(2, 4);
            out.push_str(&format!("<h{level}>{text}</h{level}>"));
        }
        Block::Quote { text, attribution } => {
            out.push_str(&format!("<blockquote><p>{text}</p>"));
            if let Some(a) = attribution {
                out.push_str(&format!("<footer>{a}</footer>"));
            }
            out.push_str("</blockquote>");
        }
        Block::List { style, items } => {
            let tag = match style {
                ListStyle::Bullet => "ul",
                ListStyle::Number => "ol",
            };
            out.push_str(&format!("<{tag}>"));
            for item in items {
                out.push_str(&format!("<li>{item}</li>"));
            }
            out.push_str(&format!("</{tag}>"));
        }
        Block::Embed { provider, url } => {
            out.push_str(&format!("<p><a href=\"{}\">{}</a></p>", escape(url), escape(provider)));
        }
        Block::Image { url: Some(url), caption, credit, alt, .. } => {
            figure(out, site, url, alt.as_deref(), None, caption.as_deref(), credit.as_deref());
        }
        // Library images, polls and sponsored blocks come resolved (see `body_html`).
        Block::Image { url: None, .. } | Block::Poll { .. } | Block::Sponsored { .. } => {}
    }
}

fn figure(
    out: &mut String,
    site: &SiteSettings,
    url: &str,
    alt: Option<&str>,
    size: Option<(u32, u32)>,
    caption: Option<&str>,
    credit: Option<&str>,
) {
    out.push_str(&format!(
        "<figure><img src=\"{}\" alt=\"{}\"",
        escape(&absolute(site, url)),
        escape(alt.unwrap_or(""))
    ));
    if let Some((w, h)) = size {
        out.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    out.push('>');
    let text: Vec<&str> = caption.into_iter().chain(credit).collect();
    if !text.is_empty() {
        out.push_str(&format!("<figcaption>{}</figcaption>", text.join(" ")));
    }
    out.push_str("</figure>");
}

/// The body anonymous readers get, as HTML, and whether it shows sponsored content.
fn body_html(article: &PublicArticle, url: &str, media: &MediaSettings) -> (String, bool) {
    let site = &article.site.settings;
    let mut out = String::new();
    let mut sponsored = false;
    if let Some(s) = &article.content.sponsorship {
        sponsored = true;
        let sponsor = match &s.sponsor_url {
            Some(link) => format!("<a href=\"{}\" rel=\"sponsored\">{}</a>", escape(link), escape(&s.sponsor_name)),
            None => escape(&s.sponsor_name),
        };
        out.push_str(&format!(
            "<p class=\"sponsorship\"><strong>{}</strong> {} ({sponsor})</p>",
            escape(&s.label),
            escape(&s.disclosure)
        ));
    }
    for block in &article.body {
        match block {
            PublicBlock::Content(b) => content_html(&mut out, b, site),
            PublicBlock::Image(image) => {
                let i = PublicImage::new(image, media);
                let size = i.width.zip(i.height);
                figure(&mut out, site, &i.url, i.alt.as_deref(), size, i.caption.as_deref(), i.credit.as_deref());
            }
            PublicBlock::Poll(p) => out.push_str(&format!(
                "<p><a href=\"{}\">Take part in the poll: {}</a></p>",
                escape(url),
                escape(&p.poll.title)
            )),
            PublicBlock::Sponsored(s) => {
                sponsored = true;
                let c = &s.content;
                out.push_str(&format!(
                    "<aside class=\"sponsored\"><p><strong>{}</strong> {}</p><h3>{}</h3>",
                    escape(&c.label),
                    escape(&c.disclosure),
                    escape(&c.title)
                ));
                for b in &c.body {
                    content_html(&mut out, b, site);
                }
                if let Some(cta) = &c.cta {
                    out.push_str(&format!(
                        "<p><a href=\"{}\" rel=\"sponsored\">{}</a></p>",
                        escape(&cta.url),
                        escape(&cta.text)
                    ));
                }
                out.push_str("</aside>");
            }
        }
    }
    if article.preview {
        out.push_str(&format!("<p><a href=\"{}\">Continue reading on {}</a></p>", escape(url), escape(&site.name)));
    }
    (out, sponsored)
}

fn item(article: &PublicArticle, media: &MediaSettings) -> Item {
    let site = &article.site.settings;
    let c = &article.content;
    let url = site.article_url(&ArticlePlace {
        id: article.id.as_str(),
        slug: &c.slug,
        section_slug: &article.section.slug,
        published_at: article.published_at,
    });
    let (html, sponsored) = body_html(article, &url, media);
    let image = article.hero_image.as_ref().map(|h| absolute(site, &PublicImage::new(h, media).url));
    Item {
        id: format!("urn:uuid:{}", article.id),
        // Feed readers list titles alone: paid content says so there too.
        title: match &c.sponsorship {
            Some(s) => format!("{}: {}", s.label, c.headline),
            None => c.headline.clone(),
        },
        summary: c.standfirst.clone(),
        html,
        image,
        published: article.published_at,
        modified: article.modified_at(),
        authors: article.authors.iter().map(|a| a.display_name.clone()).collect(),
        categories: std::iter::once(article.section.name.clone()).chain(c.tags.iter().cloned()).collect(),
        access: c.access.as_str(),
        preview: article.preview,
        sponsored,
        url,
    }
}

fn feed(page: &FeedPage, req: &HttpRequest, media: &MediaSettings) -> Feed {
    let site = &page.site.settings;
    let items: Vec<Item> = page.items.iter().map(|a| item(a, media)).collect();
    // Not the time of asking, which would change the answer (and its ETag) each time.
    let updated =
        items.iter().map(|i| i.modified).chain(page.site.updated_at).max().unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let this = site.url(req.uri().path_and_query().map_or(req.path(), |pq| pq.as_str()));
    Feed {
        title: if page.names.is_empty() {
            site.name.clone()
        } else {
            format!("{}: {}", site.name, page.names.join(", "))
        },
        description: site.description.clone(),
        home: site.base_url.clone(),
        this,
        language: site.language.clone(),
        publisher: site.publisher_name.clone(),
        updated,
        items,
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

type XmlResult = std::io::Result<()>;

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> XmlResult {
    w.create_element(name).write_text_content(BytesText::new(text)).map(|_| ())
}

fn rss(feed: &Feed) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ])
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text_element(w, "title", &feed.title)?;
                text_element(w, "link", &feed.home)?;
                text_element(w, "description", feed.description.as_deref().unwrap_or(&feed.title))?;
                text_element(w, "language", &feed.language)?;
                text_element(w, "lastBuildDate", &feed.updated.to_rfc2822())?;
                text_element(w, "generator", "Masthead")?;
                w.create_element("atom:link")
                    .with_attributes([("href", feed.this.as_str()), ("rel", "self"), ("type", "application/rss+xml")])
                    .write_empty()?;
                for i in &feed.items {
                    w.create_element("item").write_inner_content(|w| {
                        text_element(w, "title", &i.title)?;
                        text_element(w, "link", &i.url)?;
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "false"))
                            .write_text_content(BytesText::new(&i.id))?;
                        text_element(w, "pubDate", &i.published.to_rfc2822())?;
                        if let Some(s) = &i.summary {
                            text_element(w, "description", s)?;
                        }
                        text_element(w, "content:encoded", &i.html)?;
                        for a in &i.authors {
                            text_element(w, "dc:creator", a)?;
                        }
                        for c in &i.categories {
                            text_element(w, "category", c)?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn atom(feed: &Feed) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("feed")
        .with_attributes([("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", feed.language.as_str())])
        .write_inner_content(|w| {
            text_element(w, "id", &feed.this)?;
            text_element(w, "title", &feed.title)?;
            if let Some(d) = &feed.description {
                text_element(w, "subtitle", d)?;
            }
            text_element(w, "updated", &rfc3339(feed.updated))?;
            w.create_element("link").with_attributes([("rel", "self"), ("href", feed.this.as_str())]).write_empty()?;
            w.create_element("link")
                .with_attributes([("rel", "alternate"), ("href", feed.home.as_str())])
                .write_empty()?;
            w.create_element("author").write_inner_content(|w| text_element(w, "name", &feed.publisher))?;
            text_element(w, "generator", "Masthead")?;
            for i in &feed.items {
                w.create_element("entry").write_inner_content(|w| {
                    text_element(w, "id", &i.id)?;
                    text_element(w, "title", &i.title)?;
                    w.create_element("link")
                        .with_attributes([("rel", "alternate"), ("href", i.url.as_str())])
                        .write_empty()?;
                    text_element(w, "published", &rfc3339(i.published))?;
                    text_element(w, "updated", &rfc3339(i.modified))?;
                    for a in &i.authors {
                        w.create_element("author").write_inner_content(|w| text_element(w, "name", a))?;
                    }
                    for c in &i.categories {
                        w.create_element("category").with_attribute(("term", c.as_str())).write_empty()?;
                    }
                    if let Some(s) = &i.summary {
                        w.create_element("summary")
                            .with_attribute(("type", "text"))
                            .write_text_content(BytesText::new(s))?;
                    }
                    w.create_element("content")
                        .with_attribute(("type", "html"))
                        .write_text_content(BytesText::new(&i.html))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

fn json_document(feed: Feed) -> Result<Vec<u8>, ApiError> {
    let doc = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: feed.title,
        home_page_url: feed.home,
        feed_url: feed.this,
        description: feed.description,
        language: feed.language,
        authors: vec![JsonFeedAuthor { name: feed.publisher }],
        items: feed
            .items
            .into_iter()
            .map(|i| JsonFeedItem {
                id: i.id,
                url: i.url,
                title: i.title,
                summary: i.summary,
                content_html: i.html,
                image: i.image,
                date_published: rfc3339(i.published),
                date_modified: rfc3339(i.modified),
                authors: i.authors.into_iter().map(|name| JsonFeedAuthor { name }).collect(),
                tags: i.categories,
                masthead: JsonFeedExtension { access: i.access, preview: i.preview, sponsored: i.sponsored },
            })
            .collect(),
    };
    serde_json::to_vec(&doc).map_err(ApiError::internal)
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Rss,
    Atom,
    Json,
}

async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: FeedQuery,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let scope = FeedScope { section: query.section, tag: query.tag, author: query.author };
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    let page = public::feed(&state, scope, limit).await?;
    let feed = feed(&page, &req, &state.settings.media);
    let updated = feed.updated;
    let (body, content_type) = match format {
        Format::Rss => (rss(&feed).map_err(ApiError::internal)?, RSS),
        Format::Atom => (atom(&feed).map_err(ApiError::internal)?, ATOM),
        Format::Json => (json_document(feed)?, JSON_FEED),
    };
    let rendered = Rendered {
        etag: content_etag(&body),
        body: body.into(),
        form: Form::Plain,
        content_type,
        last_modified: Some(updated),
    };
    // Feed readers take gzip: the answer is kept gzipped, so a hit costs no work. With
    // no cache, only a reader that takes it pays for compressing.
    let rendered = if state.public_cache.enabled() || accepts_gzip(&req) { rendered.gzip() } else { rendered };
    cached.keep(&state, Lifetime::until(page.until), &rendered);
    Ok(respond(&req, state.settings.public_max_age, None, &rendered))
}

/// The newest live articles as RSS 2.0 (with `content:encoded` and `dc:creator`).
#[utoipa::path(
    tag = "public", operation_id = "getRssFeed", params(FeedQuery),
    responses(
        (status = 200, description = "The feed.", content((String = "application/rss+xml", example = json!(RSS_EXAMPLE))),
            headers(("ETag" = String, description = "Changes when the feed changes (the gzipped form has its own)."),
                    ("Last-Modified" = String, description = "When its newest change was made."),
                    ("Cache-Control" = String, description = "public, max-age=..."),
                    ("Content-Encoding" = String, description = "`gzip` when Accept-Encoding takes gzip."),
                    ("Vary" = String, description = "Accept-Encoding"))),
        (status = 304, description = "Not modified (If-None-Match, or If-Modified-Since without it)."),
        (status = 404, description = "No such section."),
        (status = 422, description = "A bad limit."),
    )
)]
#[get("/public/feeds/rss")]
pub async fn rss_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(req, state, query.into_inner()?, Format::Rss).await
}

/// The newest live articles as an Atom feed.
#[utoipa::path(
    tag = "public", operation_id = "getAtomFeed", params(FeedQuery),
    responses(
        (status = 200, description = "The feed.", content((String = "application/atom+xml", example = json!(ATOM_EXAMPLE))),
            headers(("ETag" = String, description = "Changes when the feed changes (the gzipped form has its own)."),
                    ("Last-Modified" = String, description = "When its newest change was made."),
                    ("Cache-Control" = String, description = "public, max-age=..."),
                    ("Content-Encoding" = String, description = "`gzip` when Accept-Encoding takes gzip."),
                    ("Vary" = String, description = "Accept-Encoding"))),
        (status = 304, description = "Not modified (If-None-Match, or If-Modified-Since without it)."),
        (status = 404, description = "No such section."),
        (status = 422, description = "A bad limit."),
    )
)]
#[get("/public/feeds/atom")]
pub async fn atom_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(req, state, query.into_inner()?, Format::Atom).await
}

/// The newest live articles as a JSON Feed 1.1.
#[utoipa::path(
    tag = "public", operation_id = "getJsonFeed", params(FeedQuery),
    responses(
        (status = 200, description = "The feed.", content((JsonFeed = "application/feed+json")),
            headers(("ETag" = String, description = "Changes when the feed changes (the gzipped form has its own)."),
                    ("Last-Modified" = String, description = "When its newest change was made."),
                    ("Cache-Control" = String, description = "public, max-age=..."),
                    ("Content-Encoding" = String, description = "`gzip` when Accept-Encoding takes gzip."),
                    ("Vary" = String, description = "Accept-Encoding"))),
        (status = 304, description = "Not modified (If-None-Match, or If-Modified-Since without it)."),
        (status = 404, description = "No such section."),
        (status = 422, description = "A bad limit."),
    )
)]
#[get("/public/feeds/json")]
pub async fn json_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(req, state, query.into_inner()?, Format::Json).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_escaped_for_text_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }
}
