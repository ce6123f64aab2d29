"""Public pages: subscribe, confirm, manage and unsubscribe. Thin: the work is in services."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from access.ids import parse_id
from access.ratelimit import client_address, over_limit

from . import services, tokens
from .conf import setting
from .forms import ManageForm, SubscribeForm
from .models import Subscriber


def _too_many(request):
    return TemplateResponse(request, "newsletters/too_many.html", status=429)


def _preselected_home(request) -> list[int]:
    home = parse_id(request.GET.get("home", ""))
    return [] if home is None else [home]


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        form = SubscribeForm(initial={"homes": _preselected_home(request)})
        return TemplateResponse(request, "newsletters/subscribe.html", {"form": form})

    window = setting("RATE_LIMIT_WINDOW")
    if over_limit("ip", client_address(request), setting("RATE_LIMIT_PER_IP"), window):
        return _too_many(request)
    form = SubscribeForm(request.POST)
    if form.is_bot():
        # Same answer as a real sign-up, so the bot learns nothing; nothing is stored.
        return redirect("newsletters:thanks")
    if not form.is_valid():
        return TemplateResponse(request, "newsletters/subscribe.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if over_limit("address", email, setting("RATE_LIMIT_PER_ADDRESS"), window):
        return _too_many(request)
    services.subscribe(
        email=email,
        homes=form.cleaned_data["homes"],
        frequency=form.cleaned_data["frequency"],
    )
    return redirect("newsletters:thanks")


def thanks(request):
    return TemplateResponse(request, "newsletters/thanks.html")


def _token_error(request, error: tokens.InvalidToken):
    return TemplateResponse(
        request,
        "newsletters/link_error.html",
        {"expired": error.expired},
        status=410 if error.expired else 400,
    )


@require_http_methods(["GET"])
def confirm(request, token: str):
    """One click confirms: no second form (a second form loses sign-ups)."""
    try:
        subscriber = tokens.read_token(token, tokens.CONFIRM)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    changed = services.confirm_subscription(subscriber)
    subscriber.refresh_from_db()
    return TemplateResponse(
        request,
        "newsletters/confirmed.html",
        {
            "subscriber": subscriber,
            "changed": changed,
            "manage_token": tokens.make_token(subscriber, tokens.MANAGE),
            "homes": subscriber.homes.order_by("title").only("title"),
        },
    )


@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    try:
        subscriber = tokens.read_token(token, tokens.MANAGE)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if subscriber.status == Subscriber.Status.PENDING:
        services.confirm_subscription(subscriber)  # the link proves the mailbox, too
        subscriber.refresh_from_db()
    form = ManageForm(
        request.POST or None,
        initial={
            "homes": list(subscriber.homes.values_list("pk", flat=True)),
            "frequency": subscriber.frequency,
        },
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "pause":
            services.pause_subscription(subscriber)
            messages.success(request, _("Nyhedsbrevet er sat på pause."))
            return redirect("newsletters:manage", token=token)
        if action == "resume":
            services.resume_subscription(subscriber)
            messages.success(request, _("Du får nyhedsbrevet igen."))
            return redirect("newsletters:manage", token=token)
        if action == "unsubscribe":
            services.unsubscribe(subscriber, via="manage")
            return TemplateResponse(request, "newsletters/unsubscribed.html")
        if form.is_valid():
            services.change_subscription(
                subscriber,
                homes=form.cleaned_data["homes"],
                frequency=form.cleaned_data["frequency"],
            )
            messages.success(request, _("Dine valg er gemt."))
            return redirect("newsletters:manage", token=token)
    return TemplateResponse(
        request,
        "newsletters/manage.html",
        {"subscriber": subscriber, "form": form, "token": token},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def export(request, token: str):
    try:
        subscriber = tokens.read_token(token, tokens.MANAGE)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    data = services.export_subscriber_data(subscriber)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="samspil-nyhedsbrev-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def delete(request, token: str):
    try:
        subscriber = tokens.read_token(token, tokens.MANAGE)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if request.method == "POST":
        services.delete_subscriber(subscriber)
        return TemplateResponse(request, "newsletters/deleted.html")
    return TemplateResponse(
        request, "newsletters/delete_confirm.html", {"subscriber": subscriber, "token": token}
    )


@csrf_exempt  # RFC 8058: the mail client POSTs with neither a session nor a CSRF token
@require_http_methods(["GET", "POST"])
def one_click_unsubscribe(request, token: str):
    """GET only asks (link scanners follow links); POST unsubscribes, from the page or the
    mail client's own button (List-Unsubscribe-Post: List-Unsubscribe=One-Click)."""
    try:
        subscriber = tokens.read_token(token, tokens.UNSUBSCRIBE)
    except tokens.InvalidToken as error:
        return _token_error(request, error)
    if request.method == "POST":
        services.unsubscribe(subscriber, via="one-click")
        return TemplateResponse(request, "newsletters/unsubscribed.html")
    return TemplateResponse(
        request,
        "newsletters/unsubscribe_confirm.html",
        {"subscriber": subscriber, "token": token},
    )
