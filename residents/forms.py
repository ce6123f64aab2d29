"""Forms of the staff admin for residents and photos, and the Wagtail image form's base that
keeps photos of residents out of Wagtail's public image library."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from . import services
from .models import Album, ConsentLevel, PhotoConsent, Resident


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Many files in one field (a phone's photo selection); contents are checked by the
    service, which refuses anything Pillow does not read as JPEG, PNG or WebP."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise ValidationError(_("Vælg mindst ét billede."), code="required")
        return [super(MultipleImageField, self).clean(item, initial) for item in files]


class DateInput(forms.DateInput):
    """The browser's date picker: its value must be ISO (2026-12-01), whatever the
    locale's date format; a Danish "01.12.2026" would leave the field empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _home_choices(homes):
    return [(home.pk, home.title) for home in homes]


class ResidentForm(forms.Form):
    botilbud = forms.TypedChoiceField(label=_("Botilbud"), coerce=int)
    first_name = forms.CharField(label=_("Fornavn"), max_length=60)
    initial = forms.CharField(label=_("Forbogstav i efternavn"), max_length=20, required=False)
    level = forms.ChoiceField(label=_("Fotosamtykke"), choices=ConsentLevel.choices)
    given_by = forms.ChoiceField(label=_("Givet af"), choices=PhotoConsent.GivenBy.choices)

    def __init__(self, *args, homes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["botilbud"].choices = _home_choices(homes)

    def clean_first_name(self):
        return services.clean_first_name(self.cleaned_data["first_name"])

    def clean_initial(self):
        return services.clean_initial(self.cleaned_data["initial"])


class ConsentForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Nyt fotosamtykke"), choices=ConsentLevel.choices, widget=forms.RadioSelect
    )
    given_by = forms.ChoiceField(
        label=_("Givet af"), choices=PhotoConsent.GivenBy.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("Givet den"), widget=DateInput())
    note = forms.CharField(label=_("Bemærkning"), max_length=300, required=False)


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("Opslag"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("F.eks. 'Jens har plantet tomater i orangeriet i dag'."),
    )
    photo = forms.ModelChoiceField(label=_("Foto"), queryset=None, required=False)
    written_with_resident = forms.BooleanField(
        label=_("Skrevet sammen med beboeren"), required=False, initial=True
    )

    def __init__(self, *args, resident: Resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].queryset = resident.photos.all()

    def clean_text(self):
        return services.clean_post_text(self.cleaned_data["text"])


class UploadForm(forms.Form):
    botilbud = forms.TypedChoiceField(label=_("Botilbud"), coerce=int)
    files = MultipleImageField(
        label=_("Billeder"),
        help_text=_("Vælg mange på én gang fra telefonen. Højst %(n)s billeder på %(mb)s MB.")
        % {"n": services.MAX_PHOTOS_PER_UPLOAD, "mb": services.MAX_UPLOAD_BYTES // 2**20},
    )
    caption = forms.CharField(label=_("Billedtekst"), max_length=300, required=False)
    news = forms.ModelChoiceField(label=_("Vis ved nyheden"), queryset=None, required=False)
    event = forms.ModelChoiceField(label=_("Vis ved arrangementet"), queryset=None, required=False)
    album = forms.ModelChoiceField(label=_("Læg i albummet"), queryset=None, required=False)
    new_album = forms.CharField(label=_("…eller nyt album (titel)"), max_length=120, required=False)
    new_album_date = forms.DateField(label=_("Albummets dato"), required=False, widget=DateInput())
    residents = forms.ModelMultipleChoiceField(
        label=_("Genkendelige beboere på billederne"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nobody_recognisable = forms.BooleanField(
        label=_("Ingen genkendelige personer på billederne"), required=False
    )

    def __init__(self, *args, homes=(), **kwargs):
        from home.models import EventPage, NewsPage

        super().__init__(*args, **kwargs)
        home_ids = [home.pk for home in homes]
        self.fields["botilbud"].choices = _home_choices(homes)
        self.fields["news"].queryset = NewsPage.objects.filter(botilbud_id__in=home_ids).order_by(
            "-date"
        )
        self.fields["event"].queryset = EventPage.objects.filter(botilbud_id__in=home_ids).order_by(
            "-start"
        )
        self.fields["album"].queryset = Album.objects.filter(botilbud_id__in=home_ids)
        self.fields["residents"].queryset = Resident.objects.filter(
            botilbud_id__in=home_ids, active=True
        )

    def clean_caption(self):
        return services.clean_caption(self.cleaned_data["caption"])

    def clean_new_album(self):
        return services.clean_caption(self.cleaned_data["new_album"])

    def clean(self):
        data = super().clean()
        home = data.get("botilbud")
        for name in ("news", "event", "album"):
            item = data.get(name)
            if item is not None and item.botilbud_id != home:
                self.add_error(name, _("Vælg en fra samme botilbud."))
        for resident in data.get("residents") or ():
            if resident.botilbud_id != home:
                self.add_error("residents", _("Vælg beboere fra samme botilbud."))
                break
        if data.get("residents") and data.get("nobody_recognisable"):
            self.add_error(
                "nobody_recognisable",
                _("Vælg enten genkendelige beboere eller 'ingen genkendelige personer'."),
            )
        return data


class PhotoEditForm(forms.Form):
    caption = forms.CharField(label=_("Billedtekst"), max_length=300, required=False)
    residents = forms.ModelMultipleChoiceField(
        label=_("Genkendelige beboere"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nobody_recognisable = forms.BooleanField(label=_("Ingen genkendelige personer"), required=False)

    def __init__(self, *args, photo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].queryset = Resident.objects.filter(
            botilbud_id=photo.botilbud_id, active=True
        )

    def clean_caption(self):
        return services.clean_caption(self.cleaned_data["caption"])

    def clean(self):
        data = super().clean()
        if data.get("residents") and data.get("nobody_recognisable"):
            self.add_error(
                "nobody_recognisable",
                _("Vælg enten genkendelige beboere eller 'ingen genkendelige personer'."),
            )
        return data


class NoResidentsImageForm(BaseImageForm):
    """Wagtail's image library is public (MEDIA_ROOT, guessable rendition URLs): it is for
    pictures in which nobody can be recognised. Its upload says so where the file is chosen;
    photos of residents go to "Fotos af beboere" (residents.visibility)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            field = self.fields["file"]
            field.help_text = format_lazy("{} {}", field.help_text or "", NO_RESIDENTS_NOTICE)


NO_RESIDENTS_NOTICE = _(
    "Billedbiblioteket er offentligt. Billeder, hvor beboere kan genkendes, skal uploades "
    "under 'Fotos af beboere', så kun dem, beboerne har givet samtykke til, kan se dem."
)
