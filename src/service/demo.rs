//! `masthead seed-demo`: a small newsroom written for the project, loaded through the
//! same use-cases as the API (so it obeys every rule): sections, three journalists,
//! a dozen articles in every state of the workflow (a metered and a premium one among
//! them), a reader poll, a labelled sponsored block and a subscription offer.

use chrono::Duration;

use super::Error;
use crate::auth::tokens;
use crate::db::sections as section_db;
use crate::domain::article::{Access, Action, Block, Image, NewArticle};
use crate::domain::id::{PollId, SectionId, SponsoredId};
use crate::domain::paywall::{Eligibility, OfferSpec, OfferStatus};
use crate::domain::poll::{PollSpec, QuestionKind, QuestionSpec, ResultsVisibility};
use crate::domain::section::SectionFields;
use crate::domain::sponsored::{Cta, Placement, SponsoredContent, SponsoredStatus};
use crate::domain::user::{NewUser, Role};
use crate::domain::version::IfMatch;
use crate::service::articles;
use crate::service::auth::CurrentUser;
use crate::service::{paywall, polls, sections, sponsored, users};
use crate::state::AppState;

/// What the demo created, for the command's report.
#[derive(Debug, Default)]
pub struct Report {
    pub sections: usize,
    pub articles: usize,
    pub sponsored: usize,
    pub polls: usize,
    pub offers: usize,
    /// (email, role, password) of the demo journalists.
    pub users: Vec<(String, String, String)>,
    pub already_seeded: bool,
}

fn p(text: &str) -> Block {
    Block::Paragraph { text: text.into() }
}

fn h(text: &str) -> Block {
    Block::Heading { text: text.into(), level: 2 }
}

fn image(name: &str, caption: &str, credit: &str) -> Image {
    Image {
        url: Some(format!("https://images.masthead.example/demo/{name}.jpg")),
        asset_id: None,
        caption: Some(caption.into()),
        credit: Some(credit.into()),
        alt: Some(caption.into()),
    }
}

struct Story {
    section: &'static str,
    headline: &'static str,
    standfirst: &'static str,
    dateline: &'static str,
    kicker: &'static str,
    hero: Option<Image>,
    body: Vec<Block>,
    tags: &'static [&'static str],
    access: Access,
    /// Hours ago it went live; `None` leaves it unpublished.
    published_hours_ago: Option<i64>,
}

