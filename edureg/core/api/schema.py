"""The OpenAPI description: how to use the API and how to keep a copy in sync through the change feed.

Added to the generated schema by a drf-spectacular postprocessing hook (settings.SPECTACULAR_SETTINGS).
"""

GUIDE = """
## Signing in
Send a session cookie (the web pages) or a token: `POST /api/v1/auth/token/` with `username` and
`password` answers `{"token": "..."}`; send it as `Authorization: Token <token>`. The institution and
classifier registers can be read without signing in. What else you see depends on your roles: an
institution officer sees the learners and staff of their institution, a municipality officer those of
the municipality's institutions, an agency administrator everything.

## Natural codes
Records of other registers are written and filtered by their codes: classifier values by code
(`"municipality": "LT-57"`, read back as `{"code": "LT-57", "name": "..."}`), institutions by their
9-digit legal-entity code (`/api/v1/institutions/188603515/`). Personal codes are masked in lists;
the full code is shown only in a person's detail, to users who may change the person register, and
every detail read is logged. To find someone by personal code use `POST /api/v1/persons/lookup/`
(the code travels in the body, never in a URL).

## Errors
`400` with `{"field": ["message", ...]}` (or `non_field_errors`, `detail`) in the language of the
`Accept-Language` header (`lt` or `en`); `401` not signed in; `403` not allowed; `404` not found or not
in your scope; `409` the record is still referred to by others.

## Keeping a copy in sync: the change feed
Every create, update and delete of a register record is a change with a position `seq` in the feed
`GET /api/v1/changes/?after=<cursor>&limit=<n>` (agency administrators and the systems they give a
token to). Positions are handed out after the change is committed, so they grow in commit order: a
reader that follows them never misses a change and never sees one twice.

1. Call `GET /api/v1/changes/?limit=1` and note `last`, the newest position.
2. Take a full copy through the list endpoints.
3. Call `GET /api/v1/changes/?after=<last>`; apply each change of `results` in order: `create` and
   `update` carry the record's fields in `after` (store them whole), `delete` removes `object_id`.
   Changes made while you copied come again here; applying them again is harmless.
4. Store `next` as your cursor only after the page is applied. While `has_more` is true, call again
   at once with `after=<next>`; otherwise poll again later.

`type=institutions.institution,institutions.branch` narrows the feed to some record types. A cursor
beyond the newest position (for instance after the register was restored from a backup) is refused
with `400`: start again from step 1.
"""


def add_guide(result, generator, request, public):
    """drf-spectacular postprocessing hook: append the guide to the configured description."""
    info = result.setdefault("info", {})
    info["description"] = (info.get("description", "").rstrip() + "\n" + GUIDE).strip() + "\n"
    return result
