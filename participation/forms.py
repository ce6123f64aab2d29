"""The public forms. Every bad value gets a plain Danish message; control characters and
oversized text are refused before anything is stored."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from newsletters.forms import CONTROL_CHARACTERS, normalise_email

# Line breaks are welcome in free text; other control characters are not.
TEXT_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _single_line(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Brug kun almindelige tegn på én linje."), code="invalid")
    return value.strip()


def _free_text(value: str) -> str:
    import re

    if re.search(TEXT_CONTROL, value):
        raise ValidationError(_("Teksten indeholder tegn, vi ikke kan gemme."), code="invalid")
    return value.strip()


class PublicForm(forms.Form):
    """Shared by the three forms: name, e-mail, consent and the honeypot."""

    name = forms.CharField(
        label=_("Dit navn"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Skriv dit navn.")},
    )
    email = forms.CharField(
        label=_("Din e-mailadresse"),
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": _("Skriv din e-mailadresse, så vi kan svare dig.")},
    )
    # The honeypot: hidden from people (and from screen readers), filled in by bots.
    website = forms.CharField(required=False, label=_("Lad dette felt være tomt"))

    consent_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"] = forms.BooleanField(
            label=self.consent_label,
            error_messages={"required": _("Sæt kryds, så vi må gemme dine oplysninger.")},
        )
        self.style_widgets()

    def style_widgets(self) -> None:
        """DKFDS classes on every widget, so templates can render fields one by one."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-checkbox"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-input"
            widget.attrs.setdefault("class", css)

    def clean_name(self) -> str:
        return _single_line(self.cleaned_data["name"])

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    def cleaned_data_for_service(self) -> dict:
        """The values a service takes: everything but the consent tick and the honeypot."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("consent", "website")
        }


class EventSignupForm(PublicForm):
    party_size = forms.TypedChoiceField(
        label=_("Hvor mange kommer I?"),
        coerce=int,
        error_messages={
            "invalid_choice": _("Vælg et antal fra listen."),
            "required": _("Vælg, hvor mange I kommer."),
        },
    )
    note = forms.CharField(
        label=_("Bemærkning (valgfri)"),
        help_text=_("F.eks. hvis du har brug for en ledsager eller trinfri adgang."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_label = _(
        "Samspil må gemme mit navn, min e-mail og min bemærkning til dette arrangement. "
        "De slettes en måned efter arrangementet."
    )

    field_order = ["name", "email", "party_size", "note"]

    def __init__(self, *args, max_party_size: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_size"].choices = [(n, str(n)) for n in range(1, max_party_size + 1)]
        self.style_widgets()

    def clean_note(self) -> str:
        return _free_text(self.cleaned_data["note"])


class VolunteerForm(PublicForm):
    phone = forms.CharField(
        label=_("Telefon (valgfri)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    availability = forms.CharField(
        label=_("Hvornår kan du? (valgfri)"),
        required=False,
        max_length=300,
        help_text=_("F.eks. »tirsdage efter kl. 15« eller »i weekenderne«."),
    )
    message = forms.CharField(
        label=_("Besked (valgfri)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_label = _(
        "Samspil må gemme mine oplysninger og give dem til botilbuddets personale, "
        "så de kan svare mig."
    )
    field_order = ["name", "email", "phone", "availability", "message"]

    def clean_phone(self) -> str:
        value = _single_line(self.cleaned_data["phone"])
        if value and not all(c.isdigit() or c in " +-()" for c in value):
            raise ValidationError(_("Skriv kun tal i telefonnummeret, f.eks. 12 34 56 78."))
        return value

    def clean_availability(self) -> str:
        return _single_line(self.cleaned_data["availability"])

    def clean_message(self) -> str:
        return _free_text(self.cleaned_data["message"])


class ProposalForm(VolunteerForm):
    title = forms.CharField(
        label=_("Hvad vil du lave?"),
        max_length=200,
        help_text=_("F.eks. »Fællessang i dagligstuen« eller »Tur til stranden«."),
        error_messages={"required": _("Skriv kort, hvad aktiviteten er.")},
    )
    description = forms.CharField(
        label=_("Fortæl lidt mere"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Fortæl lidt om aktiviteten.")},
    )
    when = forms.CharField(
        label=_("Hvornår kunne det være? (valgfri)"), required=False, max_length=200
    )
    consent_label = _(
        "Samspil må gemme mine oplysninger og sende dem til botilbuddets personale, "
        "så de kan kontakte mig om forslaget."
    )
    field_order = ["title", "description", "when", "name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["availability"]
        del self.fields["message"]
        self.style_widgets()

    def clean_title(self) -> str:
        return _single_line(self.cleaned_data["title"])

    def clean_when(self) -> str:
        return _single_line(self.cleaned_data["when"])

    def clean_description(self) -> str:
        return _free_text(self.cleaned_data["description"])