fn stories(sponsored_id: &SponsoredId, poll_id: &PollId) -> Vec<Story> {
    let standard = |section, headline, standfirst, dateline, kicker, tags, hours| Story {
        section,
        headline,
        standfirst,
        dateline,
        kicker,
        hero: None,
        body: vec![
            p(&format!("{dateline} -- {standfirst}.")),
            p(
                "Officials said the details would be settled in the coming weeks, and that the first effects would be felt before the end of the year.",
            ),
            h("What happens next"),
            p(
                "Analysts cautioned that much depends on how quickly the measures are carried out, and on whether the wider economy holds up.",
            ),
        ],
        tags,
        access: Access::Free,
        published_hours_ago: hours,
    };
    vec![
        Story {
            section: "markets",
            headline: "Tokyo stocks rally as a weaker yen lifts exporters",
            standfirst: "The Nikkei closes at a three-month high as carmakers and chipmakers lead the gains",
            dateline: "TOKYO",
            kicker: "Markets",
            hero: Some(image(
                "tokyo-exchange",
                "Traders watch prices at a brokerage in Tokyo's Nihonbashi district",
                "Photo: Masthead Demo / K. Sato",
            )),
            body: vec![
                p(
                    "TOKYO -- Japanese shares rose for a third day on Thursday as a weaker yen lifted the outlook for exporters, with carmakers and chipmakers leading the gains.",
                ),
                p(
                    "The benchmark Nikkei average closed up 1.8%, its highest finish in three months. The broader Topix index rose 1.4%.",
                ),
                h("Exporters lead"),
                p(
                    "A weaker currency raises the value of overseas earnings when they are brought home. <strong>Carmakers</strong> were among the biggest winners.",
                ),
                Block::Quote {
                    text: "The currency is doing the heavy lifting for earnings this quarter.".into(),
                    attribution: Some("A strategist at a Tokyo brokerage".into()),
                },
                Block::Poll { poll_id: poll_id.clone() },
                h("Chipmakers extend gains"),
                p("Semiconductor equipment makers rose on hopes of stronger demand for data-centre chips."),
                Block::List {
                    style: crate::domain::article::ListStyle::Bullet,
                    items: vec!["Nikkei: +1.8%".into(), "Topix: +1.4%".into(), "Yen: 151.2 per dollar".into()],
                },
            ],
            tags: &["japan", "stocks", "yen"],
            access: Access::Free,
            published_hours_ago: Some(2),
        },
        Story {
            section: "asia",
            headline: "Jakarta opens its first driverless metro line",
            standfirst: "The 12-km line is meant to ease some of the worst traffic in Southeast Asia",
            dateline: "JAKARTA",
            kicker: "Transport",
            hero: Some(image(
                "jakarta-metro",
                "A driverless train at a new elevated station in Jakarta",
                "Photo: Masthead Demo / D. Putri",
            )),
            body: vec![
                p(
                    "JAKARTA -- Indonesia's capital opened its first driverless metro line on Wednesday, a 12-km route that officials hope will take thousands of cars off the road.",
                ),
                h("A city in a jam"),
                p(
                    "Commuters in greater Jakarta spend an average of two hours a day in traffic, according to city estimates.",
                ),
                p("Fares will be free for the first month."),
                Block::Sponsored { block_id: sponsored_id.clone() },
            ],
            tags: &["indonesia", "transport"],
            access: Access::Free,
            published_hours_ago: Some(5),
        },
        Story {
            section: "business",
            headline: "Why mid-sized exporters are rethinking their supply chains",
            standfirst: "Higher shipping costs and new tariffs push manufacturers to buy closer to home",
            dateline: "SINGAPORE",
            kicker: "Analysis",
            hero: Some(image(
                "container-port",
                "Containers stacked at a port terminal",
                "Photo: Masthead Demo / L. Tan",
            )),
            body: vec![
                p(
                    "SINGAPORE -- For a decade the formula was simple: buy parts where they were cheapest. That formula is breaking.",
                ),
                h("The cost of distance"),
                p("Shipping a container across the Pacific costs about twice what it did before the pandemic."),
                h("Closer to home"),
                p(
                    "Manufacturers in Vietnam, Thailand and Malaysia report more enquiries from buyers who want shorter, more reliable supply lines.",
                ),
                p("Not everyone is convinced the shift will last."),
                p("\"Once rates fall, the old habits come back,\" said one logistics consultant."),
            ],
            tags: &["trade", "supply-chains"],
            access: Access::Metered,
            published_hours_ago: Some(8),
        },
        Story {
            section: "opinion",
            headline: "The quiet case for the four-day week",
            standfirst: "Companies that tried it found fewer sick days and no loss of output",
            dateline: "LONDON",
            kicker: "Opinion",
            hero: None,
            body: vec![
                p(
                    "LONDON -- Every few years the idea of a shorter working week returns, and every few years it is dismissed as a luxury.",
                ),
                p("The evidence from the firms that tried it suggests otherwise."),
                h("What the trials found"),
                p("Output held steady; sick days fell by a third; staff turnover fell too."),
                p("The harder question is whether it works outside offices."),
            ],
            tags: &["work", "opinion"],
            access: Access::Premium,
            published_hours_ago: Some(12),
        },
        standard(
            "politics",
            "Parliament passes budget after all-night session",
            "Lawmakers approve spending plans by a narrow margin",
            "CANBERRA",
            "Politics",
            &["budget", "australia"],
            Some(14),
        ),
        standard(
            "technology",
            "Chipmaker to build a second plant in Kumamoto",
            "The investment will create 1,700 jobs in southern Japan",
            "KUMAMOTO",
            "Technology",
            &["japan", "semiconductors"],
            Some(20),
        ),
        standard(
            "asia",
            "Seoul and Tokyo agree to resume shuttle diplomacy",
            "Leaders will meet twice a year, alternating between capitals",
            "SEOUL",
            "Diplomacy",
            &["korea", "japan"],
            Some(26),
        ),
        standard(
            "markets",
            "Rupee steadies after central bank steps in",
            "Dollar sales by the central bank slow the currency's slide",
            "MUMBAI",
            "Currencies",
            &["india", "currencies"],
            Some(30),
        ),
        standard(
            "business",
            "Airline orders 40 new jets as travel demand recovers",
            "The order is the carrier's largest in a decade",
            "HONG KONG",
            "Aviation",
            &["aviation"],
            Some(36),
        ),
        standard(
            "politics",
            "Election commission sets date for snap vote",
            "Campaigning will last just four weeks",
            "BANGKOK",
            "Elections",
            &["thailand", "elections"],
            None,
        ),
        standard(
            "technology",
            "Regulators weigh new rules for AI-written news",
            "A draft code would require disclosure on automated articles",
            "BRUSSELS",
            "Media",
            &["ai", "media"],
            None,
        ),
        standard(
            "opinion",
            "Cities should plan for heat, not just floods",
            "Urban design has to catch up with hotter summers",
            "MANILA",
            "Opinion",
            &["climate", "cities"],
            None,
        ),
    ]
}

