"""Text from a calendar as a page will show it: plain, short enough, links to the web only."""

import html
import re

import bleach
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .limits import URL_LENGTH

SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
BLOCK_END = re.compile(r"<br\s*/?>|</(p|div|li|h\d)\s*>", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WHITESPACE = re.compile(r"\s+")


def _plain(value: str, limit: int | None = None) -> str:
    """Text as it will be shown: no markup or script, entities decoded, whitespace folded."""
    if "<" in value or "&" in value:
        value = BLOCK_END.sub(" ", SCRIPT_OR_STYLE.sub(" ", value))
        value = html.unescape(bleach.clean(value, tags=set(), strip=True, strip_comments=True))
    value = WHITESPACE.sub(" ", CONTROL.sub(" ", value)).strip()
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def _is_web_url(url: str) -> bool:
    if not url or len(url) > URL_LENGTH:
        return False
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True
