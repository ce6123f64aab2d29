"""Every URL the project answers, tried by everyone who should not see Solgården's private data.

The URL list comes from Django's resolver (the Wagtail admin and every app included), so a new
view is swept without touching this test. Each id parameter is filled with Solgården's ids (and
with huge, zero, negative and non-numeric values), each token with forged ones; each URL is
requested with GET and POST (the test client skips the CSRF check: the attacker's own token) as
staff of Engbo, as a relative of Engbo, as another relative of Solgården, as a pending and an
ended relative of Solgården, and anonymously. Nothing of the victim may show, nothing of it may
change, and no request may fail with a server error.

Markers: PRIVMARK is in what only Solgården's staff (and the one relative concerned) may see;
RELMARK is in Solgården's relatives-only content, which its approved relatives may see too.
"""

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from dialog.models import Attachment, Membership, Message, Report, Thread
from facilities.models import Booking, Facility, OpeningHours
from home.models import HomeStaffAccess
from newsletters.models import Subscriber
from outbox.models import OutgoingMail
from participation.models import ActivityProposal, EventSignup, VolunteerSignup

from .conftest import make_call, make_event, make_image, make_news

pytestmark = pytest.mark.django_db(transaction=False)

User = get_user_model()
HUGE = [str(10**20), str(2**31), "abc"]
# Every victim row but the pages gets this id, so one value reaches them all.
VICTIM_ID = 4242
TOKENS = ["forged", "A" * 300, "<script>alert(1)</script>", "..%2F..%2Fetc%2Fpasswd"]
# URLs that would only end the attacker's own session or that stream without end.
NOT_SWEPT = re.compile(r"^/(static|media)/")
POST_BODY = {
    "id": "1",
    "status": "approved",
    "action": "approve",
    "body": "Forsøg",
    "text": "Forsøg",
    "email": "angriber@example.dk",
    "name": "Angriber",
}


