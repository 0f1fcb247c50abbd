"""Settings switch between the embedded world (SQLite, eager Celery) and
the served one (PostgreSQL, Redis), and refuse unsafe or malformed values.

Each case runs in a fresh interpreter, because settings are read once at
import time.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV_KEYS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "TIME_ZONE", "DJANGO_SETTINGS_MODULE")

PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "backend": settings.CELERY_RESULT_BACKEND,
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def run_python(code: str, tmp_path: Path, settings_module: str = "socialcrm.settings", **env: str):
    clean_env = {key: value for key, value in os.environ.items() if key not in ENV_KEYS}
    clean_env.update(DJANGO_SETTINGS_MODULE=settings_module, VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=60
    )


def probe(tmp_path: Path, **env: str) -> dict:
    completed = run_python(PROBE, tmp_path, **env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_without_urls_the_app_uses_sqlite_under_var_and_eager_celery(tmp_path):
    loaded = probe(tmp_path)

    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["db_name"] == str(tmp_path / "db.sqlite3")
    assert loaded["eager"] is True
    assert loaded["broker"] == "memory://"
    assert loaded["time_zone"] == "UTC" and loaded["use_tz"] is True


def test_with_urls_the_app_uses_postgres_and_redis(tmp_path):
    loaded = probe(
        tmp_path,
        DATABASE_URL="postgres://crm:pw@db.internal:5433/crm",
        REDIS_URL="redis://cache.internal:6380/2",
    )

    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["db_name"] == "crm"
    assert loaded["eager"] is False
    assert loaded["broker"] == loaded["backend"] == "redis://cache.internal:6380/2"


def test_development_key_is_generated_once_and_reused(tmp_path):
    first = probe(tmp_path, DEBUG="1")
    second = probe(tmp_path, DEBUG="1")

    assert len(first["secret_key"]) >= 50
    assert first["secret_key"] == second["secret_key"]
    assert (tmp_path / "dev_secret_key").stat().st_mode & 0o077 == 0


def test_development_key_use_is_warned_about(tmp_path):
    completed = run_python(PROBE, tmp_path, DEBUG="1")

    assert "SECRET_KEY is not set" in completed.stderr


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    completed = run_python(PROBE, tmp_path, DEBUG="0")

    assert completed.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in completed.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("k" * 60 + "\n")

    assert probe(tmp_path, DEBUG="0", SECRET_KEY_FILE=str(key_file))["secret_key"] == "k" * 60


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "is not a boolean"),
        ("TIME_ZONE", "Mars/Olympus", "is not an IANA time zone"),
        ("DATABASE_URL", "mysql://root@127.0.0.1/crm", "must be a postgres:// URL"),
    ],
)
def test_malformed_values_stop_start_up_with_a_clear_message(tmp_path, name, value, message):
    completed = run_python(PROBE, tmp_path, **{name: value})

    assert completed.returncode != 0
    assert message in completed.stderr


def test_time_zone_and_allowed_hosts_come_from_the_environment(tmp_path):
    loaded = probe(tmp_path, TIME_ZONE="Europe/London", ALLOWED_HOSTS="care.example.com, .example.org")

    assert loaded["time_zone"] == "Europe/London"
    assert loaded["allowed_hosts"] == ["care.example.com", ".example.org"]


def test_production_profile_passes_check_deploy(tmp_path):
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env={
            **{key: value for key, value in os.environ.items() if key not in ENV_KEYS},
            "DJANGO_SETTINGS_MODULE": "socialcrm.settings_production",
            "SECRET_KEY": "a-production-secret-key-of-sufficient-length-and-randomness-3f9a1c",
            "ALLOWED_HOSTS": "care.example.com",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_production_profile_forces_debug_off_even_if_asked(tmp_path):
    loaded = probe(
        tmp_path,
        DEBUG="1",
        SECRET_KEY="s" * 60,
        settings_module="socialcrm.settings_production",
    )

    assert loaded["debug"] is False
