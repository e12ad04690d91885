//! Webhooks: the events Masthead announces, the endpoints that hear them, how an
//! attempt is signed (Standard Webhooks) and when a failed one is tried again.

use std::net::IpAddr;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::text::Errors;

/// The longest description of an endpoint.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// How many endpoints an instance keeps (each change fans out to every one).
pub const MAX_ENDPOINTS: i64 = 50;

/// What happened. The names are the `type` of each payload.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
pub enum EventType {
    /// An article went live: published now, or its scheduled time came.
    #[serde(rename = "article.published")]
    #[strum(serialize = "article.published")]
    ArticlePublished,
    /// A live article's content changed.
    #[serde(rename = "article.updated")]
    #[strum(serialize = "article.updated")]
    ArticleUpdated,
    #[serde(rename = "article.unpublished")]
    #[strum(serialize = "article.unpublished")]
    ArticleUnpublished,
    #[serde(rename = "article.archived")]
    #[strum(serialize = "article.archived")]
    ArticleArchived,
    #[serde(rename = "article.trashed")]
    #[strum(serialize = "article.trashed")]
    ArticleTrashed,
    #[serde(rename = "article.restored")]
    #[strum(serialize = "article.restored")]
    ArticleRestored,
    /// An article was given a future `publish_at`.
    #[serde(rename = "article.scheduled")]
    #[strum(serialize = "article.scheduled")]
    ArticleScheduled,
    /// A correction, clarification or update was added to an article's public log.
    #[serde(rename = "correction.created")]
    #[strum(serialize = "correction.created")]
    CorrectionCreated,
    #[serde(rename = "correction.updated")]
    #[strum(serialize = "correction.updated")]
    CorrectionUpdated,
    #[serde(rename = "correction.deleted")]
    #[strum(serialize = "correction.deleted")]
    CorrectionDeleted,
    #[serde(rename = "section.created")]
    #[strum(serialize = "section.created")]
    SectionCreated,
    #[serde(rename = "section.updated")]
    #[strum(serialize = "section.updated")]
    SectionUpdated,
    #[serde(rename = "section.deleted")]
    #[strum(serialize = "section.deleted")]
    SectionDeleted,
    #[serde(rename = "author.created")]
    #[strum(serialize = "author.created")]
    AuthorCreated,
    /// An author's name, slug, job title, bio, photo, links or linked user changed.
    #[serde(rename = "author.updated")]
    #[strum(serialize = "author.updated")]
    AuthorUpdated,
    #[serde(rename = "author.deleted")]
    #[strum(serialize = "author.deleted")]
    AuthorDeleted,
    #[serde(rename = "tag.created")]
    #[strum(serialize = "tag.created")]
    TagCreated,
    /// A tag's name, slug or description changed (a new name is on its articles too).
    #[serde(rename = "tag.updated")]
    #[strum(serialize = "tag.updated")]
    TagUpdated,
    /// A tag was deleted and taken off its articles.
    #[serde(rename = "tag.deleted")]
    #[strum(serialize = "tag.deleted")]
    TagDeleted,
    /// A tag was merged into another: its articles carry the other, its URLs redirect.
    #[serde(rename = "tag.merged")]
    #[strum(serialize = "tag.merged")]
    TagMerged,
    /// A sponsored block went live: activated inside its flight, or its flight began.
    #[serde(rename = "sponsored.live")]
    #[strum(serialize = "sponsored.live")]
    SponsoredLive,
    /// A live sponsored block stopped being shown: paused, deleted, or its flight ended.
    #[serde(rename = "sponsored.ended")]
    #[strum(serialize = "sponsored.ended")]
    SponsoredEnded,
    /// A live sponsored block changed and stays live.
    #[serde(rename = "sponsored.changed")]
    #[strum(serialize = "sponsored.changed")]
    SponsoredChanged,
    /// A poll began taking answers (created open, or its `opens_at` came).
    #[serde(rename = "poll.opened")]
    #[strum(serialize = "poll.opened")]
    PollOpened,
    /// A poll stopped taking answers (its `closes_at` came, or it was closed or deleted).
    #[serde(rename = "poll.closed")]
    #[strum(serialize = "poll.closed")]
    PollClosed,
    /// An offer became live (activated inside its dates, or its `starts_at` came).
    #[serde(rename = "offer.started")]
    #[strum(serialize = "offer.started")]
    OfferStarted,
    /// A live offer stopped (its `ends_at` came, or it was deactivated or deleted).
    #[serde(rename = "offer.ended")]
    #[strum(serialize = "offer.ended")]
    OfferEnded,
    /// The paywall's settings changed: every gated article's public answer may differ.
    #[serde(rename = "paywall.updated")]
    #[strum(serialize = "paywall.updated")]
    PaywallUpdated,
    /// The site settings changed (name, address, publisher): feeds, sitemaps and
    /// structured data may differ.
    #[serde(rename = "site.updated")]
    #[strum(serialize = "site.updated")]
    SiteUpdated,
    #[serde(rename = "media.created")]
    #[strum(serialize = "media.created")]
    MediaCreated,
    /// An asset's metadata (alt, caption, credit, focal point) changed.
    #[serde(rename = "media.updated")]
    #[strum(serialize = "media.updated")]
    MediaUpdated,
    #[serde(rename = "media.deleted")]
    #[strum(serialize = "media.deleted")]
    MediaDeleted,
    /// Sent by an admin's "send test event"; only to that endpoint.
    #[serde(rename = "webhook.test")]
    #[strum(serialize = "webhook.test")]
    WebhookTest,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where one event's delivery to one endpoint stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryState {
    /// Not yet answered with a 2xx: an attempt is due at `next_attempt_at`.
    Pending,
    /// Answered with a 2xx.
    Delivered,
    /// Every attempt failed (about a day of retries); an admin may redeliver it.
    Failed,
}

