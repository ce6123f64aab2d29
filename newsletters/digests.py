"""Building digests the Zulip way: recipients in one query per batch, content shared per home
and period, rendered per person, empty ones skipped, the "sent" marker written in the same
transaction that queues the outbox row."""

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from home.models import BotilbudPage, EventPage, NewsPage, VolunteerCallPage
from home.models.base import with_image
from home.models.site_settings import default_municipality
from home.templatetags.samspil_tags import event_when
from outbox import headers as mail_headers
from outbox import sender
from outbox.models import SuppressedAddress

from . import links, tokens
from .conf import setting
from .models import (
    LOOKBACK,
    DigestBody,
    DigestMail,
    DigestRun,
    Frequency,
    Subscriber,
    period_key,
)

logger = logging.getLogger(__name__)

IMAGE_SPEC = "fill-600x338-c50"
MAX_ITEMS = 8  # per home and section; the rest is one link away


def one_line(text: str) -> str:
    """Titles end up in the subject: no line breaks, whatever an editor typed."""
    return mail_headers.one_line(text)


def absolute(url: str) -> str:
    return links.absolute(url) if url.startswith("/") else url


@dataclass(frozen=True)
class NewsItem:
    pk: int
    title: str
    intro: str
    url: str
    published_at: dt.datetime
    image_url: str = ""
    image_alt: str = ""


@dataclass(frozen=True)
class EventItem:
    pk: int
    title: str
    url: str
    when: str
    start: dt.datetime
    location: str
    organiser: str
    external_url: str
    published_at: dt.datetime
    # The call to action: "Læs mere og tilmeld dig" only where one can sign up.
    signup: bool = False


@dataclass(frozen=True)
class CallItem:
    pk: int
    title: str
    url: str
    summary: str
    when: str
    published_at: dt.datetime


@dataclass
class HomeContent:
    """Everything new at one home since the run's earliest cut-off, computed once per run."""

    pk: int
    title: str
    url: str
    news: list[NewsItem] = field(default_factory=list)
    events: list[EventItem] = field(default_factory=list)
    calls: list[CallItem] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    home: HomeContent
    news: tuple[NewsItem, ...]
    events: tuple[EventItem, ...]
    calls: tuple[CallItem, ...]

    @property
    def key(self) -> tuple:
        return (
            self.home.pk,
            tuple(item.pk for item in self.news),
            tuple(item.pk for item in self.events),
            tuple(item.pk for item in self.calls),
        )


@dataclass(frozen=True)
class Recipient:
    """Just what a digest needs of a subscriber (and what a signed link needs: pk and key)."""

    pk: int
    email: str
    frequency: str
    key: str
    last_digest_at: dt.datetime | None

    def since(self, now: dt.datetime) -> dt.datetime:
        """New since the last digest, but never more than the lookback of the frequency."""
        floor = now - LOOKBACK[self.frequency]
        return max(self.last_digest_at, floor) if self.last_digest_at else floor


