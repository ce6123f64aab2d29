"""The relatives' own pages: sign in by link, sign out, and "Min side" with their
connections to homes. Thin: rules live in dialog.identity and dialog.membership."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from access.ids import parse_id
from access.ratelimit import client_address, over_limit
from access.reads import reads_of
from access.rules import is_relative
from home.models import BotilbudPage
from newsletters.forms import normalise_email

from . import identity, membership
from .models import Membership

# Connection requests per relative per hour: each one mails the home's staff.
CONNECT_LIMIT = 10
CONNECT_WINDOW = 3600


# --- Forms ------------------------------------------------------------------------------


class SignInForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Din e-mailadresse"),
        max_length=320,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "class": "form-input"}
        ),
        error_messages={"required": gettext_lazy("Skriv din e-mailadresse.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean_next(self) -> str:
        return identity.safe_next(self.cleaned_data.get("next"))


class HomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title

    def to_python(self, value):
        # Only an id the database can hold is looked up (SQLite overflows on larger ones).
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ConnectForm(forms.Form):
    botilbud = HomeChoiceField(
        label=gettext_lazy("Botilbud"),
        queryset=BotilbudPage.objects.none(),
        empty_label=gettext_lazy("Vælg botilbud"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": gettext_lazy("Vælg det botilbud, du vil knyttes til."),
            "invalid_choice": gettext_lazy("Vi kender ikke det botilbud. Vælg et fra listen."),
        },
    )
    relation = forms.CharField(
        label=gettext_lazy("Hvordan er du knyttet til botilbuddet?"),
        help_text=gettext_lazy(
            "F.eks. »søster til en beboer« eller »i netværket omkring en beboer«. "
            "Skriv ikke CPR-nummer."
        ),
        max_length=membership.RELATION_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-input", "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy(
                "Skriv, hvordan du er knyttet til botilbuddet, f.eks. »søster til en beboer«."
            ),
            "max_length": gettext_lazy("Skriv højst 200 tegn."),
        },
    )

    name = forms.CharField(
        label=gettext_lazy("Dit navn"),
        help_text=gettext_lazy("Personalet ser dit navn sammen med, hvordan du er knyttet."),
        required=False,
        max_length=membership.NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-input", "autocomplete": "name"}),
        error_messages={"max_length": gettext_lazy("Skriv højst 150 tegn.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["botilbud"].queryset = (
            BotilbudPage.objects.live().public().order_by("title").only("title")
        )

    def clean_relation(self) -> str:
        return membership.clean_relation(self.cleaned_data["relation"])

    def clean_name(self) -> str:
        return membership.clean_name(self.cleaned_data["name"])


# --- Sign in and out --------------------------------------------------------------------


def _too_many(request):
    return TemplateResponse(request, "dialog/identity/too_many.html", status=429)


def _private(response):
    """The pages around a sign-in link (never cached, see never_cache): never indexed,
    and no Referer that could carry the token to another site. ("same-origin", not
    "no-referrer": with no-referrer browsers send "Origin: null" on the sign-in POST, which
    Django's CSRF check rightly refuses.)"""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.method == "GET":
        if is_relative(request.user):
            return redirect(identity.safe_next(request.GET.get("next")) or "dialog:my_page")
        form = SignInForm(initial={"next": identity.safe_next(request.GET.get("next"))})
        return TemplateResponse(request, "dialog/identity/sign_in.html", {"form": form})
    if identity.client_over_limit(client_address(request)):
        return _too_many(request)
    form = SignInForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "dialog/identity/sign_in.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if identity.address_over_limit(email):
        return _too_many(request)
    identity.send_sign_in_link(email, form.cleaned_data["next"])
    return redirect("dialog:sign_in_sent")


def sign_in_sent(request):
    return TemplateResponse(
        request, "dialog/identity/sign_in_sent.html", {"minutes": identity.link_minutes()}
    )


def _link_error(request):
    return _private(TemplateResponse(request, "dialog/identity/link_error.html", status=400))


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request):
    """GET shows a button (mail scanners open links, and a one-time link must survive
    that); POST, with the token in the form, signs the relative in."""
    source = request.POST if request.method == "POST" else request.GET
    token = source.get(identity.TOKEN_NAME)
    next_path = identity.safe_next(source.get("next"))
    if request.method == "GET":
        if identity.user_for_token(token) is None:
            return _link_error(request)
        context = {"token": token, "next": next_path, "token_name": identity.TOKEN_NAME}
        return _private(TemplateResponse(request, "dialog/identity/sign_in_link.html", context))
    user = identity.redeem_token(token)
    if user is None:
        return _link_error(request)
    login(request, user, backend="sesame.backends.ModelBackend")
    return redirect(next_path or "dialog:my_page")


