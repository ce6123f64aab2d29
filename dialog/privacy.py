"""A relative's own data (download it, delete it) and how long the dialog keeps messages.

Download (``/dialog/mine-data/eksport/``): a JSON file with the profile's address, the
relative's connections to homes, the threads they started or wrote in (subject, kind,
home) with *their own* messages, and their reports. Other people's words are not theirs
to take along, so staff answers are not in it.

Delete (POST ``/dialog/mine-data/slet/`` with the box ticked): connections are ended and
deleted, reports deleted, the account deleted. What they wrote stays for the home's staff
(and, in shared threads, the other relatives), shown as written by "slettet pårørende":
``Message.author`` and the private thread's ``relative`` become empty. Staff accounts are
not deleted here – an administrator does that.

Retention: ``purge_closed_threads`` deletes threads that were closed more than
DIALOG_RETENTION_DAYS (default 365) days ago, with their messages, attachments (files too)
and reports. The thread is deleted, not kept as an empty shell: a shell's subject is
often about a resident, and without it the shell is only noise in the staff's lists; the
leader's response times look at the last 90 days, well inside the retention period. What
stays is the audit log, whose labels for the deleted messages are scrubbed of their text.
"""

import datetime as dt
import json
import logging
from collections import Counter

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from access.rules import is_relative

from . import identity
from .models import Attachment, Membership, Message, Report, Thread

logger = logging.getLogger(__name__)

RELATIVE_DELETED = "samspil.dialog.relative_deleted"
RETENTION_PURGE = "samspil.dialog.retention_purge"
MEMBERSHIP_END = "samspil.membership.end"  # dialog.membership's action, same meaning
DEFAULT_RETENTION_DAYS = 365
PURGE_BATCH = 200


# --- Download ---------------------------------------------------------------------------------


