"""The Masthead newsroom scenario, through a client generated from openapi/openapi.json
by openapi-python-client (package masthead_client, not committed; tests/clients/run
makes it and puts it on PYTHONPATH).

Every step checks the status code and the fields that matter and prints one line; the
first failure stops the run with exit code 1. Environment: MASTHEAD_URL,
MASTHEAD_ADMIN_EMAIL, MASTHEAD_ADMIN_PASSWORD.

Request bodies are built with the generated models' ``from_dict`` and union body blocks
are read through ``to_dict()``, so the scenario depends on operation and field names,
not on the names the generator gives to union variants (BlockType0... today).
The clients are made with ``raise_on_unexpected_status=True``: a status the spec does
not declare for the operation raises ``errors.UnexpectedStatus``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import os
import re
import secrets
import struct
import sys
import urllib.parse
import uuid
import xml.etree.ElementTree as ElementTree
import zlib
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar
from xml.sax.saxutils import escape as xml_escape

from masthead_client import AuthenticatedClient, Client, errors
from masthead_client.api.api_keys import create_api_key, get_api_key, revoke_api_key
from masthead_client.api.audit import list_audit_log
from masthead_client.api.articles import (
    create_article,
    create_article_preview,
    list_article_previews,
    lookup_article,
    publish_article,
    revoke_article_preview,
    submit_article,
    update_article,
)
from masthead_client.api.auth import get_me, login
from masthead_client.api.authors import create_author, delete_author, get_author, list_authors, update_author
from masthead_client.api.corrections import create_correction, list_corrections, update_correction
from masthead_client.api.media import update_media, upload_media
from masthead_client.api.operations import healthz
from masthead_client.api.paywall import put_paywall
from masthead_client.api.polls import create_poll, get_poll_results
from masthead_client.api.public import (
    count_sponsored_impression,
    get_atom_feed,
    get_json_feed,
    get_media_rendition,
    get_news_sitemap,
    get_public_article,
    get_public_author,
    get_public_poll,
    get_public_preview,
    get_public_site,
    get_public_tag,
    get_rss_feed,
    get_sitemap_index,
    get_sitemap_page,
    list_public_articles,
    list_public_corrections,
    list_public_sponsored,
    list_related_articles,
    request_article_access,
    respond_to_poll,
)
from masthead_client.api.sections import create_section
from masthead_client.api.site import get_site, put_site
from masthead_client.api.sponsored import create_sponsored
from masthead_client.api.tags import create_tag, delete_tag, get_tag, list_tags, merge_tag, update_tag
from masthead_client.api.users import create_user
from masthead_client.api.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_webhook_deliveries,
    list_webhooks,
    test_webhook,
    update_webhook,
)
from masthead_client.models import (
    AccessResponse,
    ApiKeyResponse,
    AuditPage,
    ArticleResponse,
    AssetResponse,
    AuthorPage,
    AuthorResponse,
    CorrectionPage,
    CorrectionResponse,
    CreateApiKeyRequest,
    CreateArticleRequest,
    CreateAuthorRequest,
    CreateCorrectionRequest,
    CreatedApiKeyResponse,
    CreatedPreviewResponse,
    CreatePollRequest,
    CreatePreviewRequest,
    CreateSectionRequest,
    CreateSponsoredRequest,
    CreateTagRequest,
    CreateUserRequest,
    CreateWebhookRequest,
    CreatedWebhookResponse,
    DeliveryPage,
    DeliveryResponse,
    EmptyRequest,
    HealthResponse,
    JsonFeed,
    LoginRequest,
    MergeTagRequest,
    PaywallBody,
    Placement,
    PollResponse,
    PreviewPage,
    Problem,
    PublicArticlePage,
    PublicArticleResponse,
    PublicAuthorPage,
    PublicArticleSummary,
    PublicCorrectionPage,
    PublicPollResponse,
    PublicSite,
    PublicSponsoredList,
    PublicTagPage,
    PublishRequest,
    RelatedArticles,
    ResolvedPollBlock,
    ResolvedSponsoredBlock,
    RespondRequest,
    ResultsResponse,
    SectionResponse,
    SiteRequest,
    SiteResponse,
    SponsoredResponse,
    TagPage,
    TagResponse,
    TokenResponse,
    UpdateArticleRequest,
    UpdateAuthorRequest,
    UpdateCorrectionRequest,
    UpdateMediaRequest,
    UpdateTagRequest,
    UpdateWebhookRequest,
    UploadForm,
    UserResponse,
    WebhookPage,
    WebhookResponse,
)
from masthead_client.types import UNSET, File, Response

LANG = "py"
T = TypeVar("T")


class ScenarioFailure(Exception):
    pass


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ScenarioFailure(f"{name} is not set")
    return value


BASE_URL = env("MASTHEAD_URL").rstrip("/")
ADMIN_EMAIL = env("MASTHEAD_ADMIN_EMAIL")
ADMIN_PASSWORD = env("MASTHEAD_ADMIN_PASSWORD")
SUFFIX = secrets.token_hex(4)

step_count = 0
notes: list[str] = []


def step(name: str, detail: str) -> None:
    global step_count
    step_count += 1
    print(f"[{LANG}] ok {step_count:2d} {name}: {detail}", flush=True)


def fail(what: str) -> NoReturn:
    raise ScenarioFailure(what)


def check(condition: object, what: str) -> None:
    if not condition:
        fail(what)


def show(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, (bytes, bytearray)) else value.decode("utf-8", "replace")
    return text if len(text) <= 2000 else text[:2000] + "..."


def expect(response: Response[Any], status: int, model: type[T], what: str) -> T:
    """The parsed body of a successful call, after checking its status and type."""
    if response.status_code != status:
        fail(f"{what}: expected HTTP {status}, got {int(response.status_code)}: {show(response.content)}")
    parsed = response.parsed
    if not isinstance(parsed, model):
        fail(f"{what}: parsed as {type(parsed).__name__}, expected {model.__name__}: {show(response.content)}")
    return parsed


def expect_empty(response: Response[Any], status: int, what: str) -> None:
    if response.status_code != status:
        fail(f"{what}: expected HTTP {status}, got {int(response.status_code)}: {show(response.content)}")
    check(response.content == b"", f"{what}: HTTP {status} with a body {show(response.content)}")


def expect_problem(response: Response[Any], status: int, code: str, what: str) -> Problem:
    """An RFC 9457 failure with the given status and stable code."""
    problem = expect(response, status, Problem, what)
    content_type = response.headers.get("content-type", "")
    check(content_type.startswith("application/problem+json"), f"{what}: content-type {content_type}")
    check(problem.status == status, f"{what}: problem.status {problem.status}")
    check(problem.code == code, f"{what}: problem.code {problem.code}, expected {code}")
    check(problem.type_ == f"urn:masthead:problem:{code}", f"{what}: problem.type {problem.type_}")
    return problem


def expect_etag(response: Response[Any], version: int, what: str) -> str:
    """The strong ETag ``"<version>"`` of a versioned resource."""
    etag = response.headers.get("etag")
    check(etag == f'"{version}"', f"{what}: ETag {etag!r}, expected '\"{version}\"'")
    assert etag is not None
    return etag


def expect_location(response: Response[Any], path_prefix: str, ident: str, what: str) -> None:
    location = response.headers.get("location", "")
    check(location.endswith(f"{path_prefix}/{ident}"), f"{what}: Location {location!r}, expected .../{ident}")


def blocks(body: list[Any]) -> list[dict[str, Any]]:
    """Body blocks as plain dicts, whatever union variant the generator parsed them into."""
    return [block.to_dict() for block in body]


def resolved(block: Any, model: type[T], what: str) -> T:
    """A resolved embed (poll or sponsored) of a public body, as the named model.

    The generated parser ignores ``discriminator`` and returns the first oneOf variant
    that parses. Up to c199098 the public body was ``oneOf [Block, ResolvedSponsoredBlock,
    ResolvedPollBlock]`` and a resolved embed also parsed as Block's plain poll/sponsored
    variant (which allowed extra properties), so it came back as that variant with the
    resolved object left in ``additional_properties``. Since 8f0fb24 the readers' union
    lists the resolved schemas in place of the plain ones and this returns at once; if it
    ever does not, re-parse from ``to_dict()`` and say so in a note.
    """
    if isinstance(block, model):
        return block
    note = (
        f"generated client parsed a resolved {what} embed as {type(block).__name__} "
        f"(not {model.__name__}); re-parsed from to_dict()"
    )
    if note not in notes:
        notes.append(note)
    return model.from_dict(block.to_dict())  # type: ignore[attr-defined,no-any-return]


def make_png(width: int, height: int, tint: bytes) -> bytes:
    """A small PNG made here rather than a committed fixture: RGB, 8 bits per channel, a
    gradient tinted by the run's random suffix, so that each run (and each client) uploads
    bytes the server has not seen and the first upload is a 201."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    # Each row: a filter byte (0: none), then its pixels.
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in ((x * 2 + tint[0]) & 0xFF, (y * 3 + tint[1]) & 0xFF, tint[2] ^ tint[3]))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def first_srcset_url(srcset: str) -> str:
    """The first URL of a ``srcset`` (``URL 96w, URL 320w, ...``)."""
    first = srcset.split(",")[0].split()
    check(first, f"srcset without a URL: {srcset!r}")
    return first[0]


def anonymous() -> Client:
    return Client(base_url=BASE_URL, raise_on_unexpected_status=True)


def signed_in(token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=token, raise_on_unexpected_status=True)


def sign_in(email: str, password: str, role: str) -> AuthenticatedClient:
    response = login.sync_detailed(client=anonymous(), body=LoginRequest(email=email, password=password))
    tokens = expect(response, 200, TokenResponse, f"login {email}")
    check(tokens.token_type == "Bearer", f"login: token_type {tokens.token_type}")
    check(len(tokens.access_token) > 20, "login: no access token")
    check(tokens.user.email == email.lower(), f"login: user.email {tokens.user.email}")
    check(tokens.user.role.value == role, f"login: user.role {tokens.user.role}, expected {role}")
    return signed_in(tokens.access_token)


