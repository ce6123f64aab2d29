"""Downloading an organisation's calendar address (http or https only) to import it."""

import contextlib
import http.client
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ..models import CalendarImport, Organisation
from .applying import import_calendar
from .limits import (
    FETCH_DEADLINE_SECONDS,
    FETCH_TIMEOUT_SECONDS,
    FETCH_USER_AGENT,
    MAX_FILE_BYTES,
    CalendarRefused,
    too_large_message,
)

logger = logging.getLogger(__name__)


def fetch_calendar(organisation: Organisation, user=None) -> CalendarImport:
    """Download the organisation's calendar address and import it. Never raises: whatever
    goes wrong is recorded in the CalendarImport row it returns."""
    url = organisation.ical_url.strip()
    try:
        data = download_calendar(url)
    except CalendarRefused as refusal:
        message = str(refusal)
    except Exception:  # a task must leave a log row, not a traceback
        logger.exception("Fetching the calendar of organisation %s failed", organisation.pk)
        message = _(
            "Kalender-adressen kunne ikke hentes på grund af en uventet fejl. Prøv igen senere."
        )
    else:
        return import_calendar(
            organisation, data, source=CalendarImport.Source.URL, filename=url, user=user
        )
    return CalendarImport.objects.create(
        organisation=organisation,
        source=CalendarImport.Source.URL,
        filename=url[:500],
        user=user,
        messages=message,
    )


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (urllib would also follow one to ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise CalendarRefused(_not_a_web_address())
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _not_a_web_address() -> str:
    return _(
        "Kalender-adressen skal begynde med http:// eller https://. Ret adressen på organisationen."
    )


def download_calendar(url: str) -> bytes:
    """The body at ``url`` (http or https only), at most MAX_FILE_BYTES, within the deadline.
    Raises CalendarRefused with a Danish message for anything else."""
    if not url:
        raise CalendarRefused(_("Organisationen har ingen kalender-adresse."))
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise CalendarRefused(_not_a_web_address())
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, headers={"User-Agent": FETCH_USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    )
    deadline = time.monotonic() + FETCH_DEADLINE_SECONDS
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_FILE_BYTES:
                raise CalendarRefused(too_large_message())
            chunks, size = [], 0
            while chunk := response.read1(64 * 1024):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise CalendarRefused(too_large_message())
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            # urllib refuses a redirect to file: and the like itself, _WebOnlyRedirects the rest.
            raise CalendarRefused(_not_a_web_address()) from None
        raise CalendarRefused(
            _(
                "Kalender-adressen svarede med fejl %(status)s. Tjek, at adressen er rigtig, "
                "og at kalenderen er offentlig."
            )
            % {"status": error.code}
        ) from None
    except (OSError, http.client.HTTPException, ValueError):
        # OSError covers refused connections, timeouts and urllib's URLError. The address is
        # not logged: a private calendar's address is its password.
        logger.info("Fetching a calendar failed", exc_info=True)
        raise CalendarRefused(
            _(
                "Kalender-adressen kunne ikke hentes (den svarede ikke, eller ikke i tide). "
                "Tjek adressen, og prøv igen senere."
            )
        ) from None
    data = b"".join(chunks)
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        # A server that says which charset it sends is taken at its word.
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            data = data.decode(charset).encode("utf-8")
    return data