def _relative(email: str, home, status=Membership.Status.APPROVED, relation="Nevø", **ids):
    user = User.objects.create_user(username=email, email=email, **ids)
    user.set_unusable_password()
    user.save()
    if home is not None:
        Membership.objects.create(
            relative=user, botilbud=home, relation=relation, status=status, **ids
        )
    return user


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    home_a, home_b = tree.home_a, tree.home_b
    collection_a = HomeStaffAccess.objects.get(botilbud=home_a).collection

    victim = _relative(
        "privmark.relative@example.dk", home_a, relation="PRIVMARK datter", id=VICTIM_ID
    )
    rel_news = make_news(home_a, "RELMARK nyt for pårørende", relatives_only=True, slug="nyt-1")
    draft = make_news(home_a, "PRIVMARK kladde", slug="nyt-2")
    draft.unpublish()
    rel_event = make_event(
        home_a,
        "RELMARK fest for pårørende",
        slug="fest-1",
        relatives_only=True,
        signup_enabled=True,
        capacity=10,
    )
    public_event = make_event(home_a, "Sommerfest", signup_enabled=True, capacity=10)
    call = make_call(home_a, "Frivillig til gåture")
    signup = EventSignup.objects.create(
        id=VICTIM_ID,
        event=public_event,
        name="PRIVMARK Deltager",
        email="privmark.signup@example.dk",
        party_size=1,
        status=EventSignup.Status.CONFIRMED,
    )
    volunteer = VolunteerSignup.objects.create(
        id=VICTIM_ID, call=call, name="PRIVMARK Frivillig", email="privmark.volunteer@example.dk"
    )
    proposal = ActivityProposal.objects.create(
        id=VICTIM_ID,
        botilbud=home_a,
        name="PRIVMARK Forslag",
        email="privmark.proposal@example.dk",
        title="PRIVMARK Aktivitet",
        description="PRIVMARK beskrivelse",
    )
    subscriber = Subscriber.objects.create(
        id=VICTIM_ID,
        email="privmark.subscriber@example.dk",
        status=Subscriber.Status.ACTIVE,
        consent_version="1",
    )
    subscriber.homes.add(home_a)
    image = make_image("PRIVMARK billede")
    type(image).objects.filter(pk=image.pk).update(id=VICTIM_ID, collection=collection_a)
    image = type(image).objects.get(pk=VICTIM_ID)
    document = get_document_model().objects.create(
        id=VICTIM_ID,
        title="PRIVMARK dokument",
        collection=collection_a,
        file=ContentFile(b"PRIVMARK indhold", name="privmark.txt"),
    )
    thread = Thread.objects.create(
        id=VICTIM_ID,
        botilbud=home_a,
        kind=Thread.Kind.CONCERN,
        subject="PRIVMARK emne",
        visibility=Thread.Visibility.PRIVATE,
        relative=victim,
        started_by=victim,
        last_message_at=timezone.now(),
    )
    message = Message.objects.create(
        id=VICTIM_ID,
        thread=thread,
        author=victim,
        body="PRIVMARK Jens har virket trist",
        status=Message.Status.PUBLISHED,
    )
    attachment = Attachment.objects.create(
        id=VICTIM_ID,
        message=message,
        file=ContentFile(b"%PDF-1.4 PRIVMARK\n%%EOF", name="privmark.pdf"),
        content_type="application/pdf",
        size=24,
        original_name="privmark.pdf",
    )
    report = Report.objects.create(
        id=VICTIM_ID, message=message, reporter=victim, reason="PRIVMARK anmeldt"
    )
    mail = OutgoingMail.objects.create(
        id=VICTIM_ID,
        key="sweep:victim",
        to_email="privmark.outbox@example.dk",
        subject="PRIVMARK emne",
        body_text="PRIVMARK",
    )

    facility = Facility.objects.create(
        id=VICTIM_ID, botilbud=home_a, name="Spabad", description="Varmtvandsbassin."
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=facility, weekday=day, opens=dt.time(0), closes=dt.time(23))
        for day in range(7)
    )
    booking_start = timezone.now() + dt.timedelta(hours=2)
    booking = Booking.objects.create(
        id=VICTIM_ID,
        facility=facility,
        kind="relative",
        name="PRIVMARK Låner",
        email="privmark.booking@example.dk",
        for_whom="PRIVMARK beboere",
        purpose="PRIVMARK formål",
        start=booking_start,
        end=booking_start + dt.timedelta(hours=1),
    )

    staff_b = User.objects.create_user("medarbejder-engbo", "engbo@example.dk", "x")
    staff_b.groups.add(HomeStaffAccess.objects.get(botilbud=home_b).group)
    attackers = {
        "staff_b": (staff_b, ("privmark", "relmark")),
        "relative_b": (_relative("rel.engbo@example.dk", home_b), ("privmark", "relmark")),
        "other_relative_a": (_relative("rel.other@example.dk", home_a), ("privmark",)),
        "pending_a": (
            _relative("rel.pending@example.dk", home_a, Membership.Status.PENDING),
            ("privmark", "relmark"),
        ),
        "ended_a": (
            _relative("rel.ended@example.dk", home_a, Membership.Status.ENDED),
            ("privmark", "relmark"),
        ),
        "anonymous": (None, ("privmark", "relmark")),
    }
    victims: dict[str, list[Model]] = {
        "page": [home_a, rel_news, draft, rel_event, public_event, call],
        "image": [image],
        "document": [document],
        "subscriber": [subscriber],
        "eventsignup": [signup],
        "volunteersignup": [volunteer],
        "activityproposal": [proposal],
        "thread": [thread],
        "message": [message],
        "attachment": [attachment],
        "membership": list(Membership.objects.filter(relative=victim)),
        "report": [report],
        "outgoingmail": [mail],
        "facility": [facility],
        "booking": [booking],
        "user": [victim],
    }
    page_paths = [p.url_path for p in (rel_news, draft, rel_event)]
    return attackers, victims, page_paths, home_a