def main() -> None:
    anon = anonymous()

    # 1. The server is up.
    health = expect(healthz.sync_detailed(client=anon), 200, HealthResponse, "healthz")
    check(health.status == "ok", f"healthz: status {health.status}")
    step("healthz", f"status={health.status}")

    # 2. The admin signs in.
    admin = sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, "admin")
    me = expect(get_me.sync_detailed(client=admin), 200, UserResponse, "getMe")
    check(me.role.value == "admin", f"getMe: role {me.role}")
    step("login admin", f"user={me.id} role={me.role.value}")

    # 3. An editor and a commercial user, each signing in.
    password = f"scenario passphrase {SUFFIX}"
    editor_email = f"editor-{LANG}-{SUFFIX}@example.org"
    editor_name = f"Editor {LANG.upper()} {SUFFIX}"
    created_user = create_user.sync_detailed(
        client=admin,
        body=CreateUserRequest.from_dict(
            {"email": editor_email, "display_name": editor_name, "role": "editor", "password": password}
        ),
    )
    editor_user = expect(created_user, 201, UserResponse, "createUser editor")
    check(editor_user.role.value == "editor" and editor_user.active, f"createUser editor: {editor_user.to_dict()}")
    expect_location(created_user, "/api/v1/users", editor_user.id, "createUser editor")
    commercial_email = f"commercial-{LANG}-{SUFFIX}@example.org"
    commercial_user = expect(
        create_user.sync_detailed(
            client=admin,
            body=CreateUserRequest.from_dict(
                {"email": commercial_email, "display_name": f"Sales {SUFFIX}", "role": "commercial", "password": password}
            ),
        ),
        201,
        UserResponse,
        "createUser commercial",
    )
    check(commercial_user.role.value == "commercial", f"createUser commercial: role {commercial_user.role}")
    editor = sign_in(editor_email, password, "editor")
    commercial = sign_in(commercial_email, password, "commercial")
    step("users", f"editor={editor_user.id} commercial={commercial_user.id} (both signed in)")

    # 4. A section (editor).
    section_slug = f"clients-{LANG}-{SUFFIX}"
    section_created = create_section.sync_detailed(
        client=editor,
        body=CreateSectionRequest.from_dict(
            {"name": f"Clients {LANG} {SUFFIX}", "slug": section_slug, "description": "Made by tests/clients"}
        ),
    )
    section = expect(section_created, 201, SectionResponse, "createSection")
    check(section.slug == section_slug, f"createSection: slug {section.slug}")
    check(section.version == 1, f"createSection: version {section.version}")
    check(section.parent_id in (None, UNSET), f"createSection: parent_id {section.parent_id}")
    expect_etag(section_created, 1, "createSection")
    expect_location(section_created, "/api/v1/sections", section.id, "createSection")
    step("createSection", f"id={section.id} slug={section.slug}")

    # 5. An image in the media library (editor): upload (201), the same bytes again (200,
    # the same asset), then alt text and focal point with If-Match.
    image_width, image_height = 96, 64
    png = make_png(image_width, image_height, bytes.fromhex(SUFFIX))
    file_name = f"seoul-{LANG}-{SUFFIX}.png"

    def png_file() -> File:
        return File(payload=io.BytesIO(png), file_name=file_name, mime_type="image/png")

    uploaded = upload_media.sync_detailed(client=editor, body=UploadForm(file=png_file(), credit="Photo: A. Kim"))
    asset = expect(uploaded, 201, AssetResponse, "uploadMedia")
    upload_etag = expect_etag(uploaded, 1, "uploadMedia")
    expect_location(uploaded, "/api/v1/media", asset.id, "uploadMedia")
    check(asset.content_type == "image/png", f"uploadMedia: content_type {asset.content_type}")
    check((asset.width, asset.height) == (image_width, image_height), f"uploadMedia: {asset.width}x{asset.height}")
    check(asset.file_name == file_name, f"uploadMedia: file_name {asset.file_name!r}")
    check(asset.sha256 == hashlib.sha256(png).hexdigest(), f"uploadMedia: sha256 {asset.sha256}")
    check(asset.credit == "Photo: A. Kim" and asset.alt in (None, UNSET), f"uploadMedia: credit/alt {asset.to_dict()}")
    check(asset.uploaded_by.id == editor_user.id, f"uploadMedia: uploaded_by {asset.uploaded_by.to_dict()}")
    reupload = upload_media.sync_detailed(
        client=editor, body=UploadForm(file=png_file(), alt="ignored: these bytes are stored already")
    )
    same = expect(reupload, 200, AssetResponse, "uploadMedia (same bytes)")
    check(same.id == asset.id and same.version == 1, f"uploadMedia (same bytes): {same.id} v{same.version}, expected {asset.id} v1")
    check(same.alt in (None, UNSET), f"uploadMedia (same bytes): alt {same.alt!r}")
    expect_location(reupload, "/api/v1/media", asset.id, "uploadMedia (same bytes)")
    image_alt = "The two leaders on the steps of the Blue House"
    patched = update_media.sync_detailed(
        asset.id,
        client=editor,
        if_match=upload_etag,
        body=UpdateMediaRequest.from_dict({"alt": image_alt, "focal_point": {"x": 0.25, "y": 0.4}}),
    )
    asset = expect(patched, 200, AssetResponse, "updateMedia")
    expect_etag(patched, 2, "updateMedia")
    check(asset.version == 2 and asset.alt == image_alt, f"updateMedia: v{asset.version} alt {asset.alt!r}")
    check((asset.focal_point.x, asset.focal_point.y) == (0.25, 0.4), f"updateMedia: focal_point {asset.focal_point.to_dict()}")
    asset_renditions = asset.to_dict().get("renditions") or {}
    crop = asset_renditions.get("crops", {}).get("16:9", {})
    check("-16x9-f250x400." in crop.get("url", ""), f"updateMedia: 16:9 crop {show(crop)}")
    step(
        "uploadMedia + updateMedia",
        f"id={asset.id} {asset.content_type} {asset.width}x{asset.height}; same bytes -> 200 same id; "
        f"alt and focal point -> v{asset.version}",
    )

    # 6. An article with headline, standfirst, dateline, the library image as hero, and a
    # body of paragraph, heading, image by URL and image from the library.
    article_slug = f"clients-{LANG}-{SUFFIX}-shuttle-diplomacy"
    caption = "The two leaders in <strong>Seoul</strong>"
    library_caption = "The summit, <em>in colour</em>"
    created = create_article.sync_detailed(
        client=editor,
        body=CreateArticleRequest.from_dict(
            {
                "headline": f"Seoul and Tokyo resume shuttle diplomacy ({LANG} {SUFFIX})",
                "section_id": section.id,
                "slug": article_slug,
                "standfirst": "Leaders will meet twice a year",
                "dateline": "SEOUL",
                "hero_image": {"asset_id": asset.id},
                "body": [
                    {"type": "paragraph", "text": "SEOUL -- The leaders agreed on <em>Monday</em> to meet twice a year."},
                    {"type": "heading", "text": "A thaw", "level": 2},
                    {
                        "type": "image",
                        "url": "https://images.example.org/seoul.jpg",
                        "caption": caption,
                        "credit": "Photo: A. Kim",
                        "alt": "Two leaders shaking hands",
                    },
                    {"type": "image", "asset_id": asset.id, "caption": library_caption},
                ],
                "tags": ["Korea", "japan"],
            }
        ),
    )
    article = expect(created, 201, ArticleResponse, "createArticle")
    article_etag = expect_etag(created, 1, "createArticle")
    expect_location(created, "/api/v1/articles", article.id, "createArticle")
    check(article.slug == article_slug, f"createArticle: slug {article.slug}")
    check(article.status.value == "draft", f"createArticle: status {article.status}")
    check(article.standfirst == "Leaders will meet twice a year", f"createArticle: standfirst {article.standfirst}")
    check(article.dateline == "SEOUL", f"createArticle: dateline {article.dateline}")
    check(article.access.value == "free", f"createArticle: access {article.access}")
    check(article.author_ids[:1] == [editor_user.id], f"createArticle: author_ids {article.author_ids}")
    check(article.tags == ["korea", "japan"], f"createArticle: tags {article.tags}")
    body = blocks(article.body)
    check([b["type"] for b in body] == ["paragraph", "heading", "image", "image"], f"createArticle: body {show(body)}")
    check("<em>Monday</em>" in body[0]["text"], f"createArticle: paragraph {show(body[0])}")
    check(body[1]["level"] == 2, f"createArticle: heading {show(body[1])}")
    check(body[2]["caption"] == caption, f"createArticle: image {show(body[2])}")
    check(body[3].get("asset_id") == asset.id and body[3].get("url") is None, f"createArticle: library image {show(body[3])}")
    hero_written = article.to_dict().get("hero_image") or {}
    check(hero_written.get("asset_id") == asset.id, f"createArticle: hero_image {show(hero_written)}")
    step("createArticle", f"id={article.id} slug={article.slug} status={article.status.value} blocks={len(body)}")

    # 7. A reader poll (editor).
    poll_created = create_poll.sync_detailed(
        client=editor,
        body=CreatePollRequest.from_dict(
            {
                "title": f"Asia in 2030 ({LANG} {SUFFIX})",
                "intro": "Tell us what you think.",
                "questions": [
                    {"prompt": "Do you live in Asia?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No"}]},
                    {
                        "prompt": "Who will be the strongest force in 2030?",
                        "kind": "multiple_choice",
                        "max_choices": 2,
                        "options": [{"label": "China"}, {"label": "India"}, {"label": "Other"}],
                    },
                    {"prompt": "If other, who?", "kind": "free_text", "max_length": 280, "required": False},
                ],
                "results_visibility": "after_vote",
            }
        ),
    )
    poll = expect(poll_created, 201, PollResponse, "createPoll")
    expect_etag(poll_created, 1, "createPoll")
    expect_location(poll_created, "/api/v1/polls", poll.id, "createPoll")
    check(len(poll.questions) == 3, f"createPoll: {len(poll.questions)} questions")
    q1, q2, q3 = poll.questions
    check(q1.kind.value == "single_choice" and len(q1.options) == 2 and q1.max_choices == 1, f"createPoll: q1 {q1.to_dict()}")
    check(q2.kind.value == "multiple_choice" and len(q2.options) == 3 and q2.max_choices == 2, f"createPoll: q2 {q2.to_dict()}")
    check(q3.kind.value == "free_text" and not q3.options and q3.required is False, f"createPoll: q3 {q3.to_dict()}")
    check(poll.results_visibility.value == "after_vote", f"createPoll: results_visibility {poll.results_visibility}")
    step("createPoll", f"id={poll.id} questions={len(poll.questions)}")

    # 8. Embed the poll: PATCH with If-Match from the ETag; a stale ETag afterwards is 412.
    with_poll = update_article.sync_detailed(
        article.id,
        client=editor,
        if_match=article_etag,
        body=UpdateArticleRequest.from_dict({"body": blocks(article.body) + [{"type": "poll", "poll_id": poll.id}]}),
    )
    article = expect(with_poll, 200, ArticleResponse, "updateArticle (embed poll)")
    check(article.version == 2, f"updateArticle: version {article.version}")
    stale_etag = article_etag
    article_etag = expect_etag(with_poll, 2, "updateArticle (embed poll)")
    last = blocks(article.body)[-1]
    check(last == {"type": "poll", "poll_id": poll.id}, f"updateArticle: last block {show(last)}")
    stale = update_article.sync_detailed(
        article.id, client=editor, if_match=stale_etag, body=UpdateArticleRequest.from_dict({"kicker": "Diplomacy"})
    )
    expect_problem(stale, 412, "precondition_failed", "updateArticle with a stale If-Match")
    check(stale.headers.get("etag") == article_etag, f"412: ETag {stale.headers.get('etag')!r}, expected the current {article_etag}")
    step("updateArticle (embed poll)", f"version={article.version} ETag={article_etag}; stale If-Match {stale_etag} -> 412")

    # 9. A sponsored block that runs on this article (commercial), embedded in the article.
    disclosure = "This content was commissioned by Northwind Harbour Studio."
    sponsored_created = create_sponsored.sync_detailed(
        client=commercial,
        body=CreateSponsoredRequest.from_dict(
            {
                "title": f"How smart ports keep trade moving ({LANG} {SUFFIX})",
                "sponsor_name": "Northwind Harbour Studio",
                "label": "Sponsored Content",
                "disclosure": disclosure,
                "body": [{"type": "paragraph", "text": "Ports are getting faster."}],
                "cta": {"text": "Read the report", "url": "https://studio.example.org/report"},
                "placement": "article_inline",
                "article_ids": [article.id],
                "status": "active",
            }
        ),
    )
    sponsored = expect(sponsored_created, 201, SponsoredResponse, "createSponsored")
    expect_etag(sponsored_created, 1, "createSponsored")
    expect_location(sponsored_created, "/api/v1/sponsored", sponsored.id, "createSponsored")
    check(sponsored.label == "Sponsored Content", f"createSponsored: label {sponsored.label}")
    check(sponsored.disclosure == disclosure, f"createSponsored: disclosure {sponsored.disclosure}")
    check(sponsored.status.value == "active", f"createSponsored: status {sponsored.status}")
    check(sponsored.article_ids == [article.id], f"createSponsored: article_ids {sponsored.article_ids}")
    with_sponsored = update_article.sync_detailed(
        article.id,
        client=editor,
        if_match=article_etag,
        body=UpdateArticleRequest.from_dict(
            {"body": blocks(article.body) + [{"type": "sponsored", "block_id": sponsored.id}]}
        ),
    )
    article = expect(with_sponsored, 200, ArticleResponse, "updateArticle (embed sponsored)")
    article_etag = expect_etag(with_sponsored, 3, "updateArticle (embed sponsored)")
    check(len(article.body) == 6, f"updateArticle: {len(article.body)} blocks")
    step("createSponsored + embed", f"id={sponsored.id} label={sponsored.label!r}; article version={article.version}")

    # 10. A preview link to the draft (editor): the token opens the draft exactly as the
    # public article answer would be, with no credentials, never cached; revoked, a 404.
    preview_created = create_article_preview.sync_detailed(
        article.id, client=editor, body=CreatePreviewRequest.from_dict({"expires_in_secs": 3600})
    )
    link = expect(preview_created, 201, CreatedPreviewResponse, "createArticlePreview")
    expect_location(preview_created, f"/api/v1/articles/{article.id}/previews", link.id, "createArticlePreview")
    check(link.article_id == article.id and link.created_by.display_name == editor_name, f"createArticlePreview: {link.to_dict()}")
    check(link.url == f"/api/v1/public/preview/{link.token}", f"createArticlePreview: url {link.url!r}")
    check(link.expires_at - link.created_at == datetime.timedelta(hours=1), f"createArticlePreview: {link.created_at} .. {link.expires_at}")
    draft_preview = get_public_preview.sync_detailed(link.token, client=anon)
    previewed = expect(draft_preview, 200, PublicArticleResponse, "getPublicPreview")
    check(previewed.id == article.id and previewed.headline == article.headline, f"getPublicPreview: {previewed.id} {previewed.headline}")
    previewed_types = [b["type"] for b in blocks(previewed.body)]
    previewed_poll = resolved(previewed.body[previewed_types.index("poll")], ResolvedPollBlock, "poll")
    check(previewed_poll.poll.id == poll.id, f"getPublicPreview: poll {previewed_poll.to_dict()}")
    check(draft_preview.headers.get("cache-control") == "private, no-store", f"getPublicPreview: Cache-Control {draft_preview.headers.get('cache-control')!r}")
    check(draft_preview.headers.get("x-robots-tag") == "noindex", "getPublicPreview: no X-Robots-Tag: noindex")
    check(draft_preview.headers.get("etag") is None, "getPublicPreview: an ETag")
    expect_problem(get_public_article.sync_detailed(article_slug, client=anon), 404, "not_found", "getPublicArticle (a draft)")
    links = expect(list_article_previews.sync_detailed(article.id, client=editor), 200, PreviewPage, "listArticlePreviews")
    check([item.id for item in links.items] == [link.id], f"listArticlePreviews: {links.to_dict()}")
    check("token" not in links.items[0].to_dict(), f"listArticlePreviews: a token {links.to_dict()}")
    expect_empty(revoke_article_preview.sync_detailed(article.id, link.id, client=editor), 204, "revokeArticlePreview")
    expect_problem(get_public_preview.sync_detailed(link.token, client=anon), 404, "not_found", "getPublicPreview (revoked)")
    step("preview link", f"blocks={','.join(previewed_types)}; private, no-store; revoked -> 404")

    # 11. Submit, then publish. Both bodies are optional in the spec (`EmptyRequest | null`,
    # `PublishRequest | null`); the generated functions default them to UNSET, which they
    # pass to httpx as json=UNSET (not JSON-serialisable), so send an explicit body.
    submitted = submit_article.sync_detailed(article.id, client=editor, if_match=article_etag, body=EmptyRequest())
    article = expect(submitted, 200, ArticleResponse, "submitArticle")
    check(article.status.value == "in_review", f"submitArticle: status {article.status}")
    article_etag = expect_etag(submitted, 4, "submitArticle")
    published = publish_article.sync_detailed(article.id, client=editor, if_match=article_etag, body=PublishRequest())
    article = expect(published, 200, ArticleResponse, "publishArticle")
    check(article.status.value == "published", f"publishArticle: status {article.status}")
    check(isinstance(article.published_at, datetime.datetime), f"publishArticle: published_at {article.published_at}")
    article_etag = expect_etag(published, 5, "publishArticle")
    step("submit + publish", f"status={article.status.value} published_at={article.published_at}")

    # 12. Read it publicly by slug: embeds resolved, cacheable, 304 on If-None-Match.
    public_read = get_public_article.sync_detailed(article_slug, client=anon)
    pub = expect(public_read, 200, PublicArticleResponse, "getPublicArticle")
    check(pub.id == article.id and pub.slug == article_slug, f"getPublicArticle: {pub.id} {pub.slug}")
    check(pub.section.slug == section_slug, f"getPublicArticle: section {pub.section.to_dict()}")
    check([a.display_name for a in pub.authors] == [editor_name], f"getPublicArticle: authors {[a.to_dict() for a in pub.authors]}")
    check(pub.standfirst == "Leaders will meet twice a year" and pub.dateline == "SEOUL", "getPublicArticle: standfirst/dateline")
    check(pub.access.level.value == "free" and pub.access.preview is False, f"getPublicArticle: access {pub.access.to_dict()}")
    pub_body = blocks(pub.body)
    types = [b["type"] for b in pub_body]
    check(types == ["paragraph", "heading", "image", "image", "poll", "sponsored"], f"getPublicArticle: body {show(pub_body)}")
    check(pub_body[2].get("caption") == caption, f"getPublicArticle: image {show(pub_body[2])}")
    check(pub_body[2].get("renditions") is None and pub_body[2].get("width") is None, f"getPublicArticle: URL image {show(pub_body[2])}")
    poll_embed = resolved(pub.body[types.index("poll")], ResolvedPollBlock, "poll")
    check(poll_embed.poll_id == poll.id and poll_embed.poll.id == poll.id, f"getPublicArticle: poll {poll_embed.to_dict()}")
    check(poll_embed.poll.state.value == "open" and len(poll_embed.poll.questions) == 3, f"getPublicArticle: poll state {poll_embed.poll.state}")
    sponsored_embed = resolved(pub.body[types.index("sponsored")], ResolvedSponsoredBlock, "sponsored")
    shown = sponsored_embed.sponsored
    check(sponsored_embed.block_id == sponsored.id and shown.id == sponsored.id, f"getPublicArticle: sponsored {sponsored_embed.to_dict()}")
    check(
        shown.sponsored is True and shown.label == "Sponsored Content" and shown.disclosure == disclosure,
        f"getPublicArticle: sponsored marking {shown.to_dict()}",
    )
    public_etag = public_read.headers.get("etag")
    cache_control = public_read.headers.get("cache-control", "")
    check(public_etag is not None and len(public_etag) > 2, "getPublicArticle: no ETag")
    check(cache_control.startswith("public") and "max-age=" in cache_control, f"getPublicArticle: Cache-Control {cache_control!r}")
    assert public_etag is not None
    # If-None-Match is not a declared parameter of getPublicArticle: use the client's headers.
    not_modified = get_public_article.sync_detailed(article_slug, client=anon.with_headers({"If-None-Match": public_etag}))
    check(not_modified.status_code == HTTPStatus.NOT_MODIFIED, f"getPublicArticle If-None-Match: HTTP {int(not_modified.status_code)}")
    step("getPublicArticle", f"blocks={','.join(types)}; poll and sponsored resolved; ETag={public_etag}; 304 on If-None-Match")

    # 13. The library image as readers get it: the hero with size, text and renditions
    # (the asset's alt fills what the article leaves empty; the block's caption wins), and
    # a rendition from its srcset, immutable and 304 on If-None-Match.
    hero = pub.to_dict().get("hero_image") or {}
    check(hero.get("asset_id") == asset.id, f"getPublicArticle: hero_image {show(hero)}")
    check((hero.get("width"), hero.get("height")) == (image_width, image_height), f"getPublicArticle: hero {show(hero)}")
    check(hero.get("alt") == image_alt and hero.get("credit") == "Photo: A. Kim", f"getPublicArticle: hero alt/credit {show(hero)}")
    check(hero.get("focal_point") == {"x": 0.25, "y": 0.4}, f"getPublicArticle: hero focal_point {show(hero.get('focal_point'))}")
    hero_renditions = hero.get("renditions") or {}
    check(hero.get("url") == hero_renditions.get("url") and hero_renditions.get("width") == image_width, f"getPublicArticle: hero renditions {show(hero)}")
    sources = hero_renditions.get("sources") or []
    check(sources and sources[0].get("type") == "image/webp", f"getPublicArticle: hero sources {show(sources)}")
    library_block = pub_body[3]
    check(
        library_block.get("asset_id") == asset.id
        and library_block.get("renditions")
        and library_block.get("width") == image_width
        and library_block.get("alt") == image_alt
        and library_block.get("caption") == library_caption,
        f"getPublicArticle: library image block {show(library_block)}",
    )
    rendition_url = urllib.parse.urljoin(BASE_URL + "/", first_srcset_url(sources[0]["srcset"]))
    rendition_path = re.fullmatch(r"/api/v1/public/media/([^/]+)/([^/]+)", urllib.parse.urlsplit(rendition_url).path)
    check(rendition_path is not None and rendition_path[1] == asset.id, f"srcset URL {rendition_url} is not a rendition of {asset.id}")
    assert rendition_path is not None
    rendition_name = rendition_path[2]
    rendition = get_media_rendition.sync_detailed(asset.id, rendition_name, client=anon)
    image_file = expect(rendition, 200, File, f"getMediaRendition {rendition_name}")
    image_bytes = image_file.payload.read()
    rendition_type = rendition.headers.get("content-type")
    rendition_etag = rendition.headers.get("etag")
    rendition_cache = rendition.headers.get("cache-control", "")
    check(rendition_type == "image/webp", f"getMediaRendition: content-type {rendition_type!r}")
    check(image_bytes[:4] == b"RIFF" and image_bytes[8:12] == b"WEBP", f"getMediaRendition: {len(image_bytes)} bytes that are not WebP")
    check(rendition_etag is not None and re.fullmatch(r'"[^"]+"', rendition_etag), f"getMediaRendition: ETag {rendition_etag!r}")
    assert rendition_etag is not None
    check("immutable" in rendition_cache, f"getMediaRendition: Cache-Control {rendition_cache!r}")
    rendition_again = get_media_rendition.sync_detailed(asset.id, rendition_name, client=anon, if_none_match=rendition_etag)
    check(rendition_again.status_code == HTTPStatus.NOT_MODIFIED, f"getMediaRendition If-None-Match: HTTP {int(rendition_again.status_code)}")
    step(
        "hero image + getMediaRendition",
        f"hero {hero.get('width')}x{hero.get('height')} alt={hero.get('alt')!r}; {rendition_name}: {rendition_type}, "
        f"{len(image_bytes)} bytes, ETag={rendition_etag}; 304 on If-None-Match",
    )

    # 14. A reader answers the poll and reads the results.
    reader = str(uuid.uuid4())
    before = expect(get_public_poll.sync_detailed(poll.id, client=anon, x_reader_id=reader), 200, PublicPollResponse, "getPublicPoll (before)")
    check(before.has_voted is False, f"getPublicPoll: has_voted {before.has_voted!r}")
    check(before.results in (None, UNSET), f"getPublicPoll: results before voting {before.results!r}")
    pq1, pq2, pq3 = before.questions
    yes, china, india = pq1.options[0], pq2.options[0], pq2.options[1]
    check((yes.label, china.label, india.label) == ("Yes", "China", "India"), "getPublicPoll: options")
    answered = respond_to_poll.sync_detailed(
        poll.id,
        client=anon,
        x_reader_id=reader,
        body=RespondRequest.from_dict(
            {
                "answers": [
                    {"question_id": pq1.id, "option_ids": [yes.id]},
                    {"question_id": pq2.id, "option_ids": [china.id, india.id]},
                    {"question_id": pq3.id, "text": "More trains, please."},
                ]
            }
        ),
    )
    after_vote = expect(answered, 201, PublicPollResponse, "respondToPoll")
    check(after_vote.has_voted is True, f"respondToPoll: has_voted {after_vote.has_voted!r}")
    results = after_vote.results
    check(isinstance(results, ResultsResponse), "respondToPoll: no results after voting (after_vote)")
    assert isinstance(results, ResultsResponse)
    check(results.total_responses == 1, f"respondToPoll: total_responses {results.total_responses}")
    r1 = next(q for q in results.questions if q.question_id == pq1.id)
    r2 = next(q for q in results.questions if q.question_id == pq2.id)
    yes_count = next(o for o in r1.options if o.option_id == yes.id)
    china_count = next(o for o in r2.options if o.option_id == china.id)
    check(yes_count.count == 1 and yes_count.percentage == 100, f"respondToPoll: Yes {yes_count.to_dict()}")
    check(china_count.count == 1 and r2.answered == 1, f"respondToPoll: China {china_count.to_dict()}")
    again = respond_to_poll.sync_detailed(
        poll.id,
        client=anon,
        x_reader_id=reader,
        body=RespondRequest.from_dict(
            {
                "answers": [
                    {"question_id": pq1.id, "option_ids": [yes.id]},
                    {"question_id": pq2.id, "option_ids": [india.id]},
                ]
            }
        ),
    )
    expect_problem(again, 409, "already_responded", "respondToPoll a second time")
    editor_results = expect(get_poll_results.sync_detailed(poll.id, client=editor), 200, ResultsResponse, "getPollResults")
    check(editor_results.total_responses == 1, f"getPollResults: total {editor_results.total_responses}")
    step(
        "respondToPoll",
        f"reader={reader} -> 201, has_voted=True, total={results.total_responses}, "
        f"Yes={yes_count.count} ({yes_count.percentage}%); again -> 409",
    )

    # 15. The sponsored block through the public sponsored endpoint.
    running = expect(
        list_public_sponsored.sync_detailed(client=anon, article=article_slug, placement=Placement("article_inline")),
        200,
        PublicSponsoredList,
        "listPublicSponsored",
    )
    mine = next((b for b in running.items if b.id == sponsored.id), None)
    check(mine is not None, f"listPublicSponsored: block {sponsored.id} missing from {[b.id for b in running.items]}")
    assert mine is not None
    check(
        mine.sponsored is True and mine.label == "Sponsored Content" and mine.disclosure == disclosure,
        f"listPublicSponsored: {mine.to_dict()}",
    )
    check(mine.sponsor_name == "Northwind Harbour Studio", f"listPublicSponsored: {mine.to_dict()}")
    expect_empty(count_sponsored_impression.sync_detailed(sponsored.id, client=anon), 204, "countSponsoredImpression")
    step("listPublicSponsored", f"{len(running.items)} block(s) for the article; ours labelled {mine.label!r}; impression -> 204")

    # 16. The paywall: quota 3; a metered article; the meter's decision.
    quota = 3
    paywall = expect(
        put_paywall.sync_detailed(
            client=admin,
            body=PaywallBody.from_dict(
                {"quota": quota, "period": "month", "counted_section_ids": None, "default_preview_blocks": 3}
            ),
        ),
        200,
        PaywallBody,
        "putPaywall",
    )
    check(paywall.quota == quota and paywall.period.value == "month", f"putPaywall: {paywall.to_dict()}")
    metered_slug = f"clients-{LANG}-{SUFFIX}-exporters-rethink"
    metered_created = create_article.sync_detailed(
        client=editor,
        body=CreateArticleRequest.from_dict(
            {
                "headline": f"Why mid-sized exporters are rethinking supply chains ({LANG} {SUFFIX})",
                "section_id": section.id,
                "slug": metered_slug,
                "standfirst": "Tariffs and freight costs change the maths",
                "dateline": "TOKYO",
                "access": "metered",
                "preview_blocks": 1,
                "body": [
                    {"type": "paragraph", "text": "TOKYO -- Exporters are moving suppliers closer to home."},
                    {"type": "heading", "text": "The numbers", "level": 2},
                    {"type": "paragraph", "text": "Freight costs doubled in two years."},
                ],
            }
        ),
    )
    metered = expect(metered_created, 201, ArticleResponse, "createArticle (metered)")
    check(metered.access.value == "metered" and metered.preview_blocks == 1, f"createArticle (metered): {metered.access} {metered.preview_blocks}")
    metered_etag = expect_etag(metered_created, 1, "createArticle (metered)")
    metered_published = expect(
        publish_article.sync_detailed(metered.id, client=editor, if_match=metered_etag, body=None),
        200,
        ArticleResponse,
        "publishArticle (metered)",
    )
    check(metered_published.status.value == "published", f"publishArticle (metered): {metered_published.status}")
    preview = expect(get_public_article.sync_detailed(metered_slug, client=anon), 200, PublicArticleResponse, "getPublicArticle (metered)")
    check(preview.access.level.value == "metered" and preview.access.preview is True, f"getPublicArticle (metered): access {preview.access.to_dict()}")
    check(len(preview.body) == 1, f"getPublicArticle (metered): {len(preview.body)} blocks in the preview")
    step("paywall + metered article", f"quota={paywall.quota}; {metered.slug} published; public preview has {len(preview.body)} block")

    meter_reader = str(uuid.uuid4())
    access = expect(
        request_article_access.sync_detailed(metered_slug, client=anon, x_reader_id=meter_reader),
        200,
        AccessResponse,
        "requestArticleAccess",
    )
    check(access.decision.value == "metered", f"requestArticleAccess: decision {access.decision}")
    check(access.quota == quota, f"requestArticleAccess: quota {access.quota}")
    check(access.articles_left == quota - 1, f"requestArticleAccess: articles_left {access.articles_left}, expected {quota - 1}")
    check(isinstance(access.body, PublicArticleResponse) and len(access.body.body) == 3, f"requestArticleAccess: body {access.body!r}")
    check(isinstance(access.message, str) and str(quota - 1) in access.message, f"requestArticleAccess: message {access.message!r}")
    check(access.period_ends_at > datetime.datetime.now(datetime.timezone.utc), f"requestArticleAccess: period_ends_at {access.period_ends_at}")
    repeat = expect(
        request_article_access.sync_detailed(metered_slug, client=anon, x_reader_id=meter_reader),
        200,
        AccessResponse,
        "requestArticleAccess (repeat)",
    )
    check(repeat.decision.value == "metered" and repeat.articles_left == quota - 1, f"requestArticleAccess (repeat): {repeat.decision} {repeat.articles_left}")
    free = expect(
        request_article_access.sync_detailed(article_slug, client=anon, x_reader_id=meter_reader),
        200,
        AccessResponse,
        "requestArticleAccess (free)",
    )
    check(free.decision.value == "granted" and free.articles_left == quota - 1, f"requestArticleAccess (free): {free.decision} {free.articles_left}")
    step(
        "requestArticleAccess",
        f"decision={access.decision.value} articles_left={access.articles_left}/{access.quota} "
        f"message={access.message!r}; repeat read free; free article granted",
    )

    # 17. Webhooks (admin): an endpoint, its signing secret shown once in the 201, the
    # list and the endpoint (never the secret), a test event (202) and its delivery in the
    # log, then disabled and deleted with If-Match (a stale one is 412). The URL is a public
    # name because a server refuses private addresses unless told otherwise; its deliveries
    # cannot succeed here (no network), so nothing waits for them.
    hook_url = "https://hooks.example.org/masthead"
    hook_created = create_webhook.sync_detailed(
        client=admin,
        body=CreateWebhookRequest.from_dict(
            {"url": hook_url, "events": ["article.published", "section.created"], "description": f"Clients {LANG} {SUFFIX}"}
        ),
    )
    hook = expect(hook_created, 201, CreatedWebhookResponse, "createWebhook")
    hook_etag = expect_etag(hook_created, 1, "createWebhook")
    expect_location(hook_created, "/api/v1/webhooks", hook.id, "createWebhook")
    check(re.fullmatch(r"whsec_[A-Za-z0-9+/]+={0,2}", hook.secret), f"createWebhook: secret {hook.secret!r}")
    check(len(base64.b64decode(hook.secret.removeprefix("whsec_"))) >= 24, "createWebhook: a secret shorter than 24 bytes")
    check(hook.url == hook_url and hook.enabled and hook.version == 1, f"createWebhook: {hook.to_dict()}")
    check(sorted(e.value for e in hook.events) == ["article.published", "section.created"], f"createWebhook: events {hook.events}")
    hook_list = expect(list_webhooks.sync_detailed(client=admin, limit=100), 200, WebhookPage, "listWebhooks")
    listed_hook = next((w for w in hook_list.items if w.id == hook.id), None)
    check(listed_hook is not None, f"listWebhooks: {hook.id} missing from {[w.id for w in hook_list.items]}")
    assert listed_hook is not None
    check("secret" not in listed_hook.to_dict(), "listWebhooks: the secret is shown again")
    hook_read = get_webhook.sync_detailed(hook.id, client=admin)
    check("secret" not in expect(hook_read, 200, WebhookResponse, "getWebhook").to_dict(), "getWebhook: the secret is shown again")
    expect_etag(hook_read, 1, "getWebhook")
    expect_problem(list_webhooks.sync_detailed(client=editor), 403, "forbidden", "listWebhooks as an editor")
    tested = expect(test_webhook.sync_detailed(hook.id, client=admin), 202, DeliveryResponse, "testWebhook")
    check(tested.event_type.value == "webhook.test" and tested.event_id.startswith("msg_"), f"testWebhook: {tested.to_dict()}")
    deliveries = expect(
        list_webhook_deliveries.sync_detailed(hook.id, client=admin, limit=20), 200, DeliveryPage, "listWebhookDeliveries"
    )
    test_delivery = next((d for d in deliveries.items if d.id == tested.id), None)
    check(
        test_delivery is not None and test_delivery.event_type.value == "webhook.test" and test_delivery.event_id == tested.event_id,
        f"listWebhookDeliveries: the test delivery {tested.id} missing from {[d.to_dict() for d in deliveries.items]}",
    )
    assert test_delivery is not None
    hook_patched = update_webhook.sync_detailed(
        hook.id, client=admin, if_match=hook_etag, body=UpdateWebhookRequest.from_dict({"enabled": False})
    )
    hook_off = expect(hook_patched, 200, WebhookResponse, "updateWebhook")
    check(hook_off.enabled is False and hook_off.version == 2, f"updateWebhook: {hook_off.to_dict()}")
    stale_hook_etag, hook_etag = hook_etag, expect_etag(hook_patched, 2, "updateWebhook")
    expect_problem(
        delete_webhook.sync_detailed(hook.id, client=admin, if_match=stale_hook_etag),
        412,
        "precondition_failed",
        "deleteWebhook with a stale If-Match",
    )
    expect_empty(delete_webhook.sync_detailed(hook.id, client=admin, if_match=hook_etag), 204, "deleteWebhook")
    expect_problem(get_webhook.sync_detailed(hook.id, client=admin), 404, "not_found", "getWebhook after deleteWebhook")
    step(
        "webhooks",
        f"id={hook.id} secret whsec_... (201 only); test {tested.event_id} -> 202, in the log as {test_delivery.state.value}; "
        f"enabled=false -> v{hook_off.version}; stale delete -> 412; delete -> 204, then 404",
    )

    # 18. The site, its corrections and its feeds. The site settings (admins only): read
    # (ETag "<version>", "0" before the first save), replaced with the ETag read as If-Match
    # (the same ETag again is 412), and the same through the public site with no token. A
    # correction to the published free article (editor): logged (201), listed, made a
    # clarification with If-Match (a stale one is 412), refused to a commercial user (403);
    # the public article carries it, with JSON-LD that names the article's URL on the site
    # just saved, and the site's public log shows it first. The feeds, with no token: JSON
    # Feed, RSS and Atom hold the article at that URL (in the XML ones, its body's HTML as
    # escaped text); an unknown section is a 404 and two scopes at once a 422.
    site_read = get_site.sync_detailed(client=admin)
    site_before = expect(site_read, 200, SiteResponse, "getSite")
    site_etag = expect_etag(site_read, site_before.version, "getSite")
    check(site_before.version >= 0, f"getSite: version {site_before.version}")
    check(
        site_before.version > 0 or site_before.updated_at in (None, UNSET),
        f"getSite: version 0 (never saved) with updated_at {site_before.updated_at}",
    )
    expect_problem(get_site.sync_detailed(client=editor), 403, "forbidden", "getSite as an editor")
    expect_problem(get_site.sync_detailed(client=commercial), 403, "forbidden", "getSite as a commercial user")
    site_url = "https://news.example.com"
    site_name = f"The Clients Gazette ({LANG} {SUFFIX})"
    publisher_name = f"Clients Media Ltd ({LANG} {SUFFIX})"
    site_body = SiteRequest.from_dict(
        {
            "name": site_name,
            "base_url": site_url,
            "publisher_name": publisher_name,
            "language": "en-GB",
            "time_zone": "Europe/London",
            "article_path": "/{section}/{slug}",
        }
    )
    site_put = put_site.sync_detailed(client=admin, if_match=site_etag, body=site_body)
    site = expect(site_put, 200, SiteResponse, "putSite")
    new_site_etag = expect_etag(site_put, site_before.version + 1, "putSite")
    check(
        (site.name, site.base_url, site.publisher_name, site.language, site.time_zone, site.article_path)
        == (site_name, site_url, publisher_name, "en-GB", "Europe/London", "/{section}/{slug}"),
        f"putSite: {site.to_dict()}",
    )
    check(site.version == site_before.version + 1, f"putSite: version {site.version}, expected {site_before.version + 1}")
    check(isinstance(site.updated_at, datetime.datetime), f"putSite: updated_at {site.updated_at}")
    stale_site = put_site.sync_detailed(client=admin, if_match=site_etag, body=site_body)
    expect_problem(stale_site, 412, "precondition_failed", "putSite with a stale If-Match")
    check(stale_site.headers.get("etag") == new_site_etag, f"putSite 412: ETag {stale_site.headers.get('etag')!r}, expected {new_site_etag}")
    public_site = expect(get_public_site.sync_detailed(client=anon), 200, PublicSite, "getPublicSite")
    check(
        (public_site.name, public_site.base_url, public_site.publisher_name, public_site.language, public_site.article_path)
        == (site_name, site_url, publisher_name, "en-GB", "/{section}/{slug}"),
        f"getPublicSite: {public_site.to_dict()}",
    )
    step(
        "site settings",
        f"v{site_before.version} -> v{site.version} with If-Match {site_etag} (again -> 412); editor, commercial -> 403; "
        f"public: {public_site.name!r} at {public_site.base_url}",
    )

    article_url = f"{site_url}/{section_slug}/{article_slug}"
    correction_text = "An earlier version of this article said the leaders would meet <em>three</em> times a year. They will meet twice."
    correction_body = CreateCorrectionRequest.from_dict({"kind": "correction", "text": correction_text})
    correction_created = create_correction.sync_detailed(article.id, client=editor, body=correction_body)
    correction = expect(correction_created, 201, CorrectionResponse, "createCorrection")
    correction_etag = expect_etag(correction_created, 1, "createCorrection")
    expect_location(correction_created, f"/api/v1/articles/{article.id}/corrections", correction.id, "createCorrection")
    check(
        correction.article_id == article.id
        and correction.kind.value == "correction"
        and correction.text == correction_text
        and correction.version == 1
        and correction.created_by == editor_user.id,
        f"createCorrection: {correction.to_dict()}",
    )
    expect_problem(
        create_correction.sync_detailed(article.id, client=commercial, body=correction_body),
        403,
        "forbidden",
        "createCorrection as a commercial user",
    )
    correction_log = expect(list_corrections.sync_detailed(article.id, client=editor), 200, CorrectionPage, "listCorrections")
    check([c.id for c in correction_log.items] == [correction.id], f"listCorrections: {correction_log.to_dict()}")
    corrected = update_correction.sync_detailed(
        article.id,
        correction.id,
        client=editor,
        if_match=correction_etag,
        body=UpdateCorrectionRequest.from_dict({"kind": "clarification"}),
    )
    correction = expect(corrected, 200, CorrectionResponse, "updateCorrection")
    stale_correction_etag, correction_etag = correction_etag, expect_etag(corrected, 2, "updateCorrection")
    check(
        correction.kind.value == "clarification" and correction.text == correction_text and correction.version == 2,
        f"updateCorrection: {correction.to_dict()}",
    )
    stale_correction = update_correction.sync_detailed(
        article.id,
        correction.id,
        client=editor,
        if_match=stale_correction_etag,
        body=UpdateCorrectionRequest.from_dict({"kind": "update"}),
    )
    expect_problem(stale_correction, 412, "precondition_failed", "updateCorrection with a stale If-Match")
    check(
        stale_correction.headers.get("etag") == correction_etag,
        f"updateCorrection 412: ETag {stale_correction.headers.get('etag')!r}, expected {correction_etag}",
    )
    corrected_pub = expect(get_public_article.sync_detailed(article_slug, client=anon), 200, PublicArticleResponse, "getPublicArticle (corrected)")
    check(
        [(c.id, c.kind.value, c.text) for c in corrected_pub.corrections] == [(correction.id, "clarification", correction_text)],
        f"getPublicArticle: corrections {[c.to_dict() for c in corrected_pub.corrections]}",
    )
    ld = corrected_pub.structured_data.to_dict()
    check(ld.get("@context") == "https://schema.org" and ld.get("@type") == "NewsArticle", f"getPublicArticle: JSON-LD {show(ld)}")
    check(ld.get("url") == article_url, f"getPublicArticle: JSON-LD url {ld.get('url')!r}, expected {article_url!r}")
    check(ld.get("headline") == article.headline == corrected_pub.headline, f"getPublicArticle: JSON-LD headline {ld.get('headline')!r}")
    check((ld.get("publisher") or {}).get("name") == publisher_name, f"getPublicArticle: JSON-LD publisher {show(ld.get('publisher'))}")
    check([a.get("name") for a in ld.get("author") or []] == [editor_name], f"getPublicArticle: JSON-LD author {show(ld.get('author'))}")
    check(ld.get("inLanguage") == "en-GB", f"getPublicArticle: JSON-LD inLanguage {ld.get('inLanguage')!r}")
    check(corrected_pub.access.level.value == "free", f"getPublicArticle: access {corrected_pub.access.to_dict()}")
    check(ld.get("isAccessibleForFree") is True and "hasPart" not in ld, f"getPublicArticle: JSON-LD of a free article {show(ld)}")
    metered_ld = expect(
        get_public_article.sync_detailed(metered_slug, client=anon), 200, PublicArticleResponse, "getPublicArticle (metered)"
    ).structured_data.to_dict()
    check(
        metered_ld.get("isAccessibleForFree") is False
        and (metered_ld.get("hasPart") or {}).get("cssSelector") == ".paywall"
        and metered_ld.get("url") == f"{site_url}/{section_slug}/{metered_slug}",
        f"getPublicArticle (metered): JSON-LD {show(metered_ld)}",
    )
    public_log = expect(list_public_corrections.sync_detailed(client=anon), 200, PublicCorrectionPage, "listPublicCorrections")
    newest = public_log.items[0] if public_log.items else None
    check(
        newest is not None
        and newest.id == correction.id
        and newest.kind.value == "clarification"
        and newest.text == correction_text
        and (newest.article.id, newest.article.slug, newest.article.headline) == (article.id, article_slug, article.headline),
        f"listPublicCorrections: first {show(newest.to_dict() if newest else None)}",
    )
    step(
        "corrections",
        f"id={correction.id} correction -> clarification v{correction.version} (stale If-Match -> 412; commercial -> 403); "
        f"public article: {len(corrected_pub.corrections)} correction, JSON-LD {ld.get('@type')} at {ld.get('url')}; first in the public log",
    )

    feed_id = f"urn:uuid:{article.id}"
    json_read = get_json_feed.sync_detailed(client=anon)
    feed = expect(json_read, 200, JsonFeed, "getJsonFeed")
    check(json_read.headers.get("content-type", "").startswith("application/feed+json"), f"getJsonFeed: content-type {json_read.headers.get('content-type')!r}")
    check(feed.version == "https://jsonfeed.org/version/1.1", f"getJsonFeed: version {feed.version!r}")
    check(feed.home_page_url == site_url and feed.language == "en-GB", f"getJsonFeed: home_page_url {feed.home_page_url!r} language {feed.language!r}")
    feed_item = next((i for i in feed.items if i.id == feed_id), None)
    check(feed_item is not None, f"getJsonFeed: no item {feed_id} in {[i.id for i in feed.items]}")
    assert feed_item is not None
    check(
        feed_item.url == article_url
        and feed_item.title == article.headline
        and feed_item.field_masthead.access == "free"
        and "<em>Monday</em>" in feed_item.content_html,
        f"getJsonFeed: item {show(feed_item.to_dict())}",
    )
    feed_etag = json_read.headers.get("etag")
    check(feed_etag is not None, "getJsonFeed: no ETag")
    assert feed_etag is not None
    feed_again = get_json_feed.sync_detailed(client=anon, if_none_match=feed_etag)
    check(feed_again.status_code == HTTPStatus.NOT_MODIFIED, f"getJsonFeed If-None-Match: HTTP {int(feed_again.status_code)}")
    section_feed = expect(get_json_feed.sync_detailed(client=anon, section=section_slug), 200, JsonFeed, "getJsonFeed (section)")
    check(
        sorted(i.id for i in section_feed.items) == sorted([feed_id, f"urn:uuid:{metered.id}"]),
        f"getJsonFeed (section): items {[i.id for i in section_feed.items]}",
    )
    headline_xml = xml_escape(article.headline)
    rss_read = get_rss_feed.sync_detailed(client=anon)
    rss = expect(rss_read, 200, str, "getRssFeed")
    check(rss_read.headers.get("content-type", "").startswith("application/rss+xml"), f"getRssFeed: content-type {rss_read.headers.get('content-type')!r}")
    check(f"<title>{headline_xml}</title>" in rss and feed_id in rss, f"getRssFeed: no item for the article in {show(rss)}")
    rss_item = next((i for i in ElementTree.fromstring(rss).iter("item") if i.findtext("guid") == feed_id), None)
    check(
        rss_item is not None
        and rss_item.findtext("title") == article.headline
        and rss_item.findtext("link") == article_url
        and "<em>Monday</em>" in (rss_item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""),
        f"getRssFeed: item {ElementTree.tostring(rss_item, encoding='unicode') if rss_item is not None else None}",
    )
    atom_read = get_atom_feed.sync_detailed(client=anon, section=section_slug)
    atom = expect(atom_read, 200, str, "getAtomFeed (section)")
    check(atom_read.headers.get("content-type", "").startswith("application/atom+xml"), f"getAtomFeed: content-type {atom_read.headers.get('content-type')!r}")
    check(f"<title>{headline_xml}</title>" in atom and feed_id in atom, f"getAtomFeed: no entry for the article in {show(atom)}")
    atom_ns = "{http://www.w3.org/2005/Atom}"
    atom_entry = next((e for e in ElementTree.fromstring(atom).iter(f"{atom_ns}entry") if e.findtext(f"{atom_ns}id") == feed_id), None)
    atom_link = atom_entry.find(f"{atom_ns}link[@rel='alternate']") if atom_entry is not None else None
    check(
        atom_entry is not None
        and atom_entry.findtext(f"{atom_ns}title") == article.headline
        and atom_link is not None
        and atom_link.get("href") == article_url
        and "<em>Monday</em>" in (atom_entry.findtext(f"{atom_ns}content") or ""),
        f"getAtomFeed: entry {ElementTree.tostring(atom_entry, encoding='unicode') if atom_entry is not None else None}",
    )
    no_section = f"no-such-section-{SUFFIX}"
    expect_problem(get_rss_feed.sync_detailed(client=anon, section=no_section), 404, "not_found", "getRssFeed of an unknown section")
    expect_problem(get_json_feed.sync_detailed(client=anon, section=no_section), 404, "not_found", "getJsonFeed of an unknown section")
    expect_problem(get_atom_feed.sync_detailed(client=anon, limit=0), 422, "validation_failed", "getAtomFeed with limit 0")
    expect_problem(get_json_feed.sync_detailed(client=anon, limit=101), 422, "validation_failed", "getJsonFeed with limit 101")
    step(
        "feeds",
        f"JSON Feed {len(feed.items)} items with {feed_id} at {feed_item.url} (304 on If-None-Match), "
        f"section {len(section_feed.items)}; RSS and Atom hold it; unknown section -> 404; bad limit -> 422",
    )

    # 19. What readers and search engines find next, with no token. The related articles
    # of the free article: never itself, each a live article that shares a tag with it or
    # is in its section, those sharing tags first; the metered article (its section, no
    # tags) among them unless as many articles sharing tags fill the list (other runs on
    # the same database share "korea" and "japan"); and the metered article's related are
    # exactly the free one (the section holds just the two). The sitemaps: the index on
    # the site's address, page 1 holding the article's URL with its last change (304 on
    # If-None-Match), and the Google News sitemap with its headline and the site's name.
    # Like the earlier steps, this compares with the site settings saved in step 18: the
    # two scenarios run one after the other, so no other run saves the site in between.
    related_read = list_related_articles.sync_detailed(article_slug, client=anon)
    related = expect(related_read, 200, RelatedArticles, "listRelatedArticles")
    related_ids = [r.id for r in related.items]
    now = datetime.datetime.now(datetime.timezone.utc)

    def shares_tag(item: PublicArticleSummary) -> bool:
        return bool(set(item.tags) & set(article.tags))

    for item in related.items:
        check(isinstance(item, PublicArticleSummary), f"listRelatedArticles: item {item!r}")
        check(
            item.id != article.id and item.slug != article_slug,
            f"listRelatedArticles: the article itself among {related_ids}",
        )
        check(
            item.slug and item.headline and item.section.slug and item.published_at <= now + datetime.timedelta(minutes=1),
            f"listRelatedArticles: not a live article summary {show(item.to_dict())}",
        )
        check(
            shares_tag(item) or item.section.id == section.id,
            f"listRelatedArticles: {item.slug} shares no tag with {article.tags} and is not in {section_slug}",
        )
    sharing = [shares_tag(item) for item in related.items]
    check(sharing == sorted(sharing, reverse=True), f"listRelatedArticles: articles sharing tags not first: {[i.slug for i in related.items]}")
    check(len(related.items) <= 5, f"listRelatedArticles: {len(related.items)} items, the default is 5")
    check(
        metered.id in related_ids or (len(related.items) == 5 and all(sharing)),
        f"listRelatedArticles: the metered article {metered.id} (same section) missing from {[i.slug for i in related.items]}",
    )
    related_one = expect(
        list_related_articles.sync_detailed(article_slug, client=anon, limit=1), 200, RelatedArticles, "listRelatedArticles (limit 1)"
    )
    check(
        len(related_one.items) <= 1 and [r.id for r in related_one.items] == related_ids[:1],
        f"listRelatedArticles (limit 1): {[r.id for r in related_one.items]}, expected the first of {related_ids}",
    )
    metered_related = expect(
        list_related_articles.sync_detailed(metered_slug, client=anon), 200, RelatedArticles, "listRelatedArticles (metered)"
    )
    check(
        [(r.id, r.slug, r.headline, r.section.slug) for r in metered_related.items]
        == [(article.id, article_slug, article.headline, section_slug)],
        f"listRelatedArticles (metered): {[r.to_dict() for r in metered_related.items]}",
    )
    expect_problem(
        list_related_articles.sync_detailed(article_slug, client=anon, limit=0), 422, "validation_failed", "listRelatedArticles with limit 0"
    )
    expect_problem(
        list_related_articles.sync_detailed(f"no-such-article-{SUFFIX}", client=anon), 404, "not_found", "listRelatedArticles of an unknown slug"
    )
    step(
        "listRelatedArticles",
        f"{len(related.items)} for {article_slug} (not itself; metered "
        f"{'included' if metered.id in related_ids else 'crowded out by articles sharing tags'}); limit 1 -> "
        f"{len(related_one.items)}; the metered one's -> the free one; limit 0 -> 422; unknown slug -> 404",
    )

    sitemap_ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    news_ns = "{http://www.google.com/schemas/sitemap-news/0.9}"

    def xml_text(response: Response[Any], what: str) -> ElementTree.Element:
        text = expect(response, 200, str, what)
        content_type = response.headers.get("content-type", "")
        check(content_type.startswith("application/xml"), f"{what}: content-type {content_type!r}")
        try:
            return ElementTree.fromstring(text)
        except ElementTree.ParseError as error:
            fail(f"{what}: not XML ({error}): {show(text)}")

    index = xml_text(get_sitemap_index.sync_detailed(client=anon), "getSitemapIndex")
    check(index.tag == f"{sitemap_ns}sitemapindex", f"getSitemapIndex: root {index.tag}")
    index_locs = [loc.text or "" for loc in index.iter(f"{sitemap_ns}loc")]
    check(index_locs and all(loc.startswith(f"{site_url}/") for loc in index_locs), f"getSitemapIndex: locs {index_locs}")
    check(
        f"{site_url}/api/v1/public/sitemaps/1" in index_locs and f"{site_url}/api/v1/public/news-sitemap" in index_locs,
        f"getSitemapIndex: locs {index_locs}",
    )
    page_read = get_sitemap_page.sync_detailed(1, client=anon)
    page = xml_text(page_read, "getSitemapPage 1")
    check(page.tag == f"{sitemap_ns}urlset", f"getSitemapPage 1: root {page.tag}")
    page_url = next((u for u in page.iter(f"{sitemap_ns}url") if u.findtext(f"{sitemap_ns}loc") == article_url), None)
    check(page_url is not None, f"getSitemapPage 1: no <url> for {article_url} among {len(page.findall(f'{sitemap_ns}url'))}")
    assert page_url is not None
    lastmod = page_url.findtext(f"{sitemap_ns}lastmod") or ""
    try:
        lastmod_at = datetime.datetime.fromisoformat(lastmod)
    except ValueError:
        fail(f"getSitemapPage 1: lastmod {lastmod!r} for {article_url}")
    check(lastmod_at.tzinfo is not None, f"getSitemapPage 1: lastmod {lastmod!r} without a time zone")
    page_etag = page_read.headers.get("etag")
    check(page_etag is not None, "getSitemapPage 1: no ETag")
    assert page_etag is not None
    page_again = get_sitemap_page.sync_detailed(1, client=anon, if_none_match=page_etag)
    check(page_again.status_code == HTTPStatus.NOT_MODIFIED, f"getSitemapPage 1 If-None-Match: HTTP {int(page_again.status_code)}")
    expect_problem(get_sitemap_page.sync_detailed(999999, client=anon), 404, "not_found", "getSitemapPage 999999")
    news = xml_text(get_news_sitemap.sync_detailed(client=anon), "getNewsSitemap")
    check(news.tag == f"{sitemap_ns}urlset", f"getNewsSitemap: root {news.tag}")
    news_url = next((u for u in news.iter(f"{sitemap_ns}url") if u.findtext(f"{sitemap_ns}loc") == article_url), None)
    check(news_url is not None, f"getNewsSitemap: no <url> for {article_url}")
    assert news_url is not None
    news_entry = news_url.find(f"{news_ns}news")
    check(news_entry is not None, f"getNewsSitemap: no news:news in {ElementTree.tostring(news_url, encoding='unicode')}")
    assert news_entry is not None
    news_fields = {
        "title": news_entry.findtext(f"{news_ns}title"),
        "name": news_entry.findtext(f"{news_ns}publication/{news_ns}name"),
        "language": news_entry.findtext(f"{news_ns}publication/{news_ns}language"),
    }
    check(
        news_fields == {"title": article.headline, "name": site_name, "language": "en"},
        f"getNewsSitemap: {news_fields}, expected title {article.headline!r}, name {site_name!r}, language 'en'",
    )
    step(
        "sitemaps",
        f"index {len(index_locs)} locs on {site_url}; page 1 has {article_url} (lastmod {lastmod}, 304 on If-None-Match {page_etag}); "
        f"page 999999 -> 404; news sitemap: {news_fields['title']!r} from {news_fields['name']!r} ({news_fields['language']})",
    )

    # 20. Tags as records. The editor makes one by hand with a description (201, ETag "1",
    # its slug made from the name); a writer is refused (403) and the same name in other
    # case is a 409 (`tag_exists`: names differing only in case are one tag); its public
    # page is a 404 while no live article carries it. An article given that name in lower
    # case and a name no tag has carries the existing tag's name and a new tag (named in
    # lower case); published, listTags finds the tag with its article and getTag reads it
    # with its ETag, and its public page (no token) lists the article. Renamed with a new
    # slug (If-Match), the public article carries the new name and the old slug answers
    # 301 to the new page; the new tag merged into it (If-Match of the merged tag) leaves
    # the article one tag and the merged tag's slug a 301 too; deleted (a stale If-Match
    # is 412), its page and former slugs are 404 and the article carries no tag. Names
    # carry the run's suffix, so reruns against one database work. The generated client
    # does not follow redirects (httpx's and its own default, follow_redirects=False), so
    # the 301 itself and its Location are what the scenario sees.
    writer_email = f"writer-{LANG}-{SUFFIX}@example.org"
    writer_user = expect(
        create_user.sync_detailed(
            client=admin,
            body=CreateUserRequest.from_dict(
                {"email": writer_email, "display_name": f"Writer {LANG.upper()} {SUFFIX}", "role": "writer", "password": password}
            ),
        ),
        201,
        UserResponse,
        "createUser writer",
    )
    check(writer_user.role.value == "writer", f"createUser writer: role {writer_user.role}")
    writer = sign_in(writer_email, password, "writer")
    tag_name = f"Energy transition {LANG} {SUFFIX}"
    tag_slug = f"energy-transition-{LANG}-{SUFFIX}"
    tag_description = "Our reporting on the move away from fossil fuels."
    tag_created = create_tag.sync_detailed(
        client=editor, body=CreateTagRequest.from_dict({"name": tag_name, "description": tag_description})
    )
    tag = expect(tag_created, 201, TagResponse, "createTag")
    tag_etag = expect_etag(tag_created, 1, "createTag")
    expect_location(tag_created, "/api/v1/tags", tag.id, "createTag")
    check(
        (tag.name, tag.slug, tag.description, tag.article_count, tag.version) == (tag_name, tag_slug, tag_description, 0, 1),
        f"createTag: {tag.to_dict()}",
    )
    expect_problem(
        create_tag.sync_detailed(client=writer, body=CreateTagRequest.from_dict({"name": f"Writers' picks {LANG} {SUFFIX}"})),
        403,
        "forbidden",
        "createTag as a writer",
    )
    other_case = f"energy TRANSITION {LANG.upper()} {SUFFIX.upper()}"
    expect_problem(
        create_tag.sync_detailed(client=editor, body=CreateTagRequest.from_dict({"name": other_case})),
        409,
        "tag_exists",
        "createTag with the same name in other case",
    )
    expect_problem(get_public_tag.sync_detailed(tag_slug, client=anon), 404, "not_found", "getPublicTag (no live article carries it)")
    step(
        "createTag",
        f"id={tag.id} slug={tag.slug} ETag={tag_etag}; writer -> 403; {other_case!r} -> 409 tag_exists; "
        f"public page 404 while no live article carries it",
    )

    grid_name = f"grid {LANG} {SUFFIX}"
    tagged_slug = f"clients-{LANG}-{SUFFIX}-grid-connections"
    tagged_created = create_article.sync_detailed(
        client=editor,
        body=CreateArticleRequest.from_dict(
            {
                "headline": f"Wind farms wait years for a grid connection ({LANG} {SUFFIX})",
                "section_id": section.id,
                "slug": tagged_slug,
                "body": [{"type": "paragraph", "text": "LONDON -- Hundreds of projects are queuing to connect."}],
                "tags": [f"energy transition {LANG} {SUFFIX}", grid_name],
            }
        ),
    )
    tagged = expect(tagged_created, 201, ArticleResponse, "createArticle (tagged)")
    tagged_etag = expect_etag(tagged_created, 1, "createArticle (tagged)")
    check(tagged.tags == [tag_name, grid_name], f"createArticle (tagged): tags {tagged.tags}, expected {[tag_name, grid_name]}")
    tagged_published = publish_article.sync_detailed(tagged.id, client=editor, if_match=tagged_etag, body=None)
    tagged = expect(tagged_published, 200, ArticleResponse, "publishArticle (tagged)")
    expect_etag(tagged_published, 2, "publishArticle (tagged)")
    check(
        tagged.status.value == "published" and tagged.tags == [tag_name, grid_name],
        f"publishArticle (tagged): {tagged.status.value} tags {tagged.tags}",
    )
    found = expect(
        list_tags.sync_detailed(client=editor, q=f"energy transition {LANG} {SUFFIX}"), 200, TagPage, "listTags (q)"
    )
    check(
        [(t.id, t.name, t.slug, t.article_count) for t in found.items] == [(tag.id, tag_name, tag_slug, 1)],
        f"listTags (q): {[t.to_dict() for t in found.items]}",
    )
    tag_read = get_tag.sync_detailed(tag.id, client=editor)
    tag = expect(tag_read, 200, TagResponse, "getTag")
    tag_etag = expect_etag(tag_read, 1, "getTag")
    check(
        (tag.name, tag.slug, tag.description, tag.article_count, tag.version) == (tag_name, tag_slug, tag_description, 1, 1),
        f"getTag: {tag.to_dict()}",
    )
    tag_page_read = get_public_tag.sync_detailed(tag_slug, client=anon)
    tag_page = expect(tag_page_read, 200, PublicTagPage, "getPublicTag")
    check(
        tag_page.tag.to_dict() == {"slug": tag_slug, "name": tag_name, "description": tag_description},
        f"getPublicTag: tag {tag_page.tag.to_dict()}",
    )
    tag_page_item = next((a for a in tag_page.articles.items if a.slug == tagged_slug), None)
    check(
        tag_page_item is not None and tag_page_item.id == tagged.id and tag_page_item.tags == [tag_name, grid_name],
        f"getPublicTag: no {tagged_slug} among {[a.slug for a in tag_page.articles.items]}",
    )
    tag_page_etag = tag_page_read.headers.get("etag")
    check(tag_page_etag is not None, "getPublicTag: no ETag")
    assert tag_page_etag is not None
    tag_page_again = get_public_tag.sync_detailed(tag_slug, client=anon, if_none_match=tag_page_etag)
    check(tag_page_again.status_code == HTTPStatus.NOT_MODIFIED, f"getPublicTag If-None-Match: HTTP {int(tag_page_again.status_code)}")
    step(
        "tagged article + getPublicTag",
        f"{tagged_slug} tags {tagged.tags}; listTags q -> article_count {found.items[0].article_count}; getTag ETag={tag_etag}; "
        f"public page {len(tag_page.articles.items)} article(s), 304 on If-None-Match",
    )

    def expect_moved(old_slug: str, new_slug: str, what: str) -> None:
        moved = get_public_tag.sync_detailed(old_slug, client=anon)
        if moved.status_code != HTTPStatus.MOVED_PERMANENTLY:
            fail(f"{what}: expected HTTP 301, got {int(moved.status_code)}: {show(moved.content)}")
        expect_location(moved, "/api/v1/public/tags", new_slug, what)

    def public_tags(what: str) -> list[str]:
        read = get_public_article.sync_detailed(tagged_slug, client=anon)
        return expect(read, 200, PublicArticleResponse, f"getPublicArticle ({what})").tags

    energy_name = f"Energy {LANG} {SUFFIX}"
    energy_slug = f"energy-{LANG}-{SUFFIX}"
    renamed = update_tag.sync_detailed(
        tag.id, client=editor, if_match=tag_etag, body=UpdateTagRequest.from_dict({"slug": energy_slug, "name": energy_name})
    )
    tag = expect(renamed, 200, TagResponse, "updateTag")
    stale_tag_etag, tag_etag = tag_etag, expect_etag(renamed, 2, "updateTag")
    check(
        (tag.name, tag.slug, tag.description, tag.article_count, tag.version) == (energy_name, energy_slug, tag_description, 1, 2),
        f"updateTag: {tag.to_dict()}",
    )
    renamed_tags = public_tags("tag renamed")
    check(renamed_tags == [energy_name, grid_name], f"getPublicArticle (tag renamed): tags {renamed_tags}")
    expect_moved(tag_slug, energy_slug, "getPublicTag (the former slug)")
    renamed_page = expect(get_public_tag.sync_detailed(energy_slug, client=anon), 200, PublicTagPage, "getPublicTag (renamed)")
    check(
        (renamed_page.tag.slug, renamed_page.tag.name) == (energy_slug, energy_name)
        and tagged_slug in [a.slug for a in renamed_page.articles.items],
        f"getPublicTag (renamed): {renamed_page.tag.to_dict()} {[a.slug for a in renamed_page.articles.items]}",
    )

    grid_found = expect(list_tags.sync_detailed(client=editor, q=grid_name), 200, TagPage, "listTags (q grid)")
    check(
        [(t.name, t.slug, t.article_count, t.version) for t in grid_found.items] == [(grid_name, f"grid-{LANG}-{SUFFIX}", 1, 1)],
        f"listTags (q grid): {[t.to_dict() for t in grid_found.items]}",
    )
    grid = grid_found.items[0]
    merged = merge_tag.sync_detailed(
        grid.id, client=editor, if_match=f'"{grid.version}"', body=MergeTagRequest.from_dict({"into": tag.id})
    )
    kept = expect(merged, 200, TagResponse, "mergeTag")
    expect_etag(merged, 2, "mergeTag")
    check(
        (kept.id, kept.name, kept.slug, kept.article_count, kept.version) == (tag.id, energy_name, energy_slug, 1, 2),
        f"mergeTag: {kept.to_dict()}",
    )
    merged_tags = public_tags("tags merged")
    check(merged_tags == [energy_name], f"getPublicArticle (tags merged): tags {merged_tags}")
    expect_moved(grid.slug, energy_slug, "getPublicTag (the merged tag's slug)")
    expect_problem(get_tag.sync_detailed(grid.id, client=editor), 404, "not_found", "getTag (merged away)")

    expect_problem(
        delete_tag.sync_detailed(tag.id, client=editor, if_match=stale_tag_etag), 412, "precondition_failed", "deleteTag with a stale If-Match"
    )
    expect_empty(delete_tag.sync_detailed(tag.id, client=editor, if_match=tag_etag), 204, "deleteTag")
    expect_problem(get_public_tag.sync_detailed(energy_slug, client=anon), 404, "not_found", "getPublicTag after deleteTag")
    expect_problem(get_public_tag.sync_detailed(tag_slug, client=anon), 404, "not_found", "getPublicTag (a former slug) after deleteTag")
    expect_problem(get_tag.sync_detailed(tag.id, client=editor), 404, "not_found", "getTag after deleteTag")
    deleted_tags = public_tags("tag deleted")
    check(deleted_tags == [], f"getPublicArticle (tag deleted): tags {deleted_tags}")
    step(
        "updateTag + mergeTag + deleteTag",
        f"renamed {energy_name!r} v{tag.version} (article tags {renamed_tags}; {tag_slug} -> 301 {energy_slug}); "
        f"{grid.slug} merged in (article tags {merged_tags}; -> 301 {energy_slug}); stale delete -> 412; "
        f"delete -> 204, page and former slug 404, article tags {deleted_tags}",
    )

    # 21. Authors as records. The editor makes a freelancer's byline (201, ETag "1",
    # Location, its slug made from the name; the bio's inline HTML kept and its <script>
    # removed); a writer is refused (403); listAuthors finds it by name. The editor's own
    # author was made for them with their first article: it carries their user id as its
    # id and is linked to them. An article by the editor naming the freelancer has both
    # bylines, the editor's (their user id names their author) first; published, the
    # public article carries both as exactly {id, display_name}; the author's public page
    # (no token) is the same by slug and by id and lists the article, and so does
    # `/public/articles?author=<slug>`. Renamed (If-Match), the byline carries the new
    # name at once; the author cannot be deleted while an article names them (409
    # `author_has_articles`); with the byline changed back to the editor alone (If-Match)
    # the delete is a 204 and the author is gone. Names carry the run's suffix.
    own_read = get_author.sync_detailed(editor_user.id, client=editor)
    own = expect(own_read, 200, AuthorResponse, "getAuthor (the editor's own)")
    expect_etag(own_read, own.version, "getAuthor (the editor's own)")
    check(
        own.id == editor_user.id and own.user_id == editor_user.id and own.name == editor_name and bool(own.slug),
        f"getAuthor (the editor's own): {own.to_dict()}",
    )

    wire_name = f"Wire {SUFFIX}"
    wire_slug = f"wire-{SUFFIX}"
    wire_job_title = "News agency"
    wire_links = [{"label": "Website", "url": f"https://wire.example.org/{SUFFIX}"}]
    wire_bio = "Copy from our <em>Brussels</em> desk."
    author_created = create_author.sync_detailed(
        client=editor,
        body=CreateAuthorRequest.from_dict(
            {
                "name": wire_name,
                "job_title": wire_job_title,
                "links": wire_links,
                "bio": wire_bio + "<script>alert('wire')</script>",
            }
        ),
    )
    wire = expect(author_created, 201, AuthorResponse, "createAuthor")
    wire_etag = expect_etag(author_created, 1, "createAuthor")
    expect_location(author_created, "/api/v1/authors", wire.id, "createAuthor")
    check(
        (wire.name, wire.slug, wire.job_title, wire.bio, [link.to_dict() for link in wire.links], wire.article_count, wire.version)
        == (wire_name, wire_slug, wire_job_title, wire_bio, wire_links, 0, 1)
        and wire.user_id in (None, UNSET)
        and wire.photo in (None, UNSET),
        f"createAuthor: {wire.to_dict()}",
    )
    expect_problem(
        create_author.sync_detailed(client=writer, body=CreateAuthorRequest.from_dict({"name": f"Writers' friend {SUFFIX}"})),
        403,
        "forbidden",
        "createAuthor as a writer",
    )
    authors_found = expect(list_authors.sync_detailed(client=editor, q=wire_name), 200, AuthorPage, "listAuthors (q)")
    check(
        [(a.id, a.name, a.slug) for a in authors_found.items] == [(wire.id, wire_name, wire_slug)],
        f"listAuthors (q): {[a.to_dict() for a in authors_found.items]}",
    )
    step(
        "createAuthor",
        f"id={wire.id} slug={wire.slug} ETag={wire_etag}, bio {wire.bio!r} (script removed); writer -> 403; listAuthors q finds it; "
        f"the editor's own author {own.slug} has their user id",
    )

    wire_article_slug = f"clients-{LANG}-{SUFFIX}-wire-copy"
    wire_article_created = create_article.sync_detailed(
        client=editor,
        body=CreateArticleRequest.from_dict(
            {
                "headline": f"Ministers agree a common grid code ({LANG} {SUFFIX})",
                "section_id": section.id,
                "slug": wire_article_slug,
                "body": [{"type": "paragraph", "text": "BRUSSELS -- The code takes effect next year."}],
                "author_ids": [wire.id],
            }
        ),
    )
    wire_article = expect(wire_article_created, 201, ArticleResponse, "createArticle (with an author)")
    wire_article_etag = expect_etag(wire_article_created, 1, "createArticle (with an author)")
    check(
        wire_article.author_ids == [editor_user.id, wire.id],
        f"createArticle (with an author): author_ids {wire_article.author_ids}, expected {[editor_user.id, wire.id]}",
    )
    wire_published = publish_article.sync_detailed(wire_article.id, client=editor, if_match=wire_article_etag, body=None)
    wire_article = expect(wire_published, 200, ArticleResponse, "publishArticle (with an author)")
    wire_article_etag = expect_etag(wire_published, 2, "publishArticle (with an author)")
    check(
        wire_article.status.value == "published" and wire_article.author_ids == [editor_user.id, wire.id],
        f"publishArticle (with an author): {wire_article.status.value} author_ids {wire_article.author_ids}",
    )

    def public_bylines(what: str) -> list[dict[str, Any]]:
        read = get_public_article.sync_detailed(wire_article_slug, client=anon)
        return [a.to_dict() for a in expect(read, 200, PublicArticleResponse, f"getPublicArticle ({what})").authors]

    editor_byline = {"id": editor_user.id, "display_name": editor_name}
    bylines = public_bylines("with an author")
    check(
        bylines == [editor_byline, {"id": wire.id, "display_name": wire_name}],
        f"getPublicArticle (with an author): authors {bylines}",
    )
    wire_profile = {
        "id": wire.id,
        "slug": wire_slug,
        "name": wire_name,
        "job_title": wire_job_title,
        "bio": wire_bio,
        "photo": None,
        "links": wire_links,
    }
    author_page_read = get_public_author.sync_detailed(wire_slug, client=anon)
    author_page = expect(author_page_read, 200, PublicAuthorPage, "getPublicAuthor (slug)")
    check(author_page.author.to_dict() == wire_profile, f"getPublicAuthor (slug): author {author_page.author.to_dict()}")
    check(
        [a.id for a in author_page.articles.items if a.slug == wire_article_slug] == [wire_article.id],
        f"getPublicAuthor (slug): no {wire_article_slug} among {[a.slug for a in author_page.articles.items]}",
    )
    author_page_etag = author_page_read.headers.get("etag")
    check(author_page_etag is not None, "getPublicAuthor: no ETag")
    assert author_page_etag is not None
    author_page_again = get_public_author.sync_detailed(wire_slug, client=anon, if_none_match=author_page_etag)
    check(
        author_page_again.status_code == HTTPStatus.NOT_MODIFIED,
        f"getPublicAuthor If-None-Match: HTTP {int(author_page_again.status_code)}",
    )
    by_id = expect(get_public_author.sync_detailed(wire.id, client=anon), 200, PublicAuthorPage, "getPublicAuthor (id)")
    check(
        by_id.to_dict() == author_page.to_dict(),
        f"getPublicAuthor (id): {show(by_id.to_dict())}, by slug {show(author_page.to_dict())}",
    )
    by_author = expect(
        list_public_articles.sync_detailed(client=anon, author=wire_slug), 200, PublicArticlePage, "listPublicArticles (author)"
    )
    check(
        wire_article_slug in [a.slug for a in by_author.items]
        and all(wire.id in [b.id for b in a.authors] for a in by_author.items),
        f"listPublicArticles (author={wire_slug}): {[(a.slug, [b.to_dict() for b in a.authors]) for a in by_author.items]}",
    )
    step(
        "authored article + getPublicAuthor",
        f"{wire_article_slug} author_ids [editor, {wire.id}]; public bylines {[b['display_name'] for b in bylines]}; "
        f"author page by slug = by id, {len(author_page.articles.items)} article(s), 304 on If-None-Match; "
        f"?author={wire_slug} -> {len(by_author.items)} article(s)",
    )

    wire_new_name = f"Wire Service {SUFFIX}"
    wire_renamed = update_author.sync_detailed(
        wire.id, client=editor, if_match=wire_etag, body=UpdateAuthorRequest.from_dict({"name": wire_new_name})
    )
    wire = expect(wire_renamed, 200, AuthorResponse, "updateAuthor")
    wire_etag = expect_etag(wire_renamed, 2, "updateAuthor")
    check(
        (wire.name, wire.slug, wire.job_title, wire.bio, wire.article_count, wire.version)
        == (wire_new_name, wire_slug, wire_job_title, wire_bio, 1, 2),
        f"updateAuthor: {wire.to_dict()}",
    )
    renamed_bylines = public_bylines("author renamed")
    check(
        renamed_bylines == [editor_byline, {"id": wire.id, "display_name": wire_new_name}],
        f"getPublicArticle (author renamed): authors {renamed_bylines}",
    )
    expect_problem(
        delete_author.sync_detailed(wire.id, client=editor, if_match=wire_etag),
        409,
        "author_has_articles",
        "deleteAuthor while an article names them",
    )
    rebylined = update_article.sync_detailed(
        wire_article.id,
        client=editor,
        if_match=wire_article_etag,
        body=UpdateArticleRequest.from_dict({"author_ids": [editor_user.id]}),
    )
    wire_article = expect(rebylined, 200, ArticleResponse, "updateArticle (byline)")
    expect_etag(rebylined, 3, "updateArticle (byline)")
    check(wire_article.author_ids == [editor_user.id], f"updateArticle (byline): author_ids {wire_article.author_ids}")
    rebylined_bylines = public_bylines("byline changed")
    check(rebylined_bylines == [editor_byline], f"getPublicArticle (byline changed): authors {rebylined_bylines}")
    expect_empty(delete_author.sync_detailed(wire.id, client=editor, if_match=wire_etag), 204, "deleteAuthor")
    expect_problem(get_author.sync_detailed(wire.id, client=editor), 404, "not_found", "getAuthor after deleteAuthor")
    expect_problem(
        get_public_author.sync_detailed(wire_slug, client=anon), 404, "not_found", "getPublicAuthor after deleteAuthor"
    )
    step(
        "updateAuthor + deleteAuthor",
        f"renamed {wire_new_name!r} v{wire.version} (public bylines {[b['display_name'] for b in renamed_bylines]}); "
        f"delete -> 409 author_has_articles; byline back to the editor alone; delete -> 204, getAuthor 404",
    )

    # 22. Paid content. The editor creates an article marked with a sponsorship (201, the
    # sponsorship as sent); a writer may not mark one (403). Published, the public article
    # says `sponsored: true` with the same sponsorship, and its JSON-LD is an
    # AdvertiserContentArticle naming the sponsor.
    sponsorship = {
        "sponsor_name": f"Acme Bank {SUFFIX}",
        "sponsor_url": "https://acme.example.com",
        "label": "Paid post",
        "disclosure": "This article was paid for by Acme Bank.",
    }
    paid_slug = f"clients-{LANG}-{SUFFIX}-paid"
    paid_created = create_article.sync_detailed(
        client=editor,
        body=CreateArticleRequest.from_dict(
            {"headline": f"Saving early pays ({LANG} {SUFFIX})", "section_id": section.id, "slug": paid_slug, "sponsorship": sponsorship}
        ),
    )
    paid = expect(paid_created, 201, ArticleResponse, "createArticle (paid content)")
    paid_etag = expect_etag(paid_created, 1, "createArticle (paid content)")
    check(
        paid.sponsorship is not None and paid.sponsorship.to_dict() == sponsorship,
        f"createArticle (paid content): sponsorship {paid.sponsorship}",
    )
    expect_problem(
        create_article.sync_detailed(
            client=writer,
            body=CreateArticleRequest.from_dict(
                {"headline": f"Mine ({LANG} {SUFFIX})", "section_id": section.id, "sponsorship": sponsorship}
            ),
        ),
        403,
        "forbidden",
        "createArticle (paid content) as a writer",
    )
    expect(
        publish_article.sync_detailed(paid.id, client=editor, if_match=paid_etag, body=None),
        200,
        ArticleResponse,
        "publishArticle (paid content)",
    )
    paid_public = expect(
        get_public_article.sync_detailed(paid_slug, client=anon), 200, PublicArticleResponse, "getPublicArticle (paid content)"
    )
    paid_ld = paid_public.structured_data.to_dict()
    check(
        paid_public.sponsored is True
        and paid_public.sponsorship is not None
        and paid_public.sponsorship.to_dict() == sponsorship
        and paid_ld.get("@type") == "AdvertiserContentArticle"
        and paid_ld.get("sponsor", {}).get("name") == sponsorship["sponsor_name"],
        f"getPublicArticle (paid content): sponsored {paid_public.sponsored}, @type {paid_ld.get('@type')}",
    )
    step(
        "createArticle (paid content)",
        f"sponsorship kept; writer -> 403; public sponsored={paid_public.sponsored}, JSON-LD {paid_ld.get('@type')}",
    )

    # 23. API keys. The admin makes an editor key for an integration (201, Location, the
    # key shown once: `mhk_`, its prefix kept); a client holding the key alone reads
    # getMe (the key's own account, role editor) and creates an article, which the key
    # bylines when it names nobody; getApiKey then shows the key's use and never the
    # key. Revoked (204), the key's next request is a 401 `token_revoked`; the audit log
    # names both, by the admin.
    key_created = create_api_key.sync_detailed(
        client=admin, body=CreateApiKeyRequest.from_dict({"name": f"Ingest {LANG} {SUFFIX}", "role": "editor"})
    )
    made = expect(key_created, 201, CreatedApiKeyResponse, "createApiKey")
    expect_location(key_created, "/api/v1/api-keys", made.id, "createApiKey")
    check(
        made.key.startswith("mhk_") and made.prefix == made.key[:12] and made.status.value == "active",
        f"createApiKey: prefix {made.prefix!r}, status {made.status}",
    )
    integration = signed_in(made.key)
    key_me = expect(get_me.sync_detailed(client=integration), 200, UserResponse, "getMe (API key)")
    check(key_me.id == made.id and key_me.role.value == "editor", f"getMe (API key): {key_me.to_dict()}")
    key_article = expect(
        create_article.sync_detailed(
            client=integration,
            body=CreateArticleRequest.from_dict({"headline": f"Filed by a key ({LANG} {SUFFIX})", "section_id": section.id}),
        ),
        201,
        ArticleResponse,
        "createArticle (API key)",
    )
    check(key_article.author_ids == [made.id], f"createArticle (API key): author_ids {key_article.author_ids}")
    key_read = expect(get_api_key.sync_detailed(made.id, client=admin), 200, ApiKeyResponse, "getApiKey")
    check(
        isinstance(key_read.last_used_at, datetime.datetime) and made.key not in json.dumps(key_read.to_dict()),
        f"getApiKey: {key_read.to_dict()}",
    )
    expect_empty(revoke_api_key.sync_detailed(made.id, client=admin), 204, "revokeApiKey")
    expect_problem(get_me.sync_detailed(client=integration), 401, "token_revoked", "getMe after revokeApiKey")
    # The audit log holds both, by the admin; the key's own writes name it.
    audit_page = expect(list_audit_log.sync_detailed(client=admin, target=made.id), 200, AuditPage, "listAuditLog")
    audited = [(e.action.value, e.actor.id) for e in audit_page.items]
    check(
        audited == [("api_key.revoked", me.id), ("api_key.created", me.id)],
        f"listAuditLog (target the key): {audited}",
    )
    by_key = expect(list_audit_log.sync_detailed(client=admin, actor=made.id), 200, AuditPage, "listAuditLog (actor)")
    check(
        all(e.actor.kind.value == "api_key" for e in by_key.items),
        f"listAuditLog (actor the key): {[e.to_dict() for e in by_key.items]}",
    )
    step(
        "createApiKey + revokeApiKey",
        f"key {made.prefix}... acts as {key_me.role.value}; article by it; last used {key_read.last_used_at}; revoked -> 401",
    )

    # 24. External ids and lookup. An article made with the id another system gave it
    # carries it as given; lookupArticle finds it by that id and by its slug (with its
    # ETag), and a query with neither is a 422 naming `query`.
    wire_id = f"wire {LANG}/{SUFFIX}?p=1"
    imported = expect(
        create_article.sync_detailed(
            client=admin,
            body=CreateArticleRequest.from_dict(
                {"headline": f"From the wire ({LANG} {SUFFIX})", "section_id": section.id, "external_id": wire_id}
            ),
        ),
        201,
        ArticleResponse,
        "createArticle (external_id)",
    )
    check(imported.external_id == wire_id, f"createArticle: external_id {imported.external_id!r}")
    by_external = lookup_article.sync_detailed(client=admin, external_id=wire_id)
    found = expect(by_external, 200, ArticleResponse, "lookupArticle (external_id)")
    check(found.id == imported.id, f"lookupArticle (external_id): {found.id}")
    expect_etag(by_external, 1, "lookupArticle (external_id)")
    by_slug = expect(
        lookup_article.sync_detailed(client=admin, slug=imported.slug), 200, ArticleResponse, "lookupArticle (slug)"
    )
    check(by_slug.external_id == wire_id, f"lookupArticle (slug): {by_slug.external_id!r}")
    neither = expect_problem(lookup_article.sync_detailed(client=admin), 422, "validation_failed", "lookupArticle (neither)")
    check(
        isinstance(neither.errors, list) and neither.errors[0].field == "query",
        f"lookupArticle (neither): {neither.to_dict()}",
    )
    step("lookupArticle", f"found by external id {wire_id!r} and by slug {imported.slug}; neither -> 422")

    for note in notes:
        print(f"[{LANG}] note: {note}", flush=True)
    print(f"[{LANG}] scenario passed: {step_count} steps against {BASE_URL}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except ScenarioFailure as failure:
        print(f"[{LANG}] FAILED after {step_count} steps: {failure}", file=sys.stderr, flush=True)
        sys.exit(1)
    except errors.UnexpectedStatus as unexpected:
        print(
            f"[{LANG}] FAILED after {step_count} steps: a status the spec does not declare: "
            f"HTTP {unexpected.status_code}: {show(unexpected.content)}",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(1)
