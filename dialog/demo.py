"""A little dialog for the demo: Solgården's leader, two relatives (one connected, one
waiting for approval), a concern answered in time and a shared suggestion with a post that
waits for moderation. Idempotent: runs once per database; sends no mail."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from home.models import BotilbudPage

from .models import HomeDialogSettings, Membership, Message, Thread
from .workdays import add_working_days

DEMO_RELATIVE = "karen.jensen@example.dk"


def _relative(email: str, first_name: str, last_name: str):
    user = get_user_model()(username=email, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    return user


def seed_demo_dialog() -> int:
    """Create the demo dialog; returns how many rows it made (0 when it is there already)."""
    home = BotilbudPage.objects.filter(slug="solgaarden").first()
    leader = get_user_model().objects.filter(username="solgaarden").first()
    if home is None or leader is None or Membership.objects.exists():
        return 0
    HomeDialogSettings.objects.get_or_create(botilbud=home, defaults={"leader": leader})
    karen = _relative(DEMO_RELATIVE, "Karen", "Jensen")
    ole = _relative("ole.madsen@example.dk", "Ole", "Madsen")
    Membership.objects.create(
        relative=karen, botilbud=home, relation="Søster til Jens", status="approved"
    )
    Membership.objects.create(
        relative=ole, botilbud=home, relation="Nabo og i Jens' netværk", status="pending"
    )
    now = timezone.now()
    asked = now - dt.timedelta(days=3, hours=2)
    concern = Thread.objects.create(
        botilbud=home,
        kind=Thread.Kind.CONCERN,
        subject="Jens sover dårligt",
        relative=karen,
        started_by=karen,
        due_at=add_working_days(asked, 2),
        first_staff_reply_at=asked + dt.timedelta(hours=20),
        last_message_at=asked + dt.timedelta(hours=20),
    )
    Message.objects.create(
        thread=concern,
        author=karen,
        body="Jens fortalte i søndags, at han vågner flere gange om natten. Har I set det?",
    )
    Message.objects.create(
        thread=concern,
        author=leader,
        author_is_staff=True,
        body="Tak, fordi du skriver. Nattevagten har set det samme, og vi tager det op med "
        "lægen på torsdag. Jeg ringer til dig bagefter.",
    )
    suggestion = Thread.objects.create(
        botilbud=home,
        kind=Thread.Kind.SUGGESTION,
        subject="Fællessang om søndagen",
        visibility=Thread.Visibility.SHARED,
        started_by=karen,
        due_at=add_working_days(now, 5),
        last_message_at=now - dt.timedelta(hours=5),
    )
    Message.objects.create(
        thread=suggestion,
        author=karen,
        body="Jeg spiller guitar og vil gerne komme en søndag om måneden og synge med "
        "beboerne. Er der andre pårørende, der vil være med?",
    )
    Message.objects.create(
        thread=suggestion,
        author=karen,
        body="Sangbøger kan lånes på biblioteket: https://www.toender-bibliotek.dk",
        status=Message.Status.PENDING,
    )
    return 11