/// Loads the demo newsroom; does nothing when its sections are already there.
pub async fn seed(state: &AppState) -> Result<Report, Error> {
    let mut report = Report::default();
    let exists = state.db.run(|conn| Ok::<_, Error>(section_db::find_by_slug(conn, "politics")?.is_some())).await?;
    if exists {
        report.already_seeded = true;
        return Ok(report);
    }
    let mut ids = std::collections::HashMap::new();
    for (slug, name, description, parent, position) in [
        ("politics", "Politics", "Governments, elections and the people who run them", None, 0),
        ("business", "Business", "Companies, trade and the economy", None, 1),
        ("markets", "Markets", "Stocks, bonds and currencies", Some("business"), 0),
        ("asia", "Asia", "News from across Asia", None, 2),
        ("technology", "Technology", "Chips, platforms and the rules that govern them", None, 3),
        ("opinion", "Opinion", "Columns and commentary", None, 4),
    ] {
        let parent_id: Option<SectionId> = parent.and_then(|p: &str| ids.get(p).cloned());
        let fields = SectionFields {
            slug: slug.into(),
            name: name.into(),
            description: Some(description.into()),
            parent_id,
            position,
        }
        .validate(true)
        .map_err(Error::Invalid)?;
        let section = sections::create(state, fields).await?;
        ids.insert(slug, section.id);
        report.sections += 1;
    }

    let mut journalists = Vec::new();
    for (email, name, role) in [
        ("mariko.tanaka@demo.masthead.example", "Mariko Tanaka", Role::Editor),
        ("arjun.mehta@demo.masthead.example", "Arjun Mehta", Role::Writer),
        ("dewi.putri@demo.masthead.example", "Dewi Putri", Role::Writer),
    ] {
        let password = tokens::random_token(15).map_err(Error::internal)?;
        let new = NewUser::validate(email, Some(name), role, true, &password).map_err(Error::Invalid)?;
        let now = state.clock.now();
        let user = state.db.run(move |conn| users::create_user(conn, &new, None, now)).await?;
        report.users.push((user.email.clone(), role.to_string(), password));
        journalists.push(CurrentUser { user, session_id: String::new(), address: None });
    }
    let editor = journalists[0].clone();

    let partner = sponsored::create(
        state,
        &journalists[0],
        SponsoredContent {
            title: "How smart ports keep Asia's trade moving".into(),
            sponsor_name: "Northwind Harbour Studio".into(),
            label: "Sponsored Content".into(),
            disclosure: "This content was commissioned by Northwind Harbour Studio and produced by its editorial team; the newsroom was not involved.".into(),
            body: vec![
                p("From Singapore to Busan, ports are using sensors and scheduling software to turn ships around faster."),
                p("Waiting times at the busiest terminals fell by a fifth last year."),
            ],
            cta: Some(Cta { text: "Read the report".into(), url: "https://studio.masthead.example/ports".into() }),
            logo_url: Some("https://studio.masthead.example/logo.png".into()),
            placement: Placement::ArticleInline,
            section_ids: vec![ids.get("asia").cloned().unwrap_or_default(), ids.get("business").cloned().unwrap_or_default()],
            article_ids: Vec::new(),
            starts_at: None,
            ends_at: None,
            status: SponsoredStatus::Active,
        },
    )
    .await?;
    report.sponsored += 1;

    let poll = polls::create(
        state,
        PollSpec {
            title: "Asia in 2030".into(),
            intro: Some("Tell us what you think; we will publish the results next week.".into()),
            questions: vec![
                QuestionSpec {
                    prompt: "Do you live in Asia?".into(),
                    kind: QuestionKind::SingleChoice,
                    options: vec!["Yes".into(), "No".into()],
                    max_choices: None,
                    max_length: None,
                    required: true,
                },
                QuestionSpec {
                    prompt: "Do you believe the yen will be stronger in a year?".into(),
                    kind: QuestionKind::SingleChoice,
                    options: vec!["Yes".into(), "No".into(), "Not sure".into()],
                    max_choices: None,
                    max_length: None,
                    required: true,
                },
                QuestionSpec {
                    prompt: "Who will be the strongest economic force in 2030?".into(),
                    kind: QuestionKind::MultipleChoice,
                    options: vec!["China".into(), "India".into(), "Japan".into(), "Other".into()],
                    max_choices: Some(2),
                    max_length: None,
                    required: true,
                },
                QuestionSpec {
                    prompt: "If other, who?".into(),
                    kind: QuestionKind::FreeText,
                    options: Vec::new(),
                    max_choices: None,
                    max_length: Some(280),
                    required: false,
                },
            ],
            opens_at: None,
            closes_at: Some(state.clock.now() + Duration::days(30)),
            results_visibility: ResultsVisibility::AfterVote,
        },
    )
    .await?;
    report.polls += 1;

    paywall::create_offer(
        state,
        &editor,
        OfferSpec {
            name: "Winter trial".into(),
            display_text: "Try 3 months for $9".into(),
            price_minor: 900,
            currency: "USD".into(),
            duration_months: 3,
            trial: true,
            starts_at: None,
            ends_at: Some(state.clock.now() + Duration::days(60)),
            eligibility: vec![Eligibility::Anonymous, Eligibility::MeteredOut],
            status: OfferStatus::Active,
        },
    )
    .await?;
    report.offers += 1;

    let now = state.clock.now();
    for (i, story) in stories(&partner.id, &poll.id).into_iter().enumerate() {
        // Placing a sponsored block is an editor's call, so the editor files that story.
        let places_sponsored = story.body.iter().any(|b| matches!(b, Block::Sponsored { .. }));
        let author = if places_sponsored { &editor } else { &journalists[i % journalists.len()] };
        let new = NewArticle {
            slug: None,
            headline: story.headline.into(),
            standfirst: Some(story.standfirst.into()),
            dateline: Some(story.dateline.into()),
            kicker: Some(story.kicker.into()),
            hero_image: story.hero,
            body: story.body,
            section_id: ids.get(story.section).cloned().unwrap_or_default(),
            author_ids: Vec::new(),
            tags: story.tags.iter().map(|t| t.to_string()).collect(),
            access: Some(story.access),
            preview_blocks: None,
            seo: None,
            sponsorship: None,
            external_id: None,
        };
        let article = articles::create(state, author, new).await?;
        report.articles += 1;
        match (story.published_hours_ago, i % 3) {
            (Some(hours), _) => {
                let at = now - Duration::hours(hours);
                articles::act(state, &editor, article.id, IfMatch::Any, Action::Publish, Some(at)).await?;
            }
            // One waits in review, one is scheduled for tomorrow, one stays a draft.
            (None, 0) => {
                articles::act(state, author, article.id, IfMatch::Any, Action::Submit, None).await?;
            }
            (None, 1) => {
                let at = now + Duration::days(1);
                articles::act(state, &editor, article.id, IfMatch::Any, Action::Publish, Some(at)).await?;
            }
            (None, _) => {}
        }
    }
    Ok(report)
}
