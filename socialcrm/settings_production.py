"""The production profile: socialcrm.settings plus the hardening that
`manage.py check --deploy` asks for.

DEBUG is forced off, so SECRET_KEY must come from the environment (or a
SECRET_KEY_FILE). TLS is assumed to end at a proxy that sets
X-Forwarded-Proto.
"""

import os

os.environ["DEBUG"] = "0"

from socialcrm.env import env_bool, env_int
from socialcrm.settings import *  # noqa: F403

DEBUG = False
# WhiteNoise serves collected static files (`manage.py collectstatic`) from
# the application server, right after SecurityMiddleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
