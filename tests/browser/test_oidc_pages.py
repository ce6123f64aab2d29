"""The "Log ind med MitID" button and the sign-in failure page, in chromium with axe-core:
no serious or critical WCAG 2.1 A/AA violations, one h1, reachable by keyboard."""

import pytest

from .conftest import add_axe
from .test_accessibility import AXE_OPTIONS, BLOCKING_IMPACTS, describe

pytestmark = pytest.mark.browser

PROVIDER = {
    "CLIENT_ID": "samspil",
    "CLIENT_SECRET": "hemmeligt",
    "AUTHORIZATION_ENDPOINT": "https://mitid-broker.example/authorize",
    "TOKEN_ENDPOINT": "https://mitid-broker.example/token",
    "USERINFO_ENDPOINT": "https://mitid-broker.example/userinfo",
    "JWKS_ENDPOINT": "https://mitid-broker.example/keys",
    "LABEL": "MitID",
}


def _axe(page, axe_source) -> None:
    assert page.locator("h1").count() == 1
    add_axe(page, axe_source)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(f"axe on {page.url}:\n{describe(blocking)}", pytrace=False)


def test_mitid_button_and_failure_page(page, content, axe_source, settings):
    settings.SAMSPIL_OIDC = {"staff": {}, "relative": PROVIDER}
    response = page.goto("/dialog/log-ind/")
    assert response.status == 200
    button = page.get_by_role("link", name="Log ind med MitID")
    assert button.is_visible()
    assert button.get_attribute("href") == "/log-ind/mitid/start/"
    _axe(page, axe_source)

    response = page.goto("/log-ind/mitid/svar/?code=forfalsket&state=forfalsket")
    assert response.status == 400
    assert page.get_by_role("alert").inner_text().strip() == (
        "Log ind kunne ikke bekræftes. Prøv igen."
    )
    assert page.get_by_role("link", name="Prøv igen med MitID").is_visible()
    _axe(page, axe_source)
