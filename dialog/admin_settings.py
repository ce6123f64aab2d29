"""Admin: *Dialogindstillinger*. The municipal admin names each home's leader and sets its
answer times; a home's leader does the same for their own home, and adds and removes its
staff. Other staff get a plain 403; an unknown home a 404. Changes go through
dialog.home_settings, which checks the rights again and logs every change.

A dashboard panel warns the municipal admin about homes without a leader (nobody gets
their escalations then, so they go to all staff).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from access.rules import home_staff_users
from home.models import BotilbudPage

from . import home_settings as services
from .models import HomeDialogSettings

# Pages and users have 32-bit ids; a larger number in a URL or form names nothing (and
# must not reach the database, where it would overflow).
MAX_ID = 2**31 - 1


def forbidden() -> HttpResponseForbidden:
    return HttpResponseForbidden(
        _("Kun kommunens administrator og botilbuddets leder kan ændre dialogindstillingerne.")
    )


def person(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name and user.email else name or user.email or user.username


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(text)


def _days_field(label) -> forms.IntegerField:
    limits = {"min": services.MIN_RESPONSE_DAYS, "max": services.MAX_RESPONSE_DAYS}
    out_of_range = gettext_lazy("Skriv et antal arbejdsdage mellem %(min)s og %(max)s.")
    return forms.IntegerField(
        label=label,
        min_value=services.MIN_RESPONSE_DAYS,
        max_value=services.MAX_RESPONSE_DAYS,
        help_text=gettext_lazy("Arbejdsdage; weekender og helligdage tæller ikke med."),
        error_messages={
            "required": gettext_lazy("Skriv et antal arbejdsdage."),
            "invalid": gettext_lazy("Skriv et helt antal arbejdsdage, f.eks. 2."),
            "min_value": out_of_range % limits,
            "max_value": out_of_range % limits,
        },
    )


class HomeSettingsForm(forms.Form):
    leader = LeaderChoiceField(
        label=gettext_lazy("Leder"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Ingen leder"),
        help_text=gettext_lazy(
            "Lederen får besked om henvendelser, der ikke er besvaret til tiden, og kan "
            "ændre disse indstillinger. Uden leder får alle medarbejdere beskeden."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Vælg en af botilbuddets medarbejdere som leder.")
        },
    )
    concern_response_days = _days_field(gettext_lazy("Svarfrist for bekymringer"))
    other_response_days = _days_field(gettext_lazy("Svarfrist for andre henvendelser"))
    contact_name = forms.CharField(
        label=gettext_lazy("Kontaktperson for pårørende"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Vises for pårørende på botilbuddets dialogside."),
        error_messages={"max_length": gettext_lazy("Skriv højst 200 tegn.")},
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Telefon for pårørende"),
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ]{8,20}$",
                gettext_lazy("Skriv et telefonnummer med cifre, f.eks. 74 92 92 92."),
            )
        ],
        error_messages={"max_length": gettext_lazy("Skriv højst 40 tegn.")},
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("E-mail for pårørende"),
        max_length=254,
        required=False,
        error_messages={
            "invalid": gettext_lazy("Skriv en gyldig e-mail, f.eks. navn@toender.dk."),
            "max_length": gettext_lazy("Skriv højst 254 tegn."),
        },
    )
    contact_hours = forms.CharField(
        label=gettext_lazy("Hvornår man kan ringe"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("F.eks. 'hverdage kl. 9–15'."),
        error_messages={"max_length": gettext_lazy("Skriv højst 200 tegn.")},
    )

    def __init__(self, *args, botilbud: BotilbudPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (
            home_staff_users(botilbud.pk).distinct().order_by("first_name", "last_name", "email")
        )


class AddStaffForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Medarbejderens e-mail"),
        max_length=254,
        help_text=gettext_lazy(
            "Medarbejderen skal have en konto i forvejen. Som medarbejder kan man skrive "
            "nyheder og arrangementer og svare pårørende for botilbuddet."
        ),
        error_messages={
            "required": gettext_lazy("Skriv medarbejderens e-mail."),
            "invalid": gettext_lazy("Skriv en gyldig e-mail, f.eks. navn@toender.dk."),
            "max_length": gettext_lazy("Skriv højst 254 tegn."),
        },
    )


class SettingsAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "cog"

    def dispatch(self, request, *args, **kwargs):
        if services.led_home_ids(request.user) == []:
            return forbidden()
        return super().dispatch(request, *args, **kwargs)


class SettingsIndexView(SettingsAdminView):
    template_name = "dialog/admin/settings_index.html"
    page_title = gettext_lazy("Dialogindstillinger")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        homes = BotilbudPage.objects.order_by("title").only("pk", "title")
        ids = services.led_home_ids(self.request.user)
        if ids is not None:
            homes = homes.filter(pk__in=ids)
        homes = list(homes)
        rows = {
            row.botilbud_id: row
            for row in HomeDialogSettings.objects.filter(
                botilbud_id__in=[home.pk for home in homes]
            ).select_related("leader")
        }
        defaults = HomeDialogSettings()
        for home in homes:
            home.dialog_row = rows.get(home.pk, defaults)
            leader = home.dialog_row.leader if home.dialog_row.leader_id else None
            home.leader_label = person(leader) if leader and leader.is_active else ""
        context["homes"] = homes
        return context


class HomeSettingsView(SettingsAdminView):
    template_name = "dialog/admin/settings_home.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["home_id"] > MAX_ID:
            raise Http404
        self.botilbud = get_object_or_404(
            BotilbudPage.objects.only("pk", "title", "path", "depth"), pk=kwargs["home_id"]
        )
        if not services.may_manage_home(request.user, self.botilbud.pk):
            return forbidden()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Dialogindstillinger for %(home)s") % {"home": self.botilbud.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("dialog_settings"), "label": _("Dialogindstillinger")},
            {"url": "", "label": self.botilbud.title},
        ]

    def settings_form(self, data=None) -> HomeSettingsForm:
        row = services.settings_for(self.botilbud)
        initial = {
            "leader": row.leader_id,
            "concern_response_days": row.concern_response_days,
            "other_response_days": row.other_response_days,
            **{field: getattr(row, field) for field in services.CONTACT_FIELDS},
        }
        return HomeSettingsForm(data, initial=initial, botilbud=self.botilbud)

    def get_context_data(self, form=None, staff_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        row = services.settings_for(self.botilbud)
        staff = list(
            home_staff_users(self.botilbud.pk)
            .distinct()
            .order_by("first_name", "last_name", "email")
        )
        for member in staff:
            member.label = person(member)
            member.is_leader = member.pk == row.leader_id
            member.is_me = member.pk == self.request.user.pk
        context.update(
            botilbud=self.botilbud,
            form=form or self.settings_form(),
            staff_form=staff_form or AddStaffForm(),
            staff=staff,
            action_url=self.request.path,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "settings")
        try:
            if action == "add_staff":
                return self.post_add_staff(request)
            if action == "remove_staff":
                return self.post_remove_staff(request)
            return self.post_settings(request)
        except PermissionDenied:
            return forbidden()

    def post_settings(self, request):
        form = self.settings_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        change = services.SettingsChange(**form.cleaned_data)
        try:
            _row, changed = services.update_home_settings(self.botilbud, request.user, change)
        except services.SettingsRefused as refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if changed:
            messages.success(request, _("Dialogindstillingerne er gemt."))
        else:
            messages.warning(request, _("Intet er ændret."))
        return redirect("dialog_home_settings", home_id=self.botilbud.pk)

    def post_add_staff(self, request):
        staff_form = AddStaffForm(request.POST)
        if not staff_form.is_valid():
            context = self.get_context_data(staff_form=staff_form)
            return self.render_to_response(context, status=400)
        try:
            member = services.add_staff(
                self.botilbud, request.user, staff_form.cleaned_data["email"]
            )
        except services.SettingsRefused as refusal:
            staff_form.add_error("email", refusal.message)
            context = self.get_context_data(staff_form=staff_form)
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            _("%(who)s er nu medarbejder på %(home)s.")
            % {"who": person(member), "home": self.botilbud.title},
        )
        return redirect("dialog_home_settings", home_id=self.botilbud.pk)

    def post_remove_staff(self, request):
        raw = request.POST.get("member", "")
        if not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID):
            messages.error(request, _("Vælg den medarbejder, der skal fjernes."))
            return redirect("dialog_home_settings", home_id=self.botilbud.pk)
        try:
            member = services.remove_staff(self.botilbud, request.user, int(raw))
        except services.SettingsRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("%(who)s er ikke længere medarbejder på %(home)s.")
                % {"who": person(member), "home": self.botilbud.title},
            )
        return redirect("dialog_home_settings", home_id=self.botilbud.pk)


# --- Menu, dashboard, URLs, log actions -----------------------------------------------------


class SettingsMenuItem(MenuItem):
    def is_shown(self, request):
        return services.led_home_ids(request.user) != []


def settings_menu_item() -> MenuItem:
    return SettingsMenuItem(
        gettext_lazy("Dialogindstillinger"),
        reverse_lazy("dialog_settings"),
        name="dialog-settings",
        icon_name="cog",
        order=50,
    )


hooks.register("register_dialog_menu_item", settings_menu_item)


class MissingLeaderPanel(Component):
    """On the municipal admin's dashboard: homes nobody leads (escalations go to all)."""

    name = "dialog_missing_leader"
    template_name = "dialog/admin/missing_leader_panel.html"
    order = 40

    def __init__(self, homes):
        self.homes = homes

    def get_context_data(self, parent_context=None):
        return {"homes": self.homes}


@hooks.register("construct_homepage_panels")
def add_missing_leader_panel(request, panels):
    if not request.user.is_superuser:
        return
    homes = list(services.homes_without_leader())
    if homes:
        panels.append(MissingLeaderPanel(homes))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("dialog/indstillinger/", SettingsIndexView.as_view(), name="dialog_settings"),
        path(
            "dialog/indstillinger/<id:home_id>/",
            HomeSettingsView.as_view(),
            name="dialog_home_settings",
        ),
    ]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        services.CHANGE, _("Ændr dialogindstillinger"), _("Dialogindstillinger ændret")
    )
    actions.register_action(services.ADD_STAFF, _("Tilføj medarbejder"), _("Medarbejder tilføjet"))
    actions.register_action(services.REMOVE_STAFF, _("Fjern medarbejder"), _("Medarbejder fjernet"))
