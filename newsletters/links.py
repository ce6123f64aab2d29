"""Absolute, signed links for mails: confirm, manage and one-click unsubscribe."""

from django.urls import reverse

from outbox.links import absolute

from . import tokens
from .models import Subscriber


def confirm_url(subscriber: Subscriber) -> str:
    token = tokens.make_token(subscriber, tokens.CONFIRM)
    return absolute(reverse("newsletters:confirm", args=[token]))


def manage_url(subscriber: Subscriber) -> str:
    token = tokens.make_token(subscriber, tokens.MANAGE)
    return absolute(reverse("newsletters:manage", args=[token]))


def unsubscribe_token(subscriber: Subscriber) -> str:
    return tokens.make_token(subscriber, tokens.UNSUBSCRIBE)


def unsubscribe_url_for_token(token: str) -> str:
    return absolute(reverse("newsletters:unsubscribe", args=[token]))
