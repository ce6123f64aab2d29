"""`manage.py check --deploy` is clean on the production settings, and their env vars drive it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Variables a developer's shell might carry that would change what is checked.
OVERRIDES = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    # Set by the browser tests' conftest for Playwright in the same process; never in a
    # deployment (Django's async.E001), so never in the deployment being checked here.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    base.update(
        DJANGO_SETTINGS_MODULE="samspil.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="samspil.toender.dk",
        BASE_URL="https://samspil.toender.dk",
    )
    base.update(env)
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_deploy_check_is_clean_on_production_settings():
    result = production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_the_protections_off_is_reported():
    result = production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012"):
        assert warning in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = production("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment." in result.stderr


def test_production_sends_the_security_headers(tmp_path):
    # A PUT the subscribe view refuses (405): no template, no database, every middleware.
    script = (
        "from django.test import Client;"
        "r = Client().put('/nyhedsbrev/', headers={'X-Forwarded-Proto': 'https'},"
        " HTTP_HOST='samspil.toender.dk');"
        "print(r.status_code);"
        "[print(h, r.get(h)) for h in ('Strict-Transport-Security', 'Referrer-Policy',"
        " 'Cross-Origin-Opener-Policy', 'X-Content-Type-Options', 'X-Frame-Options',"
        " 'Content-Security-Policy')]"
    )
    result = production(
        "shell", "-c", script, DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\n405\n" in out, out
    assert "Strict-Transport-Security max-age=31536000; includeSubDomains; preload" in out
    assert "Referrer-Policy same-origin" in out
    assert "Cross-Origin-Opener-Policy same-origin" in out
    assert "X-Content-Type-Options nosniff" in out
    assert "X-Frame-Options DENY" in out
    assert "upgrade-insecure-requests" in out
