//! How domain values are stored, declared once: enums as their snake_case names and
//! JSON documents as text (the multi-backend connection has no enum or JSON types).
//! Rows hold the domain types themselves, so nothing above `db` parses a stored string.

use std::borrow::Cow;
use std::error::Error as StdError;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::MultiBackend;
use crate::domain::article::{Access, Block, Content, Image, Seo, Sponsorship, Status};
use crate::domain::audit::{ActorKind, AuditAction};
use crate::domain::author::AuthorLink;
use crate::domain::correction::CorrectionKind;
use crate::domain::id::{
    ArticleId, AssetId, AuthorId, CorrectionId, DeliveryId, EventId, OfferId, PollId, PreviewId, SectionId,
    SponsoredId, TagId, UserId, WebhookId,
};
use crate::domain::media::MediaType;
use crate::domain::paywall::{Eligibility, Messages, OfferStatus, Period};
use crate::domain::poll::{QuestionKind, ResultsVisibility};
use crate::domain::sponsored::{Cta, Placement, SponsoredContent, SponsoredStatus};
use crate::domain::user::{AccountKind, Role};
use crate::domain::webhook::{DeliveryState, EventType};

/// A value kept in a TEXT column.
pub trait TextValue: Sized {
    fn to_text(&self) -> Result<Cow<'_, str>, Box<dyn StdError + Send + Sync>>;
    fn from_text(text: String) -> Result<Self, Box<dyn StdError + Send + Sync>>;
}

/// What an article embeds (the `article_embeds` rows that keep a poll or a block from
/// being deleted while a live article shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EmbedKind {
    Poll,
    Sponsored,
}

/// What a sponsored block targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TargetKind {
    Section,
    Article,
}

/// A JSON document in a TEXT column, written as `serde_json` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize + DeserializeOwned> TextValue for Json<T> {
    fn to_text(&self) -> Result<Cow<'_, str>, Box<dyn StdError + Send + Sync>> {
        Ok(Cow::Owned(serde_json::to_string(&self.0)?))
    }

    fn from_text(text: String) -> Result<Self, Box<dyn StdError + Send + Sync>> {
        Ok(Json(serde_json::from_str(&text)?))
    }
}

/// The diesel impls that let a `TextValue` be a column value and a query parameter on
/// both backends and on the connection that dispatches between them.
macro_rules! text_sql {
    ($($t:ty),* $(,)?) => {$(
        const _: () = {
            #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
            #[diesel(foreign_derive, sql_type = Text)]
            #[allow(dead_code)]
            struct Proxy($t);
        };

        impl FromSql<Text, Sqlite> for $t {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                TextValue::from_text(<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
            }
        }

        impl FromSql<Text, Pg> for $t {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                TextValue::from_text(<String as FromSql<Text, Pg>>::from_sql(bytes)?)
            }
        }

        impl FromSql<Text, MultiBackend> for $t {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, Sqlite> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                match self.to_text()? {
                    Cow::Borrowed(text) => out.set_value(text),
                    Cow::Owned(text) => out.set_value(text),
                }
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Pg> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                std::io::Write::write_all(out, self.to_text()?.as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )*};
}

/// Enums are stored under the names strum gives them (the same as their serde names);
/// listing a type here also makes it a column value (`text_sql`).
macro_rules! enum_text {
    ($($t:ty),* $(,)?) => {$(
        text_sql!($t);

        impl TextValue for $t {
            fn to_text(&self) -> Result<Cow<'_, str>, Box<dyn StdError + Send + Sync>> {
                Ok(Cow::Borrowed(<&'static str>::from(*self)))
            }

            fn from_text(text: String) -> Result<Self, Box<dyn StdError + Send + Sync>> {
                text.parse::<$t>().map_err(|_| format!("unknown {} {text:?}", stringify!($t)).into())
            }
        }
    )*};
}

enum_text!(
    AccountKind,
    ActorKind,
    AuditAction,
    EmbedKind,
    TargetKind,
    Access,
    Status,
    Role,
    QuestionKind,
    ResultsVisibility,
    Placement,
    SponsoredStatus,
    OfferStatus,
    Period,
    MediaType,
    EventType,
    DeliveryState,
    CorrectionKind,
);

/// Ids are stored as they are (and, listed here, are column values too).
macro_rules! id_text {
    ($($t:ty),* $(,)?) => {$(
        text_sql!($t);

        impl TextValue for $t {
            fn to_text(&self) -> Result<Cow<'_, str>, Box<dyn StdError + Send + Sync>> {
                Ok(Cow::Borrowed(self.as_str()))
            }

            fn from_text(text: String) -> Result<Self, Box<dyn StdError + Send + Sync>> {
                Ok(<$t>::from(text))
            }
        }
    )*};
}

id_text!(
    ArticleId,
    SectionId,
    UserId,
    PollId,
    SponsoredId,
    OfferId,
    AssetId,
    WebhookId,
    EventId,
    DeliveryId,
    PreviewId,
    CorrectionId,
    TagId,
    AuthorId
);

text_sql!(
    Json<Vec<Block>>,
    Json<Vec<String>>,
    Json<Vec<SectionId>>,
    Json<Image>,
    Json<Seo>,
    Json<Sponsorship>,
    Json<Content>,
    Json<Cta>,
    Json<SponsoredContent>,
    Json<Messages>,
    Json<Vec<Eligibility>>,
    Json<Vec<EventType>>,
    Json<Vec<AuthorLink>>,
);

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    /// Stored names and API names are one: what a row holds is what a client sends.
    fn names_agree<T: VariantArray + TextValue + Serialize + std::fmt::Debug + PartialEq + Copy>() {
        for v in T::VARIANTS {
            let text = v.to_text().unwrap_or_default().into_owned();
            assert_eq!(serde_json::to_string(v).unwrap_or_default(), format!("\"{text}\""), "{v:?}");
            assert_eq!(T::from_text(text).ok(), Some(*v));
        }
    }

    #[test]
    fn stored_enum_names_are_their_serde_names() {
        names_agree::<Access>();
        names_agree::<Status>();
        names_agree::<Role>();
        names_agree::<QuestionKind>();
        names_agree::<ResultsVisibility>();
        names_agree::<Placement>();
        names_agree::<SponsoredStatus>();
        names_agree::<OfferStatus>();
        names_agree::<Period>();
        names_agree::<EventType>();
        names_agree::<DeliveryState>();
        names_agree::<CorrectionKind>();
    }

    #[test]
    fn db_only_kinds_keep_the_names_the_schema_checks() {
        for (kind, name) in [(EmbedKind::Poll, "poll"), (EmbedKind::Sponsored, "sponsored")] {
            assert_eq!(kind.to_text().ok().as_deref(), Some(name));
            assert_eq!(EmbedKind::from_text(name.into()).ok(), Some(kind));
        }
        for (kind, name) in [(TargetKind::Section, "section"), (TargetKind::Article, "article")] {
            assert_eq!(kind.to_text().ok().as_deref(), Some(name));
            assert_eq!(TargetKind::from_text(name.into()).ok(), Some(kind));
        }
    }

    #[test]
    fn unknown_names_and_bad_json_do_not_decode() {
        assert!(Status::from_text("live".into()).is_err());
        assert!(Json::<Vec<Block>>::from_text("[{\"type\":\"nope\"}]".into()).is_err());
    }
}