class ContentCache:
    """Shared content per home for one run; a home is loaded the first time a batch needs it."""

    def __init__(self, now: dt.datetime, frequencies):
        self.now = now
        self.floor = now - max(LOOKBACK[frequency] for frequency in frequencies)
        self.homes: dict[int, HomeContent | None] = {}
        self._image_urls: dict[int, str] = {}

    def load(self, home_ids) -> None:
        missing = sorted(set(home_ids) - self.homes.keys())
        if not missing:
            return
        for pk in missing:
            self.homes[pk] = None  # unpublished, private or deleted homes stay None
        homes = (
            BotilbudPage.objects.live().public().filter(pk__in=missing).only("title", "url_path")
        )
        for home in homes:
            self.homes[home.pk] = HomeContent(
                pk=home.pk, title=one_line(home.title), url=absolute(home.get_url() or "")
            )
        found = [pk for pk in missing if self.homes[pk] is not None]
        if found:
            self._load_news(found)
            self._load_events(found)
            self._load_calls(found)

    def _load_news(self, home_ids) -> None:
        news = (
            with_image(
                NewsPage.objects.live()
                .public()
                .for_public()  # subscribers are anonymous addresses, never relatives
                .filter(botilbud_id__in=home_ids, first_published_at__gt=self.floor),
                "image",
                IMAGE_SPEC,
            )
            .only("title", "url_path", "intro", "botilbud_id", "first_published_at", "image")
            .order_by("-first_published_at", "-pk")
        )
        for page in news:
            image_url = image_alt = ""
            if page.image is not None:
                image_url = self._image_urls.get(page.image_id)
                if image_url is None:
                    image_url = absolute(page.image.get_rendition(IMAGE_SPEC).url)
                    self._image_urls[page.image_id] = image_url
                image_alt = one_line(page.image.default_alt_text or "")
            self.homes[page.botilbud_id].news.append(
                NewsItem(
                    pk=page.pk,
                    title=one_line(page.title),
                    intro=page.intro,
                    url=absolute(page.get_url() or ""),
                    published_at=page.first_published_at,
                    image_url=image_url,
                    image_alt=image_alt,
                )
            )

    def _load_events(self, home_ids) -> None:
        horizon = self.now + dt.timedelta(days=setting("EVENT_HORIZON_DAYS"))
        events = (
            EventPage.objects.live()
            .public()
            .for_public()  # subscribers are anonymous addresses, never relatives
            .upcoming(self.now)
            .filter(
                botilbud_id__in=home_ids,
                first_published_at__gt=self.floor,
                start__lte=horizon,
            )
            .select_related("organiser")
            .only(
                "title",
                "url_path",
                "start",
                "end",
                "all_day",
                "location",
                "external_url",
                "signup_enabled",
                "botilbud_id",
                "first_published_at",
                "organiser__name",
            )
        )
        for page in events:
            self.homes[page.botilbud_id].events.append(
                EventItem(
                    pk=page.pk,
                    title=one_line(page.title),
                    url=absolute(page.get_url() or ""),
                    when=event_when(page),
                    start=page.start,
                    location=page.location,
                    organiser=page.organiser.name if page.organiser else "",
                    external_url=page.external_url,
                    published_at=page.first_published_at,
                    signup=page.signup_enabled,
                )
            )

    def _load_calls(self, home_ids) -> None:
        calls = (
            VolunteerCallPage.objects.live()
            .public()
            .open()
            .filter(botilbud_id__in=home_ids, first_published_at__gt=self.floor)
            .only("title", "url_path", "summary", "when", "botilbud_id", "first_published_at")
        )
        for page in calls:
            self.homes[page.botilbud_id].calls.append(
                CallItem(
                    pk=page.pk,
                    title=one_line(page.title),
                    url=absolute(page.get_url() or ""),
                    summary=page.summary,
                    when=page.when,
                    published_at=page.first_published_at,
                )
            )

    def sections(self, home_ids, since: dt.datetime) -> list[Section]:
        """What is new at these homes since ``since``, one section per home with news."""
        sections = []
        for pk in home_ids:
            home = self.homes.get(pk)
            if home is None:
                continue
            news = tuple(item for item in home.news if item.published_at > since)[:MAX_ITEMS]
            events = tuple(item for item in home.events if item.published_at > since)[:MAX_ITEMS]
            calls = tuple(item for item in home.calls if item.published_at > since)[:MAX_ITEMS]
            if news or events or calls:
                sections.append(Section(home, news, events, calls))
        sections.sort(key=lambda section: section.home.title)
        return sections


def digest_subject(sections: list[Section]) -> str:
    titles = [section.home.title for section in sections]
    if len(titles) == 1:
        where = titles[0]
    elif len(titles) == 2:
        where = _("%(first)s og %(second)s") % {"first": titles[0], "second": titles[1]}
    else:
        where = ngettext(
            "%(first)s, %(second)s og %(count)d andet botilbud",
            "%(first)s, %(second)s og %(count)d andre botilbud",
            len(titles) - 2,
        ) % {"first": titles[0], "second": titles[1], "count": len(titles) - 2}
    counts = []
    news = sum(len(section.news) for section in sections)
    events = sum(len(section.events) for section in sections)
    calls = sum(len(section.calls) for section in sections)
    if news:
        counts.append(ngettext("%(n)d nyhed", "%(n)d nyheder", news) % {"n": news})
    if events:
        counts.append(ngettext("%(n)d arrangement", "%(n)d arrangementer", events) % {"n": events})
    if calls:
        counts.append(
            ngettext("%(n)d frivilligopslag", "%(n)d frivilligopslag", calls) % {"n": calls}
        )
    return one_line(_("Nyt fra %(where)s: %(what)s") % {"where": where, "what": ", ".join(counts)})


