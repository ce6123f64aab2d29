"""A real OpenID Connect provider (django-oidc-provider, tests/oidc_provider/) in a second
process on 127.0.0.1, and the browser's walk through the authorization-code flow: Samspil
(the test client) → the provider (HTTP, where the person logs in) → Samspil's callback,
whose backend fetches token, keys and userinfo from the provider over HTTP."""

import html
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# The helper's port range is 18600-18699; the provider takes the first free one from here.
PORTS = range(18610, 18640)
DIRECTORY_TOKEN = "directory-test-only"
# Everyone in the test directory has this password at the provider.
PASSWORD = "hemmelig"
CLIENTS = {
    "staff": (
        "samspil-staff",
        "staff-secret",
        "/log-ind/personale/svar/",
        "openid email profile groups",
    ),
    "relative": ("samspil-mitid", "mitid-secret", "/log-ind/mitid/svar/", "openid profile mitid"),
}
SAMSPIL = "http://testserver"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the OpenID Connect provider")


def _manage(env, *args):
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "django", *args], cwd=ROOT, env=env, check=True, timeout=120
    )


@dataclass
class LiveProvider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def person(self, username: str, password: str = PASSWORD, **fields) -> str:
        """Put a person in the directory (or change them); returns their subject."""
        response = requests.post(
            f"{self.url}/directory/",
            json={"username": username, "password": password, **fields},
            headers={"X-Directory-Token": DIRECTORY_TOKEN},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["sub"]

    def settings_for(self, key: str, **extra) -> dict:
        client_id, secret, _path, scopes = CLIENTS[key]
        return {
            "CLIENT_ID": client_id,
            "CLIENT_SECRET": secret,
            "AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "TOKEN_ENDPOINT": f"{self.issuer}/token",
            "USERINFO_ENDPOINT": f"{self.issuer}/userinfo",
            "JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "ISSUER": self.issuer,
            "SCOPES": scopes,
            **extra,
        }


@pytest.fixture(scope="session")
def live_provider(tmp_path_factory):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("oidc-provider") / "provider.sqlite3"),
        "OIDC_PROVIDER_URL": url,
        "OIDC_PROVIDER_DIRECTORY_TOKEN": DIRECTORY_TOKEN,
        "PYTHONPATH": str(ROOT),
    }
    _manage(env, "migrate", "--run-syncdb", "-v", "0")
    clients = []
    for client_id, secret, path, scopes in CLIENTS.values():
        clients += ["--client", client_id, secret, SAMSPIL + path, scopes]
    _manage(env, "setup_provider", *clients)
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the OpenID Connect provider did not start") from None
                time.sleep(0.2)
        yield LiveProvider(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def providers_on(settings, live_provider):
    """Both providers configured, as the environment would (OIDC_STAFF_*, OIDC_RELATIVE_*)."""
    settings.SAMSPIL_OIDC = {
        "staff": live_provider.settings_for("staff", LABEL="Tønder Kommune"),
        "relative": live_provider.settings_for("relative", LABEL="MitID"),
    }
    return live_provider


def _samspil_path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + ("?" + parts.query if parts.query else "")


def log_in_at_provider(authorize_url: str, username: str, password: str = PASSWORD):
    """The person at the provider: opens the authorization URL, logs in, and is sent back.
    Returns the callback address (with code and state) the provider redirects to."""
    browser = requests.Session()
    response = browser.get(authorize_url, timeout=10)  # → the login form (redirects followed)
    assert response.status_code == 200, response.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    next_value = re.search(r'name="next" value="([^"]*)"', response.text).group(1)
    response = browser.post(
        response.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": html.unescape(next_value),
        },
        allow_redirects=False,
        timeout=10,
    )
    for _hop in range(5):
        assert response.status_code == 302, response.text[:500]
        location = response.headers["Location"]
        if location.startswith(SAMSPIL):
            return location
        response = browser.get(
            requests.compat.urljoin(response.url, location), allow_redirects=False, timeout=10
        )
    raise AssertionError("the provider never sent the browser back")


def start(client, key: str, **params) -> str:
    path = {"staff": "/log-ind/personale/start/", "relative": "/log-ind/mitid/start/"}[key]
    response = client.get(path, params)
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, key: str, username: str, password: str = PASSWORD, **params):
    """The whole flow; returns Samspil's answer to the callback."""
    callback = log_in_at_provider(start(client, key, **params), username, password)
    return client.get(_samspil_path(callback))


def callback_path(location: str) -> str:
    return _samspil_path(location)
