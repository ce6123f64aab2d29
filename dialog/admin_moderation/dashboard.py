"""The dialog's panel on the Wagtail dashboard: what waits for the staff of the user's homes."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from ..models import Message
from ..timeliness import waiting_threads
from .common import home_ids, uses_dialog_admin
from .queue import in_queue

# --- Dashboard --------------------------------------------------------------------------------


def dashboard_counts(ids: list[int] | None) -> dict[str, int]:
    """Held posts, reported posts and unanswered threads of the homes: two queries."""
    held_or_reported = Message.objects.filter(in_queue())
    if ids is not None:
        held_or_reported = held_or_reported.filter(thread__botilbud_id__in=ids)
    # A published post is in the queue only while it has an open report.
    counts = held_or_reported.aggregate(
        pending=Count("pk", filter=Q(status=Message.Status.PENDING)),
        reported=Count("pk", filter=Q(status=Message.Status.PUBLISHED)),
    )
    counts.update(
        waiting_threads(ids).aggregate(
            unanswered=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=timezone.now()))
        )
    )
    return counts


class DialogDashboardPanel(Component):
    name = "dialog_summary"
    template_name = "dialog/admin/dashboard_panel.html"
    order = 50

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def get_context_data(self, parent_context=None):
        return {
            "counts": self.counts,
            "queue_url": reverse("dialog_moderation_queue"),
            "threads_url": reverse("dialog_threads"),
        }


def add_dashboard_panel(request, panels) -> None:
    if uses_dialog_admin(request):
        panels.append(DialogDashboardPanel(dashboard_counts(home_ids(request))))