# Lines of the HTML body are joined up to this many bytes: far fewer lines to write per mail,
# and under RFC 5322's 998 (above which Django falls back to quoted-printable) even once
# the two personal links (some 200 bytes each) replace their stand-ins.
HTML_LINE_BYTES = 500


def compact_html(html: str) -> str:
    """Join the template's short, indented lines into long ones.

    A line break between two lines becomes a space, which HTML renders the same (the digest
    has no <pre>); the mail shrinks and costs a tenth of the per-line work in the MIME
    generator of an SMTP backend.
    """
    lines, current, size = [], [], 0
    for line in html.splitlines():
        line = line.strip()
        if not line:
            continue
        length = len(line.encode())
        if current and size + 1 + length > HTML_LINE_BYTES:
            lines.append(" ".join(current))
            current, size = [], 0
        current.append(line)
        size += length + (1 if size else 0)
    if current:
        lines.append(" ".join(current))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SharedDigest:
    """A digest as everyone due the same items at the same frequency gets it: subject and
    bodies with stand-ins for the personal links, and a hash that names it (DigestBody)."""

    subject: str
    text: str
    html: str
    digest: str


@dataclass
class RenderedDigest:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


# Stand-ins for the two personal links while the shared part of a digest is rendered; they
# are plain ASCII words, and signed tokens need no escaping, so a replace is exact.
MANAGE_SLOT = "samspil-manage-link-slot"
UNSUBSCRIBE_SLOT = "samspil-unsubscribe-link-slot"
CONFIRM_SLOT = "samspil-confirm-link-slot"


def content_digest(subject: str, text: str, html: str) -> str:
    return hashlib.sha256("\0".join((subject, text, html)).encode()).hexdigest()


class DigestRenderer:
    """Renders each distinct digest once: people who follow the same homes and are due the
    same items get the same digest apart from their two signed links, so the templates run
    once per (items, frequency) and the result is stored once (DigestBody)."""

    def __init__(self):
        self.section_html = get_template("newsletters/email/digest_section.html")
        self.section_text = get_template("newsletters/email/digest_section.txt")
        self.page_html = get_template("newsletters/email/digest.html")
        self.page_text = get_template("newsletters/email/digest.txt")
        self._sections: dict[tuple, tuple[str, str]] = {}
        self._pages: dict[tuple, SharedDigest] = {}
        self._sender: dict | None = None

    @property
    def sender(self) -> dict:
        """The municipality that sends the digest, and how to reach it (the site setting)."""
        if self._sender is None:
            self._sender = default_municipality()
        return self._sender

    def _section(self, section: Section) -> tuple[str, str]:
        rendered = self._sections.get(section.key)
        if rendered is None:
            context = {
                "section": section,
                "home": section.home,
                "link_colour": self.sender["colour_link"],
            }
            rendered = (self.section_html.render(context), self.section_text.render(context))
            self._sections[section.key] = rendered
        return rendered

    def render(self, recipient: Recipient, sections: list[Section]) -> SharedDigest:
        key = (recipient.frequency, *(section.key for section in sections))
        page = self._pages.get(key)
        if page is None:
            parts = [self._section(section) for section in sections]
            subject = digest_subject(sections)
            context = {
                "subject": subject,
                "preheader": ", ".join(section.home.title for section in sections),
                "sections_html": "".join(html for html, _text in parts),
                "sections_text": "\n".join(text for _html, text in parts),
                "manage_url": MANAGE_SLOT,
                "unsubscribe_url": UNSUBSCRIBE_SLOT,
                "frequency": Frequency(recipient.frequency).label.lower(),
                "sender": self.sender,
                "link_colour": self.sender["colour_link"],
            }
            text = self.page_text.render(context)
            html = compact_html(self.page_html.render(context))
            page = SharedDigest(subject, text, html, content_digest(subject, text, html))
            self._pages[key] = page
        return page


@dataclass(frozen=True)
class LinkOwner:
    """What a signed link needs of a subscriber (see tokens.make_token)."""

    pk: int
    key: str


