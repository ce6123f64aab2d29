"""The one place a message body becomes HTML.

Bodies are stored as plain text, exactly as written (on the web or by mail). Shown on a
page or in a mail they are escaped, web and mail addresses become links, and line breaks
are kept. Nothing the author typed can become markup: the text is escaped before bleach
looks for links, links are allowed only to http, https and mailto, and the result goes
through bleach's Cleaner once more with an allow-list of three tags.
"""

import re
from html import escape

from bleach.linkifier import Linker, build_url_re
from bleach.sanitizer import Cleaner
from django.utils.safestring import SafeString, mark_safe

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_TAGS = frozenset({"a", "br", "p"})
ALLOWED_ATTRIBUTES = {"a": ["href", "rel"]}
LINK_REL = "nofollow noopener ugc"

# Only web addresses are recognised as links (bleach's default list includes data: and
# a score of others); e-mail addresses are found by parse_email and become mailto: links.
_URL_RE = build_url_re(protocols=["http", "https"])
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def _safe_link(attrs: dict, new: bool = False) -> dict | None:
    """Keep a link only to an allowed scheme; give it our rel and no target."""
    href = attrs.get((None, "href"), "")
    scheme = href.split(":", 1)[0].strip().lower() if ":" in href else ""
    if scheme not in ALLOWED_SCHEMES:
        return None
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_linker = Linker(callbacks=[_safe_link], url_re=_URL_RE, parse_email=True)
# Built once: bleach.clean() makes a new Cleaner (and its html5lib parser) on every call,
# which was most of a thread page's time with 200 messages.
_cleaner = Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_SCHEMES, strip=True
)


def render_body(text: str) -> SafeString:
    """Plain text in, safe HTML out: paragraphs at blank lines, <br> at single breaks."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return SafeString("")
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        linked = _linker.linkify(escape(paragraph, quote=False))
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    html = _cleaner.clean("\n".join(paragraphs))
    return mark_safe(html)  # noqa: S308 - escaped, then cleaned to an allow-list above
