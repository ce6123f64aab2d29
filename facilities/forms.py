"""The public booking form and the staff's forms. Every bad value gets a plain Danish
message and nothing is stored: control characters, markup, CPR numbers and oversized text
are refused here; the facility's rules (opening hours, overlaps, length, who may borrow)
are asked of ``services.booking_problems``."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from access.cpr import contains_cpr
from access.rules import staff_home_ids
from home.models import BotilbudPage, Organisation
from newsletters.forms import CONTROL_CHARACTERS, normalise_email

from . import services
from .models import BookerKind

TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Markup or script in plain text: a tag, an entity trick, a javascript: address or a handler.
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&#|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)

CPR_REFUSAL = _(
    "Teksten ser ud til at indeholde et CPR-nummer. CPR-numre er følsomme personoplysninger "
    "og må ikke skrives her. Fjern nummeret, og prøv igen."
)
MARKUP_REFUSAL = _("Skriv almindelig tekst uden HTML-koder eller tegnene < og >.")
TOO_LONG = _("Teksten er for lang: højst %(limit_value)d tegn (du har skrevet %(show_value)d).")


def plain_text(value: str, *, single_line: bool) -> str:
    """Text we store and show as it is written: no control characters, markup or CPR."""
    pattern = CONTROL_CHARACTERS if single_line else TEXT_CONTROL
    if pattern.search(value):
        raise ValidationError(_("Teksten indeholder tegn, vi ikke kan gemme."), code="invalid")
    if MARKUP.search(value):
        raise ValidationError(MARKUP_REFUSAL, code="markup")
    if contains_cpr(value):
        raise ValidationError(CPR_REFUSAL, code="cpr")
    return value.strip()


def _text(label, max_length: int, *, required: bool = True, textarea: bool = False, **kwargs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": 4}) if textarea else forms.TextInput(),
        error_messages={"max_length": TOO_LONG, **kwargs.pop("error_messages", {})},
        **kwargs,
    )


class BookingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jeg låner som"),
        choices=BookerKind.choices,
        error_messages={
            "required": _("Vælg, hvem du låner som."),
            "invalid_choice": _("Vælg, hvem du låner som, fra listen."),
        },
    )
    requesting_home = forms.TypedChoiceField(
        label=_("For botilbuddet"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Kun for medarbejdere: bookingen godkendes med det samme."),
        error_messages={"invalid_choice": _("Vælg et af dine egne botilbud.")},
    )
    organisation = forms.TypedChoiceField(
        label=_("Forening"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Hvis du låner for en forening."),
        error_messages={"invalid_choice": _("Vælg en forening fra listen.")},
    )
    name = _text(_("Dit navn"), 200, error_messages={"required": _("Skriv dit navn.")})
    email = forms.CharField(
        label=_("Din e-mailadresse"),
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": _("Skriv din e-mailadresse, så vi kan svare dig."),
            "max_length": TOO_LONG,
        },
    )
    phone = _text(_("Telefon (valgfri)"), 40, required=False)
    for_whom = _text(
        _("For hvem"),
        300,
        help_text=_("F.eks. »Engbo, 4 beboere og 2 medarbejdere«."),
        error_messages={"required": _("Skriv, hvem bookingen er for.")},
    )
    participants = forms.IntegerField(
        label=_("Antal personer i alt"),
        min_value=1,
        max_value=500,
        error_messages={
            "required": _("Skriv, hvor mange I kommer."),
            "invalid": _("Skriv antallet med tal."),
            "min_value": _("Skriv mindst 1."),
            "max_value": _("Skriv højst 500."),
        },
    )
    date = forms.DateField(
        label=_("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Vælg en dato."),
            "invalid": _("Skriv datoen som dd.mm.åååå eller vælg den i kalenderen."),
        },
    )
    start_time = forms.TimeField(
        label=_("Fra kl."),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Vælg, hvornår I begynder."),
            "invalid": _("Skriv tiden som tt:mm."),
        },
    )
    end_time = forms.TimeField(
        label=_("Til kl."),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("Vælg, hvornår I slutter."),
            "invalid": _("Skriv tiden som tt:mm."),
        },
    )
    purpose = _text(
        _("Hvad skal I bruge faciliteten til?"),
        1000,
        textarea=True,
        error_messages={"required": _("Skriv kort, hvad I vil bruge faciliteten til.")},
    )
    public_event = forms.BooleanField(
        label=_("Det er et offentligt arrangement – vis det i kalenderen, når det er godkendt"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "Samspil må gemme mine oplysninger og give dem til botilbuddets personale, så de "
            "kan svare mig. De slettes et år efter bookingen."
        ),
        error_messages={"required": _("Sæt kryds, så vi må gemme dine oplysninger.")},
    )
    # The honeypot: hidden from people (and screen readers), filled in by bots.
    website = forms.CharField(required=False, label=_("Lad dette felt være tomt"))

    def __init__(self, *args, facility, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.facility, self.user = facility, user
        homes = staff_home_ids(user)
        if homes is not None and not homes:
            del self.fields["requesting_home"]  # not staff anywhere: no home to book for
        else:
            own = BotilbudPage.objects.order_by("title")
            own = own if homes is None else own.filter(pk__in=homes)
            self.fields["requesting_home"].choices = [("", "—"), *own.values_list("pk", "title")]
        organisations = Organisation.objects.order_by("name").values_list("pk", "name")
        self.fields["organisation"].choices = [("", "—"), *organisations]
        # Every kind is offered, so choosing one the facility does not lend to is answered
        # by name (clean_kind) rather than as a choice missing from the list.
        self.fields["kind"].choices = [("", _("Vælg")), *BookerKind.choices]
        self.fields["kind"].help_text = _("%(facility)s kan lånes af: %(kinds)s.") % {
            "facility": facility.name,
            "kinds": ", ".join(facility.allowed_kinds).lower(),
        }
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-checkbox"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-input"
            widget.attrs.setdefault("class", css)

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if not self.facility.lends_to(kind):
            raise ValidationError(
                _("%(facility)s kan ikke lånes af: %(kind)s.")
                % {"facility": self.facility.name, "kind": BookerKind(kind).label.lower()}
            )
        return kind

    def clean_name(self):
        return plain_text(self.cleaned_data["name"], single_line=True)

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_phone(self):
        value = plain_text(self.cleaned_data["phone"], single_line=True)
        if value and not all(c.isdigit() or c in " +-()" for c in value):
            raise ValidationError(_("Skriv kun tal i telefonnummeret, f.eks. 12 34 56 78."))
        return value

    def clean_for_whom(self):
        return plain_text(self.cleaned_data["for_whom"], single_line=True)

    def clean_purpose(self):
        return plain_text(self.cleaned_data["purpose"], single_line=False)

    def clean(self):
        data = super().clean()
        day, start_time, end_time = data.get("date"), data.get("start_time"), data.get("end_time")
        kind = data.get("kind")
        if kind == BookerKind.STAFF and not data.get("requesting_home"):
            self.add_error(
                "requesting_home" if "requesting_home" in self.fields else "kind",
                _("Log ind som medarbejder, og vælg det botilbud, du booker for."),
            )
        if kind != BookerKind.ASSOCIATION:
            data["organisation"] = None
        if day is None or start_time is None or end_time is None or not kind:
            return data
        if day.year > timezone.localdate().year + 2:
            self.add_error("date", _("Vælg en dato inden for de næste to år."))
            return data
        start = timezone.make_aware(dt.datetime.combine(day, start_time))
        end = timezone.make_aware(dt.datetime.combine(day, end_time))
        if end_time == dt.time(0):
            end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), end_time))
        data["start"], data["end"] = start, end
        # Every rule a time can break (hours, length, closed day, taken) is about the time
        # asked for: the message sits at "Fra kl.", and the summary links there.
        for problem in services.booking_problems(self.facility, kind, start, end):
            self.add_error("start_time", problem)
        participants = data.get("participants")
        if participants and participants > self.facility.capacity:
            self.add_error(
                "participants",
                _("Der er plads til højst %(capacity)s personer.")
                % {"capacity": self.facility.capacity},
            )
        return data

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    def for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "for_whom": data["for_whom"],
            "participants": data["participants"],
            "purpose": data["purpose"],
            "start": data["start"],
            "end": data["end"],
            "public_event": data["public_event"],
            "requesting_home_id": data.get("requesting_home"),
            "organisation_id": data.get("organisation"),
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse (sendes til den, der spurgte)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Skriv en begrundelse, så den, der spurgte, ved hvorfor."),
            "max_length": TOO_LONG,
        },
    )

    def clean_reason(self):
        return plain_text(self.cleaned_data["reason"], single_line=False)


class FacilityAdminForm(WagtailAdminModelForm):
    """Staff choose only among their own homes (municipal admins among all)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        homes = staff_home_ids(self.for_user)
        if homes is not None and "botilbud" in self.fields:
            self.fields["botilbud"].queryset = BotilbudPage.objects.filter(pk__in=homes)

    def clean(self):
        data = super().clean()
        for name in ("name", "description", "accessibility", "house_rules"):
            value = data.get(name)
            if value:
                try:
                    data[name] = plain_text(value, single_line=name == "name")
                except ValidationError as error:
                    self.add_error(name, error)
        return data