/// An endpoint's settings as an admin gives them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFields {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<EventType>,
    pub enabled: bool,
}

impl EndpointFields {
    /// Checks every field, naming each bad one. The URL is an absolute http(s) URL whose
    /// host is not a literal address that deliveries refuse (unless private ones are
    /// allowed); a name is checked again, resolved, at every attempt.
    pub fn validate(mut self, allow_private: bool) -> Result<EndpointFields, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.url = self.url.trim().to_string();
        let before = errors.len();
        super::article::check_http_url(&mut errors, "url", &self.url);
        if errors.len() == before && !allow_private && literal_host(&self.url).is_some_and(|ip| !is_public(ip)) {
            errors.add("url", "names a loopback, private, link-local or metadata address, which deliveries refuse");
        }
        if let Some(d) = &self.description {
            errors.line("description", d, 0, MAX_DESCRIPTION_CHARS);
        }
        if self.events.is_empty() {
            errors.add("events", "must name at least one event type");
        }
        self.events.sort_by_key(|e| e.as_str());
        self.events.dedup();
        errors.finish()?;
        Ok(self)
    }
}

/// The host of an http(s) URL when it is a literal IP address (`[::1]` included).
fn literal_host(url: &str) -> Option<IpAddr> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host.strip_prefix('[') {
        return v6.split(']').next()?.parse().ok();
    }
    host.split(':').next()?.parse().ok()
}

/// Whether a delivery may go to `ip`: not loopback, private, link-local (where cloud
/// metadata services answer), shared (carrier NAT), unspecified, broadcast, multicast
/// or reserved, in IPv4 or IPv6 (an IPv4 address mapped or translated into IPv6 is
/// judged as itself).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // 64:ff9b::/96 carries an IPv4 address for NAT64.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || s[0..6] == [0, 0, 0, 0, 0, 0])
        }
    }
}

/// How long to wait after the `attempts`-th failed attempt before the next one, or
/// `None` when that was the last: about a day in all, as Standard Webhooks' reference
/// schedule does (then the delivery is marked failed).
pub fn retry_delay(attempts: i64) -> Option<Duration> {
    const SCHEDULE: [i64; 7] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];
    let i = usize::try_from(attempts).ok()?.checked_sub(1)?;
    SCHEDULE.get(i).map(|s| Duration::seconds(*s))
}

/// How long the delivery log keeps a delivery that ended (delivered or failed).
pub const LOG_DAYS: i64 = 30;

/// `delay` moved by up to a tenth either way (`unit` in 0..1), so that the retries of
/// many deliveries that failed together do not arrive together.
pub fn jittered(delay: Duration, unit: f64) -> Duration {
    let ms = delay.num_milliseconds() as f64;
    Duration::milliseconds((ms * (0.9 + 0.2 * unit.clamp(0.0, 1.0))) as i64)
}

/// What the signature covers (Standard Webhooks): `{id}.{timestamp}.{body}`.
pub fn signed_content(id: &str, timestamp: i64, body: &str) -> String {
    format!("{id}.{timestamp}.{body}")
}

/// The prefix of a signing secret; the rest is the key in base64.
pub const SECRET_PREFIX: &str = "whsec_";

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(url: &str) -> EndpointFields {
        EndpointFields { url: url.into(), description: None, events: vec![EventType::ArticlePublished], enabled: true }
    }

    #[test]
    fn addresses_that_deliveries_refuse() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn literal_hosts_are_read_from_urls() {
        assert_eq!(literal_host("http://127.0.0.1:8080/x"), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(literal_host("https://[::1]:443/"), Some("::1".parse().unwrap()));
        assert_eq!(literal_host("https://user@10.0.0.1/"), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(literal_host("https://example.org/"), None);
        assert!(fields("http://169.254.169.254/latest").validate(false).is_err());
        assert!(fields("http://127.0.0.1:9/").validate(true).is_ok());
        assert!(fields("ftp://example.org/").validate(true).is_err());
        assert!(fields("https://example.org/hook").validate(false).is_ok());
    }

    #[test]
    fn retries_last_about_a_day_then_stop() {
        let max_attempts = (1..).find(|n| retry_delay(*n).is_none()).unwrap();
        let total: i64 = (1..max_attempts).filter_map(retry_delay).map(|d| d.num_seconds()).sum();
        assert!((20 * 3600..=30 * 3600).contains(&total), "{total}");
        assert_eq!(max_attempts, 8);
        assert_eq!(retry_delay(0), None);
        let d = Duration::seconds(100);
        assert_eq!(jittered(d, 0.0), Duration::seconds(90));
        assert_eq!(jittered(d, 1.0), Duration::seconds(110));
    }

    #[test]
    fn event_names_are_dotted() {
        assert_eq!(EventType::ArticlePublished.as_str(), "article.published");
        assert_eq!(serde_json::to_string(&EventType::SectionDeleted).unwrap(), "\"section.deleted\"");
        assert_eq!("webhook.test".parse::<EventType>().ok(), Some(EventType::WebhookTest));
    }
}
