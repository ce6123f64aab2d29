"""The fake Postmark ESP, and settings that point anymail's real Postmark backend at it."""

import pytest

from tests.fake_esp import FakePostmark


@pytest.fixture
def esp(settings):
    """A fake Postmark on 127.0.0.1 and this process's mail settings pointing at it."""
    with FakePostmark(keep_messages=True) as fake:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            **settings.ANYMAIL,
            "POSTMARK_SERVER_TOKEN": "fake-server-token",
            "POSTMARK_API_URL": fake.url,
            "REQUESTS_TIMEOUT": 2,
        }
        yield fake


def headers_of(message: dict) -> dict[str, str]:
    """The custom headers of a message as the ESP received it."""
    return {header["Name"]: header["Value"] for header in message.get("Headers", [])}
