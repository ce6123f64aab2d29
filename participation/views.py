"""Public views: sign up for an event (and cancel), volunteer, propose an activity. Thin:
validation in forms, workflows in services."""

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from access.ratelimit import client_address, over_limit
from home.models import BotilbudPage, EventPage, VolunteerCallPage

from . import services
from .forms import EventSignupForm, ProposalForm, VolunteerForm
from .models import EventSignup

# Form posts per client address per hour, for each of the three forms.
RATE_LIMIT = 20
RATE_WINDOW = 3600


def _too_many(request, scope: str) -> bool:
    return over_limit(f"participation:{scope}", client_address(request), RATE_LIMIT, RATE_WINDOW)


def _too_many_response(request):
    return TemplateResponse(request, "participation/too_many.html", status=429)


def _public_page(model, pk: int):
    return get_object_or_404(model.objects.live().public().specific(), pk=pk)


def signup_form_for(event: EventPage, data=None) -> EventSignupForm:
    return EventSignupForm(data, max_party_size=event.max_party_size, prefix="signup")


@require_http_methods(["GET", "POST"])
def event_signup(request, pk: int):
    events = EventPage.objects.live().public().visible_to(request.user)
    event = get_object_or_404(events.select_related("botilbud"), pk=pk)
    context = {
        "event": event,
        "open": services.signup_is_open(event),
        "seats_left": services.seats_left(event),
    }
    if request.method == "GET" or not context["open"]:
        context["form"] = signup_form_for(event)
        status = 200 if request.method == "GET" else 409
        return TemplateResponse(request, "participation/event_signup.html", context, status=status)
    if _too_many(request, "signup"):
        return _too_many_response(request)
    form = signup_form_for(event, request.POST)
    if form.is_bot():
        return redirect(event.url)
    if not form.is_valid():
        context["form"] = form
        return TemplateResponse(request, "participation/event_signup.html", context, status=400)
    try:
        result = services.sign_up_for_event(
            event,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            party_size=form.cleaned_data["party_size"],
            note=form.cleaned_data["note"],
        )
    except services.SignupClosed:
        context.update(form=form, open=False)
        return TemplateResponse(request, "participation/event_signup.html", context, status=409)
    token = services.signup_token(result.signup)
    response = redirect("participation:signup_status", token)
    if not result.created:
        response["Location"] += "?igen=1"
    return response


def _signup_or_404(token: str) -> EventSignup:
    try:
        return services.signup_from_token(token)
    except signing.BadSignature as error:
        raise Http404("bad sign-up link") from error


def _bad_link(request):
    return TemplateResponse(request, "participation/bad_link.html", status=404)


def signup_status(request, token: str):
    try:
        signup = _signup_or_404(token)
    except Http404:
        return _bad_link(request)
    return TemplateResponse(
        request,
        "participation/signup_status.html",
        {
            "signup": signup,
            "event": signup.event,
            "token": token,
            "again": request.GET.get("igen") == "1",
        },
    )


@require_http_methods(["GET", "POST"])
def signup_cancel(request, token: str):
    """GET only asks (mail scanners follow links); POST cancels."""
    try:
        signup = _signup_or_404(token)
    except Http404:
        return _bad_link(request)
    if request.method == "POST" and signup.status != EventSignup.Status.CANCELLED:
        services.cancel_signup(signup)
        signup.refresh_from_db()
    return TemplateResponse(
        request,
        "participation/signup_cancel.html",
        {"signup": signup, "event": signup.event, "token": token},
    )


@require_http_methods(["GET", "POST"])
def volunteer(request, pk: int):
    call = _public_page(VolunteerCallPage, pk)
    context = {"call": call, "open": services.call_is_open(call)}
    if request.method == "GET" or not context["open"]:
        context["form"] = VolunteerForm(prefix="volunteer")
        status = 200 if request.method == "GET" else 409
        return TemplateResponse(request, "participation/volunteer.html", context, status=status)
    if _too_many(request, "volunteer"):
        return _too_many_response(request)
    form = VolunteerForm(request.POST, prefix="volunteer")
    if form.is_bot():
        return redirect("participation:volunteer_thanks", call.pk)
    if not form.is_valid():
        context["form"] = form
        return TemplateResponse(request, "participation/volunteer.html", context, status=400)
    try:
        services.volunteer_for_call(call, **form.cleaned_data_for_service())
    except services.CallClosed:
        context.update(form=form, open=False)
        return TemplateResponse(request, "participation/volunteer.html", context, status=409)
    return redirect("participation:volunteer_thanks", call.pk)


def volunteer_thanks(request, pk: int):
    call = _public_page(VolunteerCallPage, pk)
    return TemplateResponse(request, "participation/volunteer_thanks.html", {"call": call})


@require_http_methods(["GET", "POST"])
def propose(request, pk: int):
    botilbud = _public_page(BotilbudPage, pk)
    context = {"botilbud": botilbud}
    if request.method == "GET":
        context["form"] = ProposalForm(prefix="proposal")
        return TemplateResponse(request, "participation/propose.html", context)
    if _too_many(request, "proposal"):
        return _too_many_response(request)
    form = ProposalForm(request.POST, prefix="proposal")
    if form.is_bot():
        return redirect("participation:propose_thanks", botilbud.pk)
    if not form.is_valid():
        context["form"] = form
        return TemplateResponse(request, "participation/propose.html", context, status=400)
    services.propose_activity(botilbud, **form.cleaned_data_for_service())
    return redirect("participation:propose_thanks", botilbud.pk)


def propose_thanks(request, pk: int):
    botilbud = _public_page(BotilbudPage, pk)
    return TemplateResponse(request, "participation/propose_thanks.html", {"botilbud": botilbud})
