"""Schemathesis hooks for tests/schemathesis/run (loaded through schemathesis.toml).

Each hook narrows what schemathesis *generates* where the contract cannot be written in
JSON Schema; none of them hides a response. The reason is written next to each one.
"""

import os

import schemathesis


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