class Personaliser:
    """Fills in one person's links and headers: two signatures and two replaces per mail,
    with every URL reversed once per run, not once per mail."""

    def __init__(self):
        self.mailto = setting("UNSUBSCRIBE_MAILTO")
        self.manage_prefix, self.manage_suffix = _url_around_token("newsletters:manage")
        self.unsubscribe_prefix, self.unsubscribe_suffix = _url_around_token(
            "newsletters:unsubscribe"
        )
        self.confirm_prefix, self.confirm_suffix = _url_around_token("newsletters:confirm")

    def personalise_subscription_mail(
        self, owner: LinkOwner, subject: str, text: str, html: str, message_id: str
    ) -> RenderedDigest:
        """A confirmation or manage-link mail: its one link, and no List-Unsubscribe (the
        person asked for this mail; it is not a list)."""
        links = {
            CONFIRM_SLOT: (self.confirm_prefix, tokens.CONFIRM, self.confirm_suffix),
            MANAGE_SLOT: (self.manage_prefix, tokens.MANAGE, self.manage_suffix),
        }
        for slot, (prefix, purpose, suffix) in links.items():
            if slot in text or slot in html:
                url = f"{prefix}{tokens.make_token(owner, purpose)}{suffix}"
                text, html = text.replace(slot, url), html.replace(slot, url)
        return RenderedDigest(subject, text, html, {"Message-ID": message_id})

    def personalise(
        self, owner: LinkOwner, subject: str, text: str, html: str, message_id: str
    ) -> RenderedDigest:
        manage_token = tokens.make_token(owner, tokens.MANAGE)
        manage_url = f"{self.manage_prefix}{manage_token}{self.manage_suffix}"
        unsubscribe_token = tokens.make_token(owner, tokens.UNSUBSCRIBE)
        unsubscribe_url = f"{self.unsubscribe_prefix}{unsubscribe_token}{self.unsubscribe_suffix}"
        list_unsubscribe = f"<{unsubscribe_url}>"
        if self.mailto:
            subject_param = quote(f"afmeld {unsubscribe_token}")
            list_unsubscribe += f", <mailto:{self.mailto}?subject={subject_param}>"
        headers = {
            "List-Unsubscribe": list_unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": message_id,
        }
        return RenderedDigest(
            subject=subject,
            text=text.replace(MANAGE_SLOT, manage_url).replace(UNSUBSCRIBE_SLOT, unsubscribe_url),
            html=html.replace(MANAGE_SLOT, manage_url).replace(UNSUBSCRIBE_SLOT, unsubscribe_url),
            headers=headers,
        )


def new_message_id() -> str:
    return mail_headers.new_message_id("digest")


def _url_around_token(name: str) -> tuple[str, str]:
    """The absolute URL of a token view split around its token: reverse() once, not per mail."""
    marker = "TOKENSLOT"
    url = links.absolute(reverse(name, args=[marker]))
    prefix, suffix = url.split(marker)
    return prefix, suffix


class BodyStore:
    """DigestBody ids by content hash: each distinct digest is written once, and a batch that
    brings no new one costs no query."""

    def __init__(self):
        self.ids: dict[str, int] = {}

    def ids_for(self, pages, now: dt.datetime) -> dict[str, int]:
        missing = {page.digest: page for page in pages if page.digest not in self.ids}
        if missing:
            # Inserted in the order of their keys: two builders writing the same new bodies
            # take the unique index's locks in one order and never deadlock.
            missing = dict(sorted(missing.items()))
            DigestBody.objects.bulk_create(
                [
                    DigestBody(
                        digest=page.digest,
                        subject=page.subject,
                        body_text=page.text,
                        body_html=page.html,
                        created_at=now,
                    )
                    for page in missing.values()
                ],
                ignore_conflicts=True,  # another builder, or an earlier run, wrote it first
            )
            self.ids.update(
                DigestBody.objects.filter(digest__in=list(missing)).values_list("digest", "pk")
            )
        return self.ids


@dataclass
class BuildCounts:
    recipients: int = 0
    queued: int = 0
    skipped_empty: int = 0


