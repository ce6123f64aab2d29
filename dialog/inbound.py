"""Replies by mail: anymail's inbound webhook (``/anymail/<esp>/inbound/``, any ESP, basic
auth with ANYMAIL["WEBHOOK_SECRET"]) hands each received mail to ``handle_inbound``.

A mail becomes a message when one of its recipients is a valid signed reply address
(dialog.reply_address), its From is the address of the person the reply address was made
for, and that person may still write in the thread. The quoted mail and the signature are
cut off, and the text goes through dialog.posting like anything typed on the site: the same
checks (CPR numbers, length, closed threads) and the same moderation (a relative's reply
in a shared thread waits for approval). A refused reply is answered by mail with the
reason – never with the refused text, which may hold the CPR number.

Everything else – unknown, forged or expired addresses, a From that does not match,
auto-replies, spam – is dropped and logged. Nothing here raises: the ESP gets its 200
either way, so it neither retries nor disables the webhook.

The same mail delivered twice (ESPs retry; Amazon SNS is at-least-once) reaches this module
once: outbox.webhooks records each inbound event by the ESP's event id and the mail's
Message-ID (unique columns) before the signal is sent.
"""

import hashlib
import logging
import re
from html import unescape

from anymail.signals import inbound
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from access.rules import is_staff_of
from outbox.services import queue_mail

from . import posting
from .models import Message, Thread
from .notifications import thread_url
from .reply_address import InvalidReplyAddress, read_token, reply_domain, token_from_address

logger = logging.getLogger(__name__)

# --- Cutting a reply down to what was written ------------------------------------------------