def export_relative_data(user) -> dict:
    """Everything the dialog holds that is the relative's own, ready for JSON (five queries)."""
    own_messages = list(
        Message.objects.filter(author=user)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    by_thread: dict[int, list[Message]] = {}
    for message in own_messages:
        by_thread.setdefault(message.thread_id, []).append(message)
    threads = (
        Thread.objects.filter(Q(relative=user) | Q(started_by=user) | Q(pk__in=list(by_thread)))
        .select_related("botilbud")
        .order_by("created_at", "pk")
    )
    return {
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "memberships": [
            {
                "botilbud": membership.botilbud.title,
                "relation": membership.relation,
                "status": membership.status,
                "requested_at": membership.requested_at,
                "decided_at": membership.decided_at,
                "ended_at": membership.ended_at,
            }
            for membership in Membership.objects.filter(relative=user)
            .select_related("botilbud")
            .order_by("requested_at", "pk")
        ],
        "threads": [
            {
                "id": thread.pk,
                "botilbud": thread.botilbud.title,
                "kind": thread.kind,
                "subject": thread.subject,
                "visibility": thread.visibility,
                "started_by_me": thread.started_by_id == user.pk,
                "created_at": thread.created_at,
                "closed_at": thread.closed_at,
                "my_messages": [
                    {
                        "id": message.pk,
                        "created_at": message.created_at,
                        "body": message.body,
                        "status": message.status,
                        "source": message.source,
                        "attachments": [
                            {
                                "name": attachment.original_name,
                                "content_type": attachment.content_type,
                                "size": attachment.size,
                            }
                            for attachment in message.attachments.all()
                        ],
                    }
                    for message in by_thread.get(thread.pk, [])
                ],
            }
            for thread in threads
        ],
        "reports": [
            {
                "message_id": report.message_id,
                "reason": report.reason,
                "created_at": report.created_at,
                "handled_at": report.handled_at,
            }
            for report in Report.objects.filter(reporter=user).order_by("created_at", "pk")
        ],
    }


# --- Delete -----------------------------------------------------------------------------------


def delete_relative(user) -> dict[str, int]:
    """Delete a relative and what is only theirs; their messages stay, without an author.
    Returns what was done, by count (also logged – without the address)."""
    if not is_relative(user):
        raise PermissionDenied(_("Kun pårørende kan slette sig selv her."))
    user_id = user.pk
    now = timezone.now()
    with transaction.atomic():
        memberships = list(Membership.objects.select_for_update().filter(relative_id=user_id))
        for membership in memberships:
            if membership.status in Membership.ACTIVE:
                was = membership.status
                membership.status = Membership.Status.ENDED
                membership.ended_at = now
                membership.save(update_fields=["status", "ended_at"])
                log(
                    membership,
                    MEMBERSHIP_END,
                    user=user,
                    data={"botilbud": membership.botilbud_id, "by": "deletion", "was": was},
                )
        done = {
            "memberships": Membership.objects.filter(relative_id=user_id).delete()[0],
            "messages": Message.objects.filter(author_id=user_id).update(author=None),
            "private_threads": Thread.objects.filter(relative_id=user_id).update(relative=None),
            "reports": Report.objects.filter(reporter_id=user_id).delete()[0],
        }
        Thread.objects.filter(started_by_id=user_id).update(started_by=None)
        # The label is what the log shows; the address must not outlive the account there.
        log(user, RELATIVE_DELETED, user=user, title=f"Pårørende {user_id}", data=done)
        user.delete()
    logger.info("Dialog: relative %s deleted their data: %s", user_id, done)
    return done


# --- Retention --------------------------------------------------------------------------------


def retention_period() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "DIALOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def purge_closed_threads(now: dt.datetime | None = None) -> int:
    """Delete threads closed longer ago than the retention period, with their messages
    and attachment files; returns how many threads went. Runs in batches, each in its own
    transaction; files are removed once their batch has committed. Running it again finds
    nothing more to do."""
    cutoff = (now or timezone.now()) - retention_period()
    expired = Thread.objects.filter(closed_at__lt=cutoff).order_by("pk")
    message_type = ContentType.objects.get_for_model(Message)
    purged = 0
    while True:
        with transaction.atomic():
            batch = list(expired.values_list("pk", "botilbud_id", "closed_at")[:PURGE_BATCH])
            if not batch:
                break
            ids = [pk for pk, _home, _closed in batch]
            message_rows = list(
                Message.objects.filter(thread_id__in=ids).values_list("pk", "thread_id")
            )
            counts = Counter(thread_id for _pk, thread_id in message_rows)
            files = list(
                Attachment.objects.filter(message__thread_id__in=ids).values_list("file", flat=True)
            )
            ModelLogEntry.objects.filter(
                content_type=message_type, object_id__in=[str(pk) for pk, _ in message_rows]
            ).update(label=_("Slettet besked"))
            for pk, botilbud_id, closed_at in batch:
                log(
                    Thread(pk=pk, botilbud_id=botilbud_id),
                    RETENTION_PURGE,
                    title=f"Tråd {pk}",
                    data={"messages": counts[pk], "closed_at": closed_at.isoformat()},
                )
            # Messages, attachments and reports go with their thread (on_delete CASCADE).
            Thread.objects.filter(pk__in=ids).delete()
            transaction.on_commit(lambda names=files: _delete_files(names))
            purged += len(ids)
    if purged:
        logger.info("Dialog: deleted %s closed threads after the retention period", purged)
    return purged


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Dialog: could not delete attachment file %s", name)


# --- Views: /dialog/mine-data/ ---------------------------------------------------------------


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Ja, slet mine data. Jeg ved, at det ikke kan fortrydes, og at mine beskeder "
            "bliver stående hos personalet som skrevet af en slettet pårørende."
        ),
        error_messages={"required": gettext_lazy("Sæt kryds, hvis du vil slette dine data.")},
    )


def _page(request, form, status: int = 200):
    context = {"form": form, "is_relative": is_relative(request.user)}
    return TemplateResponse(request, "dialog/privacy/my_data.html", context, status=status)


@never_cache
@identity.sign_in_required
@require_GET
def my_data(request):
    if not is_relative(request.user):
        return _page(request, None, status=403)
    return _page(request, DeleteForm())


@never_cache
@identity.sign_in_required
@require_GET
def export(request):
    if not is_relative(request.user):
        return _page(request, None, status=403)
    data = export_relative_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"samspil-mine-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@identity.sign_in_required
@require_POST
def delete(request):
    if not is_relative(request.user):
        return _page(request, None, status=403)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    delete_relative(request.user)
    logout(request)
    return redirect("dialog:my_data_deleted")


def deleted(request):
    return TemplateResponse(request, "dialog/privacy/deleted.html")


urlpatterns = [
    path("mine-data/", my_data, name="my_data"),
    path("mine-data/eksport/", export, name="my_data_export"),
    path("mine-data/slet/", delete, name="my_data_delete"),
    path("mine-data/slettet/", deleted, name="my_data_deleted"),
]
