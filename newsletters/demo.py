"""Demo subscribers for ``seed_demo``: confirmed, following some homes, with digests due."""

from django.db import transaction
from django.utils import timezone

from home.models import BotilbudPage

from .conf import setting
from .models import Frequency, Subscriber, SubscriptionEvent
from .services import log_event

# (address, how many of the homes, in title order, they follow, frequency)
DEMO_SUBSCRIBERS = (
    ("karen.nielsen@example.dk", 1, Frequency.WEEKLY),
    ("jens.hansen@example.dk", 3, Frequency.WEEKLY),
    ("mette.jensen@example.dk", 2, Frequency.DAILY),
    ("frivillig@tonder-if.example.dk", 4, Frequency.MONTHLY),
)


@transaction.atomic
def seed_demo_subscribers() -> int:
    """Create the demo subscribers that are missing; returns how many were created.

    Running it again creates nothing; existing demo subscribers keep their state, so a
    digest already sent this period is not sent again.
    """
    homes = list(BotilbudPage.objects.live().public().order_by("title"))
    if not homes:
        return 0
    created = 0
    now = timezone.now()
    for email, count, frequency in DEMO_SUBSCRIBERS:
        subscriber, is_new = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "status": Subscriber.Status.ACTIVE,
                "frequency": frequency,
                "consent_version": setting("CONSENT_VERSION"),
                "consented_at": now,
                "confirmed_at": now,
            },
        )
        if not is_new:
            continue
        subscriber.homes.set(homes[:count])
        for action in (SubscriptionEvent.Action.SUBSCRIBED, SubscriptionEvent.Action.CONFIRMED):
            log_event(subscriber, action, SubscriptionEvent.Actor.SYSTEM, data={"demo": True})
        created += 1
    return created
