"""The relatives' dialog forms: a new thread, a reply, a report. The rules themselves live
in dialog.posting; the forms run the same checks early so every problem is shown next to
its field, in Danish, with what was written kept."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import posting
from .attachments import MAX_FILES, check_files
from .models import Thread

Kind = Thread.Kind
Visibility = Thread.Visibility

# Each kind with a short explanation, shown under its radio button.
KIND_HINTS = {
    Kind.QUESTION: _("Noget, du gerne vil vide – om hverdagen, aftaler eller praktiske ting."),
    Kind.CONCERN: _(
        "Noget, der bekymrer dig. En bekymring er altid privat: kun du og personalet ser den."
    ),
    Kind.SUGGESTION: _("En idé – eller en aktivitet, du selv vil stå for sammen med beboerne."),
    Kind.PRAISE: _("Sig tak for noget, der gik godt."),
}
VISIBILITY_HINTS = {
    Visibility.PRIVATE: _("Kun du og botilbuddets personale kan læse det."),
    Visibility.SHARED: _(
        "De andre pårørende til botilbuddet kan læse det. Personalet ser dit indlæg "
        "igennem, før det bliver vist."
    ),
}

BODY_MAX_MESSAGE = _("Beskeden må højst være 10.000 tegn. Den er %(show_value)s tegn.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_FILES files in one field; each is checked by content in the form."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [file for file in files if file]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def _as_field_error(error: posting.PostingRefused) -> ValidationError:
    return ValidationError(error.message, code="refused")


class DialogForm(forms.Form):
    """DKFDS classes on every widget, and the shared checks of body and files."""

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                css = "form-radio"
            elif isinstance(widget, forms.FileInput):
                css = "form-file-input"
            else:
                css = "form-input"
            widget.attrs.setdefault("class", css)

    def clean_body(self) -> str:
        try:
            return posting.clean_body(self.cleaned_data["body"])
        except posting.PostingRefused as error:
            raise _as_field_error(error) from error

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        check_files(files)  # raises ValidationError with a Danish reason
        return files


def _body_field(label):
    field = forms.CharField(
        label=label,
        max_length=posting.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
        error_messages={"required": _("Skriv en besked."), "max_length": BODY_MAX_MESSAGE},
        help_text=_(
            "Skriv ikke CPR-numre. Skriv beboerens fornavn, hvis det handler om en bestemt beboer."
        ),
    )
    # No maxlength in the page: a browser would cut a long pasted text off without a word;
    # the server says how long it may be and gives the whole text back.
    field.widget.attrs.pop("maxlength", None)
    return field


def _attachments_field():
    return MultipleFileField(
        label=_("Vedhæft filer (valgfrit)"),
        required=False,
        help_text=_(
            "Billeder (fx fotos fra din telefon) eller PDF-filer, højst 5 MB pr. fil og "
            "højst %(max)s filer. Kun i private henvendelser."
        )
        % {"max": MAX_FILES},
        widget=MultipleFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf"}
        ),
    )


class NewThreadForm(DialogForm):
    kind = forms.ChoiceField(
        label=_("Hvad handler det om?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg, hvad henvendelsen handler om."),
            "invalid_choice": _("Vælg, hvad henvendelsen handler om."),
        },
    )
    subject = forms.CharField(
        label=_("Emne"),
        max_length=posting.MAX_SUBJECT,
        help_text=_("Et par ord, f.eks. »Tøjvask« eller »Tur til stranden«."),
        error_messages={
            "required": _("Skriv et emne."),
            "max_length": _("Emnet må højst være 200 tegn."),
        },
    )
    body = _body_field(_("Din besked"))
    visibility = forms.ChoiceField(
        label=_("Hvem kan læse det?"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg, hvem der kan læse henvendelsen."),
            "invalid_choice": _("Vælg, hvem der kan læse henvendelsen."),
        },
    )
    attachments = _attachments_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_subject(self) -> str:
        try:
            return posting.clean_subject(self.cleaned_data["subject"])
        except posting.PostingRefused as error:
            raise _as_field_error(error) from error

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.CONCERN:
            data["visibility"] = Visibility.PRIVATE
        if data.get("attachments") and data.get("visibility") == Visibility.SHARED:
            self.add_error(
                "attachments",
                _(
                    "Filer kan kun vedhæftes i private henvendelser. Vælg »Privat«, eller "
                    "send uden filer."
                ),
            )
        return data

    def kind_choices(self) -> list[dict]:
        """The radio buttons with their explanations, for the template."""
        return _choices_with_hints(self["kind"], KIND_HINTS)

    def visibility_choices(self) -> list[dict]:
        return _choices_with_hints(self["visibility"], VISIBILITY_HINTS)


def _choices_with_hints(bound_field, hints: dict) -> list[dict]:
    return [
        {"choice": choice, "hint": hints.get(choice.data["value"], "")} for choice in bound_field
    ]


class ReplyForm(DialogForm):
    body = _body_field(_("Dit svar"))
    attachments = _attachments_field()

    def __init__(self, *args, allow_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_files:
            del self.fields["attachments"]
        self.style_widgets()


class ReportForm(DialogForm):
    reason = forms.CharField(
        label=_("Hvorfor skal personalet se på indlægget? (valgfrit)"),
        required=False,
        max_length=posting.MAX_REPORT_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Skriv højst 500 tegn.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
