"""The demo's confirmed subscribers have digests due."""

from django.core import mail

from newsletters.demo import seed_demo_subscribers
from newsletters.models import Subscriber
from newsletters.sending import run_digests
from tests.conftest import make_news

from .conftest import publish


def test_demo_subscribers_get_digests_and_seeding_twice_adds_nothing(tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    publish(make_news(tree.home_b, "Ny have"))
    assert seed_demo_subscribers() == 4
    assert seed_demo_subscribers() == 0
    assert Subscriber.objects.filter(status="active").count() == 4
    run = run_digests()
    assert run.sent == 4
    assert len(mail.outbox) == 4
