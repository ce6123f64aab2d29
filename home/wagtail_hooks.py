"""Admin registration: the organisations directory as a snippet, and the import of an
organisation's own calendar."""

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_required
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_printing  # noqa: F401 (registers the monthly letter's admin views)
from .ical_import import MAX_FILE_BYTES, import_calendar, too_large_message
from .models import CalendarImport, Organisation
from .tasks import import_organisation_calendar

LATEST_IMPORTS = 10


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisationer")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    # No search_fields: the model's own index (name, description) is searched; naming fields
    # here makes SQLite's full-text backend query a column its index does not have (500).


register_snippet(OrganisationViewSet)


# -- importing an organisation's calendar (.ics) --------------------------------------------


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Kalenderfil (.ics)"),
        help_text=_(
            "Eksportér foreningens kalender som iCalendar (.ics), og vælg filen her. Den "
            "erstatter det, der tidligere er importeret for foreningen."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known before anything is read; whether it is a calendar is decided by
        # parsing it, not by its name.
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


@permission_required("home.change_organisation")
def calendar_import(request, pk: int):
    """Upload an organisation's .ics file (or fetch its calendar address now), and see what the
    latest imports did."""
    organisation = get_object_or_404(Organisation, pk=pk)
    url = reverse("home_calendar_import", args=[organisation.pk])
    form = CalendarUploadForm()
    if request.method == "POST" and "fetch" in request.POST and organisation.ical_url:
        import_organisation_calendar.enqueue(organisation.pk, request.user.pk)
        messages.success(
            request,
            gettext(
                "Kalenderen hentes nu fra kalender-adressen. Resultatet ses i listen herunder."
            ),
        )
        return redirect(url)
    if request.method == "POST" and "fetch" not in request.POST:
        form = CalendarUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            record = import_calendar(
                organisation,
                upload.read(MAX_FILE_BYTES + 1),
                source=CalendarImport.Source.UPLOAD,
                filename=upload.name,
                user=request.user,
            )
            if record.ok:
                messages.success(request, gettext("Kalenderen er importeret."))
            else:
                messages.error(
                    request, gettext("Kalenderen er ikke importeret; se hvorfor herunder.")
                )
            return redirect(f"{url}?import={record.pk}")
    imports = list(organisation.calendar_imports.select_related("user")[:LATEST_IMPORTS])
    shown = request.GET.get("import", "")
    result = next((each for each in imports if str(each.pk) == shown), None)
    return TemplateResponse(
        request,
        "home/admin/calendar_import.html",
        {
            "organisation": organisation,
            "form": form,
            "result": result,
            "imports": imports,
            "form_url": url,
            "header_title": gettext("Importér kalender"),
        },
    )


@hooks.register("register_admin_urls")
def register_calendar_import_url():
    return [path("organisationer/<id:pk>/kalender/", calendar_import, name="home_calendar_import")]


@hooks.register("register_snippet_listing_buttons")
def calendar_import_button(snippet, user, next_url=None):
    if isinstance(snippet, Organisation) and user.has_perm("home.change_organisation"):
        yield Button(
            gettext("Importér kalender"),
            url=reverse("home_calendar_import", args=[snippet.pk]),
            icon_name="calendar",
            priority=50,
        )
