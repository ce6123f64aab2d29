"""Mail backends that fail on purpose, for the outbox's retry and crash tests."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class Crash(BaseException):
    """Stands in for the process being stopped half-way (not an Exception: nothing catches it)."""


class ScriptedBackend(LocmemBackend):
    """Locmem, except that the n-th message overall (1-based) raises what ``script`` says."""

    script: dict = {}  # set per test, read by every instance
    calls = 0

    def send_messages(self, messages):
        for message in messages:
            type(self).calls += 1
            outcome = self.script.get(type(self).calls) or self.script.get("*")
            if outcome is not None:
                raise outcome
            mail.outbox.append(message)
        return len(messages)


def scripted(script: dict):
    ScriptedBackend.script = script
    ScriptedBackend.calls = 0
    return "tests.newsletters.backends.ScriptedBackend"


class SlowBackend(LocmemBackend):
    """Locmem that takes a moment per message, so two workers overlap."""

    def send_messages(self, messages):
        import time

        time.sleep(0.005)
        return super().send_messages(messages)