def _fingerprint(home_a, people) -> tuple:
    """What an attacker might change of Solgården's."""
    pages = Page.objects.filter(path__startswith=home_a.path)
    return (
        tuple(
            pages.order_by("pk").values_list(
                "pk", "title", "draft_title", "live", "has_unpublished_changes", "path", "locked"
            )
        ),
        tuple(EventSignup.objects.order_by("pk").values_list("pk", "status", "party_size")),
        tuple(VolunteerSignup.objects.order_by("pk").values_list("pk", "status")),
        tuple(ActivityProposal.objects.order_by("pk").values_list("pk", "status")),
        tuple(Subscriber.objects.order_by("pk").values_list("pk", "status", "email")),
        tuple(Thread.objects.order_by("pk").values_list("pk", "visibility", "closed_at")),
        tuple(Message.objects.order_by("pk").values_list("pk", "status", "body")),
        tuple(Membership.objects.order_by("pk").values_list("pk", "status")),
        tuple(Booking.objects.order_by("pk").values_list("pk", "status", "start", "end")),
        tuple(Facility.objects.order_by("pk").values_list("pk", "name", "shared", "botilbud")),
        Attachment.objects.count(),
        get_document_model().objects.count(),
        # The people who were there: a sign-in form may create an account for a new address.
        tuple(
            User.objects.filter(pk__in=people)
            .order_by("pk")
            .values_list("pk", "is_active", "email", "password")
        ),
    )


# --- Building concrete URLs from the resolver --------------------------------------------------