# "Den tir. 5. maj 2026 kl. 10.00 skrev Samspil <svar+…>:" / "On Tue, … wrote:" – mail
# programs wrap long attributions, so up to three lines are read together. It has a date
# (a digit) and either an address or the verb right before the colon, so that a sentence
# of the reader's own ("Den dag skrev jeg til jer:") stays.
_ATTRIBUTION = re.compile(
    r"^\s*(den|on|le|am)\b.{0,300}\b(skrev|wrote|a écrit|schrieb)\b.{0,300}:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_VERB_LAST = re.compile(r"\b(skrev|wrote|a écrit|schrieb)\s*:\s*$", re.IGNORECASE)


def _is_attribution(text: str) -> bool:
    return bool(
        _ATTRIBUTION.match(text)
        and re.search(r"\d", text)
        and ("@" in text or _VERB_LAST.search(text))
    )


_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|oprindelig meddelelse|oprindelig besked|"
    r"videresendt meddelelse|forwarded message)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Outlook's header block: "Fra: …" followed within a few lines by "Sendt:", "Til:", "Emne:".
_HEADER_START = re.compile(r"^\s*\*?(fra|from)\s*:\*?\s", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sendt|sent|dato|date|til|to|emne|subject|cc)\s*:\*?\s", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(sendt fra min|sent from my|hent outlook til|få outlook til|get outlook for)\b",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^_{10,}\s*$")  # Outlook's line above the header block


def _is_header_block(lines: list[str], index: int) -> bool:
    if not _HEADER_START.match(lines[index]):
        return False
    return any(_HEADER_NEXT.match(line) for line in lines[index + 1 : index + 5])


def _cut_at(lines: list[str]) -> int:
    """The index of the first line that is not the writer's own text any more."""
    for index, line in enumerate(lines):
        if (
            _SIGNATURE.match(line)
            or _MOBILE_SIGNATURE.match(line)
            or _ORIGINAL_MESSAGE.match(line)
            or _UNDERSCORES.match(line)
            or _is_header_block(lines, index)
        ):
            return index
        for width in (1, 2, 3):
            joined = " ".join(lines[index : index + width])
            if _is_attribution(joined) and (width == 1 or not _is_attribution(line)):
                return index
            # A shorter attribution ("Den 23. nov. skrev Samspil:") counts when the quote
            # itself follows it.
            if (
                _ATTRIBUTION.match(joined)
                and re.search(r"\d", joined)
                and _quote_follows(lines, index + width)
            ):
                return index
    return len(lines)


def _quote_follows(lines: list[str], start: int) -> bool:
    following = next((line for line in lines[start:] if line.strip()), "")
    return following.lstrip().startswith(">")


def strip_reply(text: str) -> str:
    """The new text of a reply: quoted lines ("> …"), the attribution line above a quote
    ("Den … skrev:", "On … wrote:") and everything after it, Outlook's "-----Original
    Message-----" / "Fra: … Sendt: …" block and everything after it, and the signature
    ("-- " and below, "Sendt fra min iPhone") are removed."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _cut_at(lines)]
    own = [line.rstrip() for line in lines if not line.lstrip().startswith(">")]
    result = "\n".join(own).strip()
    return re.sub(r"\n{3,}", "\n\n", result)


_QUOTE_BLOCKS = re.compile(
    r"<blockquote\b.*?</blockquote>|<div[^>]*class=[\"'][^\"']*(gmail_quote|moz-cite-prefix)"
    r"[^\"']*[\"'][^>]*>.*$",
    re.IGNORECASE | re.DOTALL,
)
_DROP_ELEMENTS = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LINE_BREAKS = re.compile(r"<br\s*/?>|</(p|div|li|tr|h\d)\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def html_to_text(html: str) -> str:
    """Rough text of an HTML-only mail (most mail programs send a text part too); what it
    keeps is stored as plain text and escaped wherever it is shown."""
    html = _DROP_ELEMENTS.sub("", html or "")
    html = _QUOTE_BLOCKS.sub("", html)
    html = _LINE_BREAKS.sub("\n", html)
    return unescape(_TAGS.sub("", html))


def reply_text(message) -> str:
    text = message.text or ""
    if not text.strip() and message.html:
        text = html_to_text(message.html)
    return strip_reply(text)


# --- Which mail is for us ---------------------------------------------------------------------


def _addresses(message) -> list[str]:
    found = [message.envelope_recipient or ""]
    for header in ("to", "cc", "bcc"):
        found += [address.addr_spec for address in getattr(message, header) or []]
    return [address for address in found if address]


def _sender(message) -> str:
    sender = message.from_email
    if sender is None or isinstance(sender, list):
        return ""  # none, or several From addresses: nobody in particular
    return sender.addr_spec.strip().lower()


def is_auto_reply(message) -> bool:
    """Out-of-office answers and other machine mail must not become messages (or loops)."""
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
    )


def _mail_id(message, event_id) -> str:
    source = str(message.get("Message-ID") or event_id or message.text or "")
    return hashlib.sha256(source.encode()).hexdigest()[:20]


# --- Receiving ----------------------------------------------------------------------------------


@receiver(inbound, dispatch_uid="dialog.inbound")
def handle_inbound(sender, event, esp_name, **kwargs) -> None:
    """Anymail's signal: never let an error reach the webhook (the ESP would retry)."""
    try:
        receive_reply(event.message, esp_name=esp_name, event_id=event.event_id)
    except Exception:
        logger.exception("Dialog: a reply by mail via %s could not be handled", esp_name)


def receive_reply(message, *, esp_name: str = "", event_id=None) -> Message | None:
    """The message a reply by mail became, or None when it was dropped (and logged)."""
    domain = reply_domain()
    ours = [a for a in _addresses(message) if a.lower().endswith("@" + domain)]
    if not ours:
        logger.debug("Dialog: inbound mail via %s is not a reply address of ours", esp_name)
        return None
    token = next((t for t in map(token_from_address, ours) if t is not None), None)
    if token is None:
        logger.warning("Dialog: inbound mail to an unknown address at %s dropped", domain)
        return None
    try:
        target = read_token(token)
    except InvalidReplyAddress as error:
        logger.warning("Dialog: inbound mail to a reply address dropped (%s)", error)
        return None
    thread = Thread.objects.select_related("botilbud").filter(pk=target.thread_id).first()
    user = get_user_model().objects.filter(pk=target.user_id, is_active=True).first()
    if thread is None or user is None:
        logger.warning(
            "Dialog: reply for thread %s by user %s dropped: gone",
            target.thread_id,
            target.user_id,
        )
        return None
    if not user.email or _sender(message) != user.email.strip().lower():
        logger.warning(
            "Dialog: reply for thread %s dropped: From is not the address of user %s",
            thread.pk,
            user.pk,
        )
        return None
    if is_auto_reply(message) or message.spam_detected:
        logger.info("Dialog: automatic or spam reply for thread %s dropped", thread.pk)
        return None
    by_staff = is_staff_of(user, thread.botilbud_id)
    attachments = []
    if thread.visibility == Thread.Visibility.PRIVATE:
        # Only real attachments: inline images are mostly logos in signatures.
        attachments = [a.as_uploaded_file() for a in message.attachments if not a.is_inline()]
    try:
        return posting.post_message(
            thread,
            author=user,
            body=reply_text(message),
            by_staff=by_staff,
            source=Message.Source.EMAIL,
            attachments=attachments,
        )
    except posting.PostingRefused as refusal:
        if refusal.status == 403:
            # No longer allowed (connection ended, not the thread's relative): not told,
            # so the address gives nothing away.
            logger.warning(
                "Dialog: reply for thread %s by user %s dropped: %s",
                thread.pk,
                user.pk,
                refusal.message,
            )
            return None
        logger.info("Dialog: reply for thread %s by user %s refused", thread.pk, user.pk)
        queue_mail(
            key=f"dialog:inbound:{thread.pk}:{user.pk}:{_mail_id(message, event_id)}:refused",
            to=user.email,
            template="dialog/email/notify_refused",
            context={
                "thread": thread,
                "botilbud_title": thread.botilbud.title,
                "reason": refusal.message,
                "thread_url": thread_url(thread, for_staff=by_staff),
            },
        )
        return None
