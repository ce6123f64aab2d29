"""Subscribe and manage forms. Every bad value gets a plain Danish message."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from home.models import BotilbudPage

from .models import Frequency

# Anything below space or DEL, and the Unicode line and paragraph separators: none belongs in
# an address, and CR/LF in particular would let a value inject mail headers.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")

INVALID_EMAIL = _("Skriv en gyldig e-mailadresse, f.eks. navn@eksempel.dk.")


def normalise_email(value: str) -> str:
    """Trim, refuse control characters, validate, and store the domain in its ASCII form.

    Django's EmailValidator accepts internationalised domains (møller.dk) but not
    internationalised local parts; the domain is kept as IDNA so møller.dk and its
    xn-- form are one address.
    """
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(INVALID_EMAIL, code="invalid")
    value = value.strip()
    if len(value) > 254 or value.count("@") != 1:
        raise ValidationError(INVALID_EMAIL, code="invalid")
    EmailValidator(message=INVALID_EMAIL)(value)
    local, domain = value.rsplit("@", 1)
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValidationError(INVALID_EMAIL, code="invalid") from error
    return f"{local}@{domain}".lower()


class HomesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=BotilbudPage.objects.none(),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Vælg mindst ét botilbud, du vil have nyt fra."),
                "invalid_choice": _("Vi kender ikke det botilbud. Vælg et fra listen."),
                "invalid_pk_value": _("Vi kender ikke det botilbud. Vælg et fra listen."),
                "invalid_list": _("Vælg botilbud fra listen."),
            },
            **kwargs,
        )

    def clean(self, value):
        # A flood of ids costs one query, but only a list of sane length is worth asking about.
        if value and len(value) > 200:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return super().clean(value)


def home_choices():
    """Live, public homes only: a draft, private or unknown id is refused."""
    return BotilbudPage.objects.live().public().order_by("title").only("title")


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label=_("Din e-mailadresse"),
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": _("Skriv din e-mailadresse.")},
    )
    homes = HomesField(label=_("Hvilke botilbud vil du have nyt fra?"))
    frequency = forms.ChoiceField(
        label=_("Hvor tit vil du have nyhedsbrevet?"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg dagligt, ugentligt eller månedligt.")},
    )
    consent = forms.BooleanField(
        label=_(
            "Ja tak, send mig nyhedsbrevet. Jeg kan altid ændre det eller afmelde det igen "
            "med linket i hver mail. Samspil gemmer kun min e-mailadresse og mine valg."
        ),
        error_messages={"required": _("Sæt kryds, hvis du vil have nyhedsbrevet.")},
    )
    # The honeypot: hidden from people (and from screen readers), filled in by bots.
    website = forms.CharField(required=False, label=_("Lad dette felt være tomt"))

    def __init__(self, *args, homes_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homes"].queryset = (
            homes_queryset if homes_queryset is not None else home_choices()
        )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ManageForm(forms.Form):
    homes = HomesField(label=_("Botilbud, du får nyt fra"))
    frequency = forms.ChoiceField(
        label=_("Hvor tit"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg dagligt, ugentligt eller månedligt.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homes"].queryset = home_choices()
