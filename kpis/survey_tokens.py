"""The signed token of a survey's answer link.

Owns survey_token_make() and survey_token_survey_id(). A token is
django.core.signing over [survey id, random nonce] with a salt of its own,
so a token signed for anything else in the project (a session, a password
reset) never reads as a survey token, and any change to it fails the
signature (signing compares in constant time; SECRET_KEY_FALLBACKS keep
links working across a key rotation).

What this module does not decide: expiry and single use. Those live on the
row (SatisfactionSurvey.expires_at, answered_at), so an admin can extend a
link and an answer is final whatever the token says; kpis.services checks
them. The nonce makes each survey's token unique even if a deleted
survey's id comes back (SQLite may reuse the highest id), and the stored
token must equal the one presented, so an old link never answers a new row.
"""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "socialcrm.kpis.survey"


def survey_token_make(survey_id: int) -> str:
    """A new signed token naming `survey_id`; URL-safe (base64 and ':')."""
    return signing.dumps([survey_id, secrets.token_urlsafe(6)], salt=SALT)


def survey_token_survey_id(token: str) -> int | None:
    """The survey id a genuine token names; None for a forged, tampered or malformed one."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int and value[0] > 0):
        return None
    return value[0]
