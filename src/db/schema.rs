// @generated automatically by Diesel CLI (kept in step with migrations/sqlite by hand).

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    site_settings (id) {
        id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        base_url -> Text,
        publisher_name -> Text,
        logo -> Nullable<Text>,
        language -> Text,
        time_zone -> Text,
        article_path -> Text,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    locks (name) {
        name -> Text,
        counter -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        active -> Bool,
        password_hash -> Text,
        token_generation -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        kind -> Text,
    }
}

diesel::table! {
    external_ids (kind, external_id) {
        kind -> Text,
        external_id -> Text,
        id -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_name -> Nullable<Text>,
        actor_kind -> Text,
        address -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        prefix -> Text,
        digest -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        session_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        scope -> Text,
        subject -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    sections (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        parent_id -> Nullable<Text>,
        position -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    articles (id) {
        id -> Text,
        slug -> Text,
        headline -> Text,
        standfirst -> Nullable<Text>,
        dateline -> Nullable<Text>,
        kicker -> Nullable<Text>,
        hero_image -> Nullable<Text>,
        body -> Text,
        section_id -> Text,
        created_by -> Text,
        tags -> Text,
        access -> Text,
        preview_blocks -> Nullable<BigInt>,
        seo -> Nullable<Text>,
        status -> Text,
        publish_at -> Nullable<Timestamp>,
        first_published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        trashed_at -> Nullable<Timestamp>,
        trashed_status -> Nullable<Text>,
        version -> BigInt,
        sponsorship -> Nullable<Text>,
    }
}

diesel::table! {
    authors (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        job_title -> Nullable<Text>,
        bio -> Nullable<Text>,
        photo -> Nullable<Text>,
        links -> Text,
        user_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    article_authors (article_id, author_id) {
        article_id -> Text,
        author_id -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    article_tags (article_id, tag) {
        article_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    tags (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        key -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    tag_slugs (slug) {
        slug -> Text,
        tag_id -> Text,
    }
}

diesel::table! {
    article_corrections (id) {
        id -> Text,
        article_id -> Text,
        kind -> Text,
        text -> Text,
        corrected_at -> Timestamp,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    article_slugs (slug) {
        slug -> Text,
        article_id -> Text,
    }
}

diesel::table! {
    article_revisions (article_id, number) {
        article_id -> Text,
        number -> BigInt,
        article_version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        note -> Text,
        snapshot -> Nullable<Text>,
    }
}

diesel::table! {
    article_feed (feed, publish_at, article_id) {
        feed -> Text,
        publish_at -> Timestamp,
        article_id -> Text,
    }
}

diesel::table! {
    sponsored_blocks (id) {
        id -> Text,
        title -> Text,
        sponsor_name -> Text,
        label -> Text,
        disclosure -> Text,
        body -> Text,
        cta -> Nullable<Text>,
        logo_url -> Nullable<Text>,
        placement -> Text,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    sponsored_targets (block_id, kind, target_id) {
        block_id -> Text,
        kind -> Text,
        target_id -> Text,
    }
}

diesel::table! {
    sponsored_revisions (block_id, number) {
        block_id -> Text,
        number -> BigInt,
        block_version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        note -> Text,
        snapshot -> Text,
    }
}

diesel::table! {
    sponsored_stats (block_id, day) {
        block_id -> Text,
        day -> Text,
        impressions -> BigInt,
        clicks -> BigInt,
    }
}

diesel::table! {
    rate_limits (scope, subject, window_start) {
        scope -> Text,
        subject -> Text,
        window_start -> Timestamp,
        hits -> BigInt,
    }
}

diesel::table! {
    article_embeds (article_id, kind, target_id) {
        article_id -> Text,
        kind -> Text,
        target_id -> Text,
    }
}

diesel::table! {
    polls (id) {
        id -> Text,
        title -> Text,
        intro -> Nullable<Text>,
        opens_at -> Nullable<Timestamp>,
        closes_at -> Nullable<Timestamp>,
        results_visibility -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    poll_questions (id) {
        id -> Text,
        poll_id -> Text,
        position -> BigInt,
        prompt -> Text,
        kind -> Text,
        max_choices -> Nullable<BigInt>,
        max_length -> Nullable<BigInt>,
        required -> Bool,
    }
}

diesel::table! {
    poll_options (id) {
        id -> Text,
        question_id -> Text,
        position -> BigInt,
        label -> Text,
    }
}

diesel::table! {
    poll_responses (id) {
        id -> Text,
        poll_id -> Text,
        reader_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    poll_answers (response_id, question_id) {
        response_id -> Text,
        poll_id -> Text,
        question_id -> Text,
        option_id -> Nullable<Text>,
        text -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    paywall_settings (id) {
        id -> BigInt,
        quota -> BigInt,
        period -> Text,
        counted_section_ids -> Nullable<Text>,
        default_preview_blocks -> BigInt,
        messages -> Text,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    meter_reads (reader_id, period_start, article_id) {
        reader_id -> Text,
        period_start -> Timestamp,
        article_id -> Text,
        read_at -> Timestamp,
    }
}

diesel::table! {
    offers (id) {
        id -> Text,
        name -> Text,
        display_text -> Text,
        price_minor -> BigInt,
        currency -> Text,
        duration_months -> BigInt,
        trial -> Bool,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        eligibility -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(poll_questions -> polls (poll_id));
diesel::joinable!(poll_options -> poll_questions (question_id));
diesel::joinable!(poll_responses -> polls (poll_id));
diesel::joinable!(poll_answers -> poll_responses (response_id));
diesel::joinable!(sponsored_targets -> sponsored_blocks (block_id));
diesel::joinable!(sponsored_revisions -> sponsored_blocks (block_id));
diesel::joinable!(sponsored_stats -> sponsored_blocks (block_id));
diesel::joinable!(article_embeds -> articles (article_id));
diesel::joinable!(article_feed -> articles (article_id));
diesel::joinable!(articles -> sections (section_id));
diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_authors -> authors (author_id));
diesel::joinable!(authors -> users (user_id));
diesel::joinable!(api_keys -> users (id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(tag_slugs -> tags (tag_id));
diesel::joinable!(article_corrections -> articles (article_id));
diesel::table! {
    poll_tallies (poll_id, subject) {
        poll_id -> Text,
        subject -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    public_generation (id) {
        id -> BigInt,
        generation -> BigInt,
    }
}

diesel::table! {
    media_assets (id) {
        id -> Text,
        sha256 -> Text,
        file_name -> Text,
        media_type -> Text,
        bytes -> BigInt,
        width -> BigInt,
        height -> BigInt,
        alt -> Nullable<Text>,
        caption -> Nullable<Text>,
        credit -> Nullable<Text>,
        focal_x -> BigInt,
        focal_y -> BigInt,
        uploaded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    article_media (article_id, asset_id) {
        article_id -> Text,
        asset_id -> Text,
    }
}

diesel::table! {
    sponsored_media (block_id, asset_id) {
        block_id -> Text,
        asset_id -> Text,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        events -> Text,
        secret -> Text,
        enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        event_type -> Text,
        occurred_at -> Timestamp,
        payload -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        state -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<BigInt>,
        last_duration_ms -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_clock (id) {
        id -> BigInt,
        fired_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    article_previews (id) {
        id -> Text,
        article_id -> Text,
        token_digest -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(media_assets -> users (uploaded_by));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(article_media -> articles (article_id));
diesel::joinable!(sponsored_media -> sponsored_blocks (block_id));
diesel::joinable!(article_slugs -> articles (article_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(article_previews -> articles (article_id));
diesel::joinable!(article_previews -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    audit_log,
    external_ids,
    authors,
    tags,
    tag_slugs,
    article_corrections,
    site_settings,
    settings,
    locks,
    users,
    sessions,
    refresh_tokens,
    login_failures,
    sections,
    articles,
    article_authors,
    article_tags,
    article_slugs,
    article_revisions,
    article_feed,
    sponsored_blocks,
    sponsored_targets,
    sponsored_revisions,
    sponsored_stats,
    rate_limits,
    article_embeds,
    polls,
    poll_questions,
    poll_options,
    poll_responses,
    poll_answers,
    paywall_settings,
    meter_reads,
    offers,
    public_generation,
    poll_tallies,
    media_assets,
    article_media,
    sponsored_media,
    webhook_endpoints,
    webhook_events,
    webhook_deliveries,
    event_clock,
    article_previews,
);