def _patterns(resolver=None, prefix=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, (*prefix, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (*prefix, entry.pattern)


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _kind_for(route: str, name: str) -> str | None:
    """Which victim ids best fit a parameter (all of them when nothing says)."""
    route = route.lower()
    for kind in ("image", "document", "subscriber", "thread", "attachment", "membership"):
        if kind in route or kind in name:
            return kind
    if "page" in name or "page" in route or "choose-page" in route:
        return "page"
    return None


def _id_values(victims, kind) -> list[str]:
    if kind in victims:
        ids = {obj.pk for obj in victims[kind]}
    else:
        ids = {obj.pk for objs in victims.values() for obj in objs}
    return [str(pk) for pk in sorted(ids)] + HUGE


def _route_fill(parts: list[str], victims, snippet_model: str | None) -> list[str]:
    """Concrete paths for a route pattern: each parameter takes every fitting value (one
    parameter varies at a time, the others keep their first value)."""
    route = "".join(parts)
    params = list(_ROUTE_PARAM.finditer(route))
    if not params:
        return [route]
    choices = []
    for match in params:
        converter, name = match.group("converter") or "str", match.group("name")
        if converter in ("int", "id"):
            choices.append(_id_values(victims, snippet_model or _kind_for(route, name)))
        elif name in ("app_label",):
            choices.append(["newsletters", "participation", "dialog"])
        elif name in ("model_name",):
            choices.append(["subscriber", "eventsignup", "thread"])
        else:
            choices.append(TOKENS)
    paths = []
    for varying in range(len(params)):
        for value in choices[varying]:
            values = [c[0] for c in choices]
            values[varying] = value
            path, last = [], 0
            for match, filled in zip(params, values, strict=True):
                path.append(route[last : match.start()])
                path.append(filled)
                last = match.end()
            path.append(route[last:])
            paths.append("".join(path))
    return paths


_GROUP = re.compile(r"\((?:\?P<\w+>)?(?:[^()]|\([^()]*\))*\)")


def _regex_fill(parts: list[str], victims, page_paths) -> list[str]:
    regex = "".join(p.lstrip("^").rstrip("$").replace("\\Z", "") for p in parts)
    if "[\\w\\-]+/)*" in regex:  # Wagtail's page serving: Solgården's private pages
        return list(page_paths)
    values = _id_values(victims, None) + TOKENS
    paths = []
    for value in values:
        path = _GROUP.sub(value, regex)
        paths.append(path.replace("\\.", ".").replace("\\", ""))
    return paths


def _urls(victims, page_paths) -> list[str]:
    urls = set()
    for pattern in _patterns():
        parts = [str(p) for p in pattern]
        snippet = re.search(r"snippets/(?:choose/)?(\w+)/(\w+)/", "".join(parts))
        snippet_model = snippet.group(2) if snippet else None
        if all(isinstance(p, RoutePattern) for p in pattern):
            candidates = _route_fill(parts, victims, snippet_model)
        else:
            candidates = [
                p if p.startswith("/") else f"/{p}"
                for p in _regex_fill(
                    [
                        (p._regex if isinstance(p, RegexPattern) else str(p)).lstrip("^")
                        for p in pattern
                    ],
                    victims,
                    page_paths,
                )
            ]
        for path in candidates:
            path = path if path.startswith("/") else f"/{path}"
            if NOT_SWEPT.match(path):
                continue
            urls.add(path)
            # Query strings the admin reads ids from (bulk actions, filters, choosers).
            if "/bulk/" in path:
                for ids in _id_values(victims, snippet_model or "page")[:8]:
                    urls.add(f"{path}?id={ids}")
    return sorted(urls)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode("utf-8", "replace")
    return (text + " " + response.get("Location", "")).lower()


def _requests(urls, query_ids):
    """(method, target) pairs: every URL by GET and POST; the URLs without parameters also
    with hostile query-string ids and searches for the markers."""
    for url in urls:
        yield "get", url
        if "?" not in url:
            yield "post", url
        if "?" not in url and not any(ch.isdigit() for ch in url):
            for query in query_ids:
                yield "get", url + query


# The staff admin turns away everyone who is not staff in one way (to its sign-in page): there
# it is enough to be anonymous, a relative and another home's staff.
ADMIN_ATTACKERS = {"staff_b", "other_relative_a", "anonymous"}


def _is_admin(target: str) -> bool:
    return target.startswith(("/admin/", "/django-admin/"))


def test_no_url_shows_or_changes_another_homes_data_or_fails(world):
    attackers, victims, page_paths, home_a = world
    urls = _urls(victims, page_paths)
    # Searches for the start of the markers: an echo of the query is not a leak, a result is.
    query_ids = [f"?botilbud={VICTIM_ID}", f"?id={HUGE[0]}", "?q=priv", "?q=relm"]
    requests = list(_requests(urls, query_ids))
    cases, leaks, errors, changes = 0, [], [], []
    started = time.monotonic()
    people = list(User.objects.values_list("pk", flat=True))
    before = _fingerprint(home_a, people)
    for name, (user, markers) in attackers.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for method, target in requests:
            if _is_admin(target) and name not in ADMIN_ATTACKERS:
                continue
            data = POST_BODY if method == "post" else None
            response = getattr(client, method)(target, data)
            cases += 1
            if response.status_code >= 500:
                errors.append((name, method, target, response.status_code))
            else:
                body = _body(response)
                leaks.extend((name, method, target, m) for m in markers if m in body)
            if method == "post":
                after = _fingerprint(home_a, people)
                if after != before:
                    changes.append((name, method, target))
                    before = after
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)  # a logout URL ended the session: sign in again
        after = _fingerprint(home_a, people)
        if after != before:
            changes.append((name, "get", "(one of the GETs)"))
            before = after
    figures = {
        "urls": len(urls),
        "attackers": len(attackers),
        "cases": cases,
        "leaks": len(leaks),
        "server_errors": len(errors),
        "state_changes": len(changes),
        "seconds": round(time.monotonic() - started, 1),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
    report = Path(os.environ.get("SWEEP_REPORT", settings.BASE_DIR / "var" / "sweep.json"))
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps(
            {**figures, "leak_list": leaks[:200], "error_list": errors[:200], "changes": changes},
            indent=1,
        )
    )
    print(json.dumps(figures))
    assert cases >= 400
    assert not errors, errors[:30]
    assert not leaks, leaks[:30]
    assert not changes, changes
