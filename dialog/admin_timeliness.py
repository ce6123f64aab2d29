"""The leader's overview in the Wagtail admin: what waits for an answer, what is overdue,
and how fast the home answers (dialog.timeliness). Staff see their own homes (superusers
all); asking for another home's overview is refused with a plain 403.
"""

from django.db.models import F
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from access.ids import parse_id
from home.models import BotilbudPage

from . import privacy, timeliness
from .admin_moderation import DialogAdminView, DialogMenuItem, forbidden, home_ids, in_scope
from .home_settings import led_home_ids
from .models import HomeDialogSettings

# The waiting list is short in practice (it is what nobody has answered yet); the cap keeps
# the page bounded if a home stops answering altogether.
MAX_LISTED = 200


def duration_label(value) -> str:
    """ "2 dage 3 t" / "5 t 10 min": how long, the way the staff say it."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} t"
    if hours:
        return f"{hours} t {minutes} min"
    return f"{minutes} min"


CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_TOP = 20
CHART_BOTTOM = 40  # room for the month labels
CHART_LEFT = 10


def month_chart(months: list[timeliness.MonthlyTimes]) -> dict:
    """Bars for an inline SVG: the median time to first answer per month, scaled to the
    slowest month. Geometry is worked out here so the template only draws."""
    hours = [m.median.total_seconds() / 3600 if m.median is not None else None for m in months]
    top = max((h for h in hours if h is not None), default=0) or 1
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = (CHART_WIDTH - 2 * CHART_LEFT) / max(len(months), 1)
    bars = []
    for index, (month, value) in enumerate(zip(months, hours, strict=True)):
        height = 0 if value is None else max(plot_height * value / top, 2)
        x = CHART_LEFT + index * slot
        bars.append(
            {
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(CHART_TOP + plot_height - height, 1),
                "value_y": round(CHART_TOP + plot_height - height - 4, 1),
                "height": round(height, 1),
                "label_x": round(x + slot / 2, 1),
                "month": date_format(month.month, "N"),
                "month_long": date_format(month.month, "F Y"),
                "median": duration_label(month.median),
                "answered": month.answered,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
    }


class TimelinessView(DialogAdminView):
    template_name = "dialog/admin/timeliness.html"
    page_title = gettext_lazy("Svartider")
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        self.selected = None
        raw = request.GET.get("botilbud", "")
        if raw:
            wanted = parse_id(raw)
            if wanted is None or not BotilbudPage.objects.filter(pk=wanted).exists():
                return forbidden()
            if not in_scope(request, wanted):
                return forbidden()
            self.selected = wanted
        return super().dispatch(request, *args, **kwargs)

    def scope(self):
        return [self.selected] if self.selected is not None else home_ids(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        scope = self.scope()
        waiting = list(
            timeliness.waiting_threads(scope)
            .annotate(home_title=F("botilbud__title"))
            .order_by(F("due_at").asc(nulls_last=True), "pk")[:MAX_LISTED]
        )
        for thread in waiting:
            thread.is_overdue = bool(thread.due_at and thread.due_at < now)
            thread.waited = duration_label(now - thread.created_at)
        stats = timeliness.response_stats(scope, now=now)
        homes = BotilbudPage.objects.order_by("title").only("pk", "title")
        ids = home_ids(self.request)
        if ids is not None:
            homes = homes.filter(pk__in=ids)
        settings_rows = HomeDialogSettings.objects.filter(botilbud__in=homes).select_related(
            "botilbud", "leader"
        )
        context.update(
            waiting=waiting,
            overdue=[thread for thread in waiting if thread.is_overdue],
            stats=stats,
            median=duration_label(stats.median),
            average=duration_label(stats.average),
            period_days=timeliness.STATS_PERIOD.days,
            homes=list(homes),
            selected=self.selected,
            home_settings=list(settings_rows),
            chart=month_chart(timeliness.monthly_response_times(scope, now=now)),
            settings_url=(
                reverse("dialog_settings") if led_home_ids(self.request.user) != [] else ""
            ),
        )
        return context


def timeliness_menu_item() -> DialogMenuItem:
    return DialogMenuItem(
        gettext_lazy("Svartider"),
        reverse_lazy("dialog_timeliness"),
        name="dialog-timeliness",
        icon_name="time",
        order=40,
    )


hooks.register("register_dialog_menu_item", timeliness_menu_item)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("dialog/svartider/", TimelinessView.as_view(), name="dialog_timeliness")]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    """Also dialog.privacy's: it has no admin screen of its own."""
    actions.register_action(
        timeliness.ESCALATE, _("Send til leder"), _("Sendt til leder: ikke besvaret til tiden")
    )
    actions.register_action(
        privacy.RELATIVE_DELETED,
        _("Slet pårørendes data"),
        _("Pårørende slettede sine data"),
    )
    actions.register_action(
        privacy.RETENTION_PURGE,
        _("Slet beskeder efter opbevaringsperioden"),
        _("Beskeder slettet efter opbevaringsperioden"),
    )
