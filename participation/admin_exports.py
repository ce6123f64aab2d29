"""Exports of the participation listings that open right in Danish Excel, and listing texts
in Danish.

Wagtail's exports write the stored values: English status codes ("confirmed"), UTC times
with microseconds, comma-separated UTF-8 without a byte-order mark (Danish Excel reads that
as one column and garbles æøå), and hide the buttons in the "…" menu. This mixin writes the
Danish labels, Europe/Copenhagen times to the minute, a semicolon-separated CSV with a BOM,
and shows the CSV and XLSX buttons in the header.
"""

import csv
import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.views.mixins import Echo, list_to_str
from wagtail.admin.widgets.button import HeaderButton

BOM = "\ufeff"
CSV_DELIMITER = ";"
# Text that Excel would run as a formula: names and notes are typed by the public.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def local_minute(value: dt.datetime) -> dt.datetime:
    """The time as Danish staff read it: Copenhagen time, seconds dropped."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(second=0, microsecond=0)


def csv_datetime(value: dt.datetime) -> str:
    return local_minute(value).strftime("%d.%m.%Y %H:%M")


def xlsx_datetime(value: dt.datetime) -> dt.datetime:
    # openpyxl stores naive times; the cell's number format (dd.mm.yyyy hh:mm, from the
    # Danish SHORT_DATETIME_FORMAT) shows them to the minute.
    return timezone.make_naive(local_minute(value)) if timezone.is_aware(value) else value


def csv_text(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class DanishExportMixin:
    """For a Wagtail IndexView with ``list_export``."""

    custom_value_preprocess = {
        dt.datetime: {"csv": csv_datetime, "xlsx": xlsx_datetime},
        dt.date: {"csv": lambda value: value.strftime("%d.%m.%Y"), "xlsx": None},
        bool: {"csv": lambda value: _("Ja") if value else _("Nej"), "xlsx": None},
        list: {"csv": list_to_str, "xlsx": list_to_str},
    }

    # --- Values -------------------------------------------------------------------------

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field in row:
            try:
                model_field = self.model._meta.get_field(field)
            except FieldDoesNotExist:
                continue
            if model_field.choices:
                row[field] = getattr(item, f"get_{field}_display")()
        return row

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return csv_text(value)
        return value

    # --- CSV for Danish Excel -----------------------------------------------------------

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=CSV_DELIMITER)
        header = writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        yield BOM.encode("utf-8") + header
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(
            self.stream_csv(queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response

    # --- Buttons in sight ---------------------------------------------------------------

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.show_export_buttons:
            buttons += [
                HeaderButton(
                    _("Hent som Excel (XLSX)"), url=self.xlsx_export_url, icon_name="download"
                ),
                HeaderButton(_("Hent som CSV"), url=self.csv_export_url, icon_name="download"),
            ]
        return buttons

    @cached_property
    def header_more_buttons(self):
        exports = {self.xlsx_export_url, self.csv_export_url}
        return [button for button in super().header_more_buttons if button.url not in exports]

    # --- Listing texts ------------------------------------------------------------------

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return _("Ingen %(name)s passer til din søgning eller dit filter.") % {
                "name": self.verbose_name_plural
            }
        return _("Der er ingen %(name)s endnu.") % {"name": self.verbose_name_plural}
