"""Writes of the API app: creating and revoking API tokens.

Owns api_token_create() and api_token_revoke(). The secret is returned once
and never stored: the row keeps its SHA-256 and first characters.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from api.models import ApiToken

PREFIX_LENGTH = 8


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret (shown once)."""
    secret = "scrm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH], key_hash=token_hash(secret))
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