def _recipients(frequencies, now: dt.datetime, after_pk: int, size: int, lock: bool):
    queryset = (
        Subscriber.objects.due(now, frequencies)
        .filter(pk__gt=after_pk)
        # The address-wide suppression list (a bounce or complaint from any app's mail).
        .exclude(email__in=SuppressedAddress.objects.values("address"))
        .order_by("pk")
    )
    if lock and connection.features.has_select_for_update_skip_locked:
        # Two builders at once take disjoint batches; the unique key backs this up.
        queryset = queryset.select_for_update(skip_locked=True)
    rows = queryset.values_list("pk", "email", "frequency", "key", "last_digest_at")[:size]
    return [Recipient(*row) for row in rows]


def _homes_of(recipients) -> dict[int, list[int]]:
    homes = defaultdict(list)
    through = Subscriber.homes.through.objects.filter(
        subscriber_id__in=[recipient.pk for recipient in recipients]
    ).values_list("subscriber_id", "botilbudpage_id")
    for subscriber_id, home_id in through:
        homes[subscriber_id].append(home_id)
    return homes


def _mark_handled(recipients, queued_pks: set[int], now: dt.datetime) -> None:
    """One UPDATE per frequency: the period is handled for all; last_digest_at moves only for
    those who got a digest (so the next one still covers what an empty period did not)."""
    by_frequency = defaultdict(list)
    for recipient in recipients:
        by_frequency[recipient.frequency].append(recipient.pk)
    for frequency, pks in by_frequency.items():
        update = {"last_digest_period": period_key(frequency, now)}
        sent = [pk for pk in pks if pk in queued_pks]
        if sent:
            update["last_digest_at"] = Case(
                When(pk__in=sent, then=Value(now)), default=F("last_digest_at")
            )
        Subscriber.objects.filter(pk__in=pks).update(**update)


def build_digests(
    *, frequencies, now: dt.datetime, run: DigestRun | None = None, dry_run: bool = False
) -> BuildCounts:
    """Queue one outbox row per due subscriber with something new; mark the rest handled.

    Each batch commits as a whole (rows and markers together), so a run killed half-way
    leaves whole batches done and the rest due: the next run picks up exactly the rest.
    """
    counts = BuildCounts()
    content = ContentCache(now, frequencies)
    renderer = DigestRenderer()
    bodies = BodyStore()
    size = setting("BATCH_SIZE")
    after_pk = 0
    more = True
    while more and not sender.stop_requested():  # a SIGTERM stops between batches
        with transaction.atomic():
            recipients = _recipients(frequencies, now, after_pk, size, lock=not dry_run)
            if not recipients:
                break
            after_pk = recipients[-1].pk
            more = len(recipients) == size  # a short batch was the last: no query to find out
            homes = _homes_of(recipients)
            content.load({pk for pks in homes.values() for pk in pks})
            rows, pages = [], []
            for recipient in recipients:
                sections = content.sections(homes.get(recipient.pk, ()), recipient.since(now))
                if not sections:
                    counts.skipped_empty += 1
                    continue
                if dry_run:
                    rows.append(recipient.pk)
                    continue
                pages.append(renderer.render(recipient, sections))
                rows.append(
                    DigestMail(
                        subscriber_id=recipient.pk,
                        period_key=period_key(recipient.frequency, now),
                        run=run,
                        to_email=recipient.email,
                        message_id=new_message_id(),
                        created_at=now,
                    )
                )
            counts.recipients += len(recipients)
            counts.queued += len(rows)
            if dry_run:
                continue
            body_ids = bodies.ids_for(pages, now)
            for row, page in zip(rows, pages, strict=True):
                row.body_id = body_ids[page.digest]
            DigestMail.objects.bulk_create(rows, ignore_conflicts=True)
            _mark_handled(recipients, {row.subscriber_id for row in rows}, now)
        sender.heartbeat(run.send if run else None)
    return counts


def preview_digest(home: BotilbudPage, *, frequency: str = Frequency.WEEKLY, now=None):
    """What a subscriber of this home alone would get now (for the admin); None if empty."""
    now = now or timezone.now()
    content = ContentCache(now, [frequency])
    content.load([home.pk])
    recipient = Recipient(0, "modtager@eksempel.dk", frequency, "preview", None)
    sections = content.sections([home.pk], recipient.since(now))
    if not sections:
        return None
    page = DigestRenderer().render(recipient, sections)
    owner = LinkOwner(recipient.pk, recipient.key)
    return Personaliser().personalise(owner, page.subject, page.text, page.html, new_message_id())