@require_http_methods(["GET", "POST"])
def sign_out(request):
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("dialog:sign_in")
        return TemplateResponse(request, "dialog/identity/sign_out.html")
    logout(request)
    messages.success(request, _("Du er logget ud."))
    return redirect("dialog:sign_in")


# --- Min side ---------------------------------------------------------------------------


def _my_page(request, form, status: int = 200):
    user = request.user
    memberships = list(membership.memberships_of(user)) if is_relative(user) else []
    context = {
        "form": form,
        "is_relative": is_relative(user),
        "approved": [m for m in memberships if m.status == Membership.Status.APPROVED],
        "pending": [m for m in memberships if m.status == Membership.Status.PENDING],
        "earlier": [m for m in memberships if m.status not in Membership.ACTIVE],
        "reads": reads_of(user) if is_relative(user) else [],
        "sections": my_page_sections(request) if is_relative(user) else [],
    }
    return TemplateResponse(request, "dialog/membership/my_page.html", context, status=status)


def my_page_sections(request) -> list[str]:
    """What other apps show a relative on Min side (the ``samspil_my_page_section`` hook:
    a function of the request returning HTML, or nothing), so dialog imports none of them."""
    sections = (hook(request) for hook in hooks.get_hooks("samspil_my_page_section"))
    return [section for section in sections if section]


@identity.sign_in_required
@require_http_methods(["GET", "POST"])
def my_page(request):
    if request.method == "GET":
        form = (
            ConnectForm(prefix="connect", initial={"name": request.user.get_full_name()})
            if is_relative(request.user)
            else None
        )
        return _my_page(request, form)
    if not is_relative(request.user):
        return _my_page(request, None, status=403)
    if over_limit("dialog:connect", str(request.user.pk), CONNECT_LIMIT, CONNECT_WINDOW):
        return _too_many(request)
    form = ConnectForm(request.POST, prefix="connect")
    if not form.is_valid():
        return _my_page(request, form, status=400)
    botilbud = form.cleaned_data["botilbud"]
    try:
        membership.request_connection(
            request.user, botilbud, form.cleaned_data["relation"], form.cleaned_data["name"]
        )
    except ValidationError as error:
        form.add_error("relation", error)
        return _my_page(request, form, status=400)
    except membership.MembershipError as error:
        form.add_error(None, str(error.message))
        return _my_page(request, form, status=409)
    messages.success(
        request,
        _("Tak. Personalet på %(home)s har fået din anmodning. Du får en mail, når de har svaret.")
        % {"home": botilbud.title},
    )
    return redirect("dialog:my_page")


def _own_membership(request, pk: int) -> Membership:
    # Another relative's connection is not found, rather than forbidden: ids reveal nothing.
    return get_object_or_404(
        Membership.objects.select_related("botilbud"), pk=pk, relative_id=request.user.pk
    )


@identity.sign_in_required
@require_http_methods(["GET", "POST"])
def end_membership(request, pk: int):
    """GET asks (with the consequences spelt out); POST ends the connection."""
    if not is_relative(request.user):
        raise Http404
    item = _own_membership(request, pk)
    if item.status not in Membership.ACTIVE:
        return redirect("dialog:my_page")
    if request.method == "GET":
        return TemplateResponse(request, "dialog/membership/end_confirm.html", {"membership": item})
    membership.end(item, request.user)
    messages.success(
        request,
        _("Din tilknytning til %(home)s er afsluttet.") % {"home": item.botilbud.title},
    )
    return redirect("dialog:my_page")


urlpatterns = [
    path("", my_page, name="my_page"),
    path("log-ind/", sign_in, name="sign_in"),
    path("log-ind/tjek-din-mail/", sign_in_sent, name="sign_in_sent"),
    path("log-ind/link/", sign_in_link, name="sign_in_link"),
    path("log-ud/", sign_out, name="sign_out"),
    path("tilknytning/<id:pk>/afslut/", end_membership, name="end_membership"),
]
