"""Schemathesis hooks for tests/schemathesis/run (loaded through schemathesis.toml).

Each hook narrows what schemathesis *generates* where the contract cannot be written in
JSON Schema; none of them hides a response. The reason is written next to each one.
"""

import itertools
import os
import struct
import zlib

import schemathesis
from schemathesis.transport.serialization import Binary


@schemathesis.hook("before_call")
def no_invented_cursors(context, case, kwargs):
    # `cursor` is an opaque token the server issues in `next_cursor` (API.md: "opaque
    # ?cursor=", "Bad limit/cursor is a 422"). A string made up by the client is, by
    # design, not a cursor of the list, and 422 is the right answer to it; no schema can
    # say "a value this server issued". So a *positive* (schema-valid) case must not
    # carry an invented cursor: it is dropped there. Negative cases keep theirs.
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and isinstance(case.query, dict):
        case.query.pop("cursor", None)


# Set by the run script: the id of the user whose token this run carries, a seeded
# user that may be changed in its place, and a seeded section.
OWN_USER_ID = os.environ.get("SCHEMATHESIS_OWN_USER_ID", "")
STAND_IN_USER_ID = os.environ.get("SCHEMATHESIS_STAND_IN_USER_ID", "")
SECTION_ID = os.environ.get("SCHEMATHESIS_SECTION_ID", "")


@schemathesis.hook("before_call")
def keep_own_account(context, case, kwargs):
    # The admin run may change any user, its own account included. A new password, a
    # lower role or deactivation of the caller's own account take effect at once
    # (API.md: "Role or active-flag changes take effect on the user's next request"),
    # which is right, but then every later request of the run would test nothing but
    # 401. Writes to the run's own account go to a seeded stand-in user instead.
    if (
        OWN_USER_ID
        and STAND_IN_USER_ID
        and case.method in ("PATCH", "DELETE")
        and case.operation.path == "/api/v1/users/{id}"
        and isinstance(case.path_parameters, dict)
        and case.path_parameters.get("id") == OWN_USER_ID
    ):
        case.path_parameters["id"] = STAND_IN_USER_ID


@schemathesis.hook("before_call")
def existing_sections(context, case, kwargs):
    # `section_id` (articles) and `parent_id` (sections) must name an existing section
    # (API.md: references must exist, 422 otherwise); an invented id cannot. Positive
    # cases get the seeded section there, so they reach the rest of the validation and
    # the write itself.
    meta = case.meta
    if not SECTION_ID or meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    path = case.operation.path
    if path in ("/api/v1/articles", "/api/v1/articles/{id}") and isinstance(case.body.get("section_id"), str):
        case.body["section_id"] = SECTION_ID
    if path in ("/api/v1/sections", "/api/v1/sections/{id}") and isinstance(case.body.get("parent_id"), str):
        # The seeded section itself cannot move under itself (409/422, rightly): its
        # own PATCH keeps it at the top instead.
        own = case.method == "PATCH" and isinstance(case.path_parameters, dict) and case.path_parameters.get("id") == SECTION_ID
        case.body["parent_id"] = None if own else SECTION_ID
    if path == "/api/v1/paywall" and isinstance(case.body.get("counted_section_ids"), list):
        # `counted_section_ids` must name existing sections, likewise.
        if case.body["counted_section_ids"]:
            case.body["counted_section_ids"] = [SECTION_ID]


def _png(tint: int) -> bytes:
    """A 16x16 RGB PNG whose colour is `tint`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes((tint * 37 % 256, tint * 91 % 256, 200)) * 16  # filter 0, then pixels
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * 16)) + chunk(b"IEND", b"")


_uploads = itertools.count()


@schemathesis.hook("map_case")
def real_images(context, case):
    # `file` is any binary in the schema, but the library takes only what decodes as a
    # JPEG, PNG, WebP or GIF, read from the content (docs/media.md: anything else is 415,
    # a damaged image 422). "Bytes that decode as an image" is beyond a schema, so where
    # the generated `file` is schema-valid (bytes, or the text of the spec's example), a
    # small PNG made here is sent instead, and the case reaches decoding, storing and the
    # one-asset-per-content rule (eight images in turn: later ones are the 200 of bytes
    # already stored). A `file` of another type, a negative case's violation, is left as
    # generated, and so are the other parts. This is `map_case`, not `before_call`:
    # schemathesis re-judges only what `before_call` changes, and takes any body holding
    # bytes it re-judges for invalid.
    _with_real_image(case)
    return case


@schemathesis.hook("before_add_examples")
def real_images_in_examples(context, examples):
    # The examples phase does not map cases, and the spec's example has the text "(the
    # image file)" for `file`: the same as real_images, for the same reason.
    for case in examples:
        _with_real_image(case)


def _with_real_image(case):
    if case.method == "POST" and case.operation.path == "/api/v1/media" and isinstance(case.body, dict):
        file = case.body.get("file")
        if isinstance(file, (str, bytes)):  # Binary is a str
            png = _png(next(_uploads) % 8)
            case.body["file"] = Binary(png) if isinstance(file, Binary) else png


UPLOAD_TEXT_PARTS = ("alt", "caption", "credit")


@schemathesis.hook("filter_case")
def text_parts_are_text(context, case):
    # In multipart/form-data every part is bytes, and `alt`, `caption` and `credit` are
    # text parts. A value of another JSON type has no form of its own there:
    # schemathesis sends an object, number, boolean or null as its JSON text (`{}`, `5`,
    # `true`, `null`; its stateful phase included), which the API rightly reads as the
    # string it is. A case that claims such a type violation sends none, so it is not
    # generated. (Length and character violations of these parts are still sent, and
    # rejected; an absent part is simply not in the body.)
    if case.method != "POST" or case.operation.path != "/api/v1/media" or not isinstance(case.body, dict):
        return True
    return all(isinstance(case.body[name], str) for name in UPLOAD_TEXT_PARTS if name in case.body)


MEDIA_ID = os.environ.get("SCHEMATHESIS_MEDIA_ID", "")
MEDIA_RENDITIONS = os.environ.get("SCHEMATHESIS_MEDIA_RENDITIONS", "").split()


@schemathesis.hook("before_call")
def existing_renditions(context, case, kwargs):
    # A rendition exists only for a stored asset, at the sizes, crops and formats its
    # `renditions` list (docs/media.md: anything else is 404); an invented id or name
    # is not one. Positive cases get the seeded asset and one of its rendition names,
    # so that images are made, stored and served (and 304 on If-None-Match).
    meta = case.meta
    if (
        not MEDIA_ID
        or not MEDIA_RENDITIONS
        or meta is None
        or not meta.generation.mode.is_positive
        or case.operation.path != "/api/v1/public/media/{id}/{rendition}"
        or not isinstance(case.path_parameters, dict)
    ):
        return
    name = str(case.path_parameters.get("rendition", ""))
    case.path_parameters["id"] = MEDIA_ID
    case.path_parameters["rendition"] = MEDIA_RENDITIONS[zlib.crc32(name.encode()) % len(MEDIA_RENDITIONS)]
