"""Sign-in with throttling and lockout.

Two guards, both counted in the shared cache (socialcrm.ratelimit):
- per address: at most RATE_LIMITS["login"] sign-in attempts (a script
  trying many accounts from one place is slowed down);
- per account: after LOGIN_LOCKOUT["failures"] wrong passwords within
  LOGIN_LOCKOUT["window_seconds"], the account is locked for
  LOGIN_LOCKOUT["lockout_seconds"]. While locked the password is not even
  checked, so guessing learns nothing; the message says when to try again.
  A successful sign-in clears the account's failures.

Locking by account lets an attacker lock a known user out for a while; that
is the usual price of stopping password guessing, and the window is short.
"""

from __future__ import annotations

import hashlib
import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.decorators import method_decorator

from socialcrm import ratelimit

DEFAULT_LOCKOUT = {"failures": 5, "window_seconds": 900, "lockout_seconds": 900}


def lockout_settings() -> dict[str, int]:
    return {**DEFAULT_LOCKOUT, **getattr(settings, "LOGIN_LOCKOUT", {})}


def _keys(username: str) -> tuple[str, str]:
    digest = hashlib.blake2b(username.strip().casefold().encode(), digest_size=12).hexdigest()
    return f"{ratelimit.KEY_PREFIX}:login-failures:{digest}", f"{ratelimit.KEY_PREFIX}:login-locked:{digest}"


def login_locked_for(username: str, *, now: float | None = None) -> int:
    """Seconds the account `username` stays locked; 0 when it is not locked."""
    _, locked_key = _keys(username)
    until = cache.get(locked_key)
    now = time.time() if now is None else now
    return max(0, int(until - now)) if until else 0


def login_failed(username: str, *, now: float | None = None) -> bool:
    """Count a wrong password for `username`; True when this failure locks the account."""
    config = lockout_settings()
    failures_key, locked_key = _keys(username)
    cache.add(failures_key, 0, timeout=config["window_seconds"])
    try:
        failures = cache.incr(failures_key)
    except ValueError:
        cache.set(failures_key, 1, timeout=config["window_seconds"])
        failures = 1
    if failures < config["failures"]:
        return False
    now = time.time() if now is None else now
    cache.set(locked_key, now + config["lockout_seconds"], timeout=config["lockout_seconds"])
    cache.delete(failures_key)
    return True


def login_succeeded(username: str) -> None:
    cache.delete_many(list(_keys(username)))


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Too many failed sign-ins for this account. Try again in %(minutes)s minute%(plural)s.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        locked = login_locked_for(username) if username else 0
        if locked:
            minutes = max(1, -(-locked // 60))
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": minutes, "plural": "" if minutes == 1 else "s"},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and login_failed(username):
                minutes = max(1, lockout_settings()["lockout_seconds"] // 60)
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": minutes, "plural": "" if minutes == 1 else "s"},
                ) from None
            raise
        login_succeeded(username)
        return cleaned


@method_decorator(ratelimit.rate_limited("login", methods=("POST",)), name="dispatch")
class SignInView(auth_views.LoginView):
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


class LockoutAdminAuthenticationForm(LockoutAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in (staff only) with the same lockout."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": LockoutAuthenticationForm.error_messages["locked"],
    }
