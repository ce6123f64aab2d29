"""Volunteers answer a call and staff accept or decline; relatives propose activities; each
home's staff see and act on their own home only."""

import datetime as dt

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from home.models import VolunteerCallPage
from participation import services
from participation.models import ActivityProposal, EventSignup, VolunteerSignup
from tests.conftest import make_call

VOLUNTEER = {
    "volunteer-name": "Jens Frivillig",
    "volunteer-email": "jens@example.dk",
    "volunteer-phone": "+45 12 34 56 78",
    "volunteer-availability": "Tirsdage",
    "volunteer-message": "Jeg går gerne ture.",
    "volunteer-consent": "on",
}
PROPOSAL = {
    "proposal-title": "Fællessang",
    "proposal-description": "Jeg spiller guitar og vil gerne synge med beboerne.",
    "proposal-when": "En søndag i december",
    "proposal-name": "Birthe",
    "proposal-email": "birthe@example.dk",
    "proposal-phone": "",
    "proposal-consent": "on",
}


def volunteer(client, call, on_commit, **overrides):
    with on_commit():
        return client.post(
            reverse("participation:volunteer", args=[call.pk]), {**VOLUNTEER, **overrides}
        )


def test_volunteer_signs_up_and_staff_and_volunteer_get_mail(client, call, staff_a, on_commit):
    response = volunteer(client, call, on_commit)
    assert response.status_code == 302
    signup = VolunteerSignup.objects.get()
    assert (signup.status, signup.phone) == (VolunteerSignup.Status.PENDING, "+45 12 34 56 78")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["a@example.dk", "jens@example.dk", "kontakt@solgaarden.dk"]
    staff_mail = next(m for m in mail.outbox if m.to == ["a@example.dk"])
    assert "Jens Frivillig" in staff_mail.body
    assert "Tak, fordi du meldte dig" in client.get(response["Location"]).content.decode()


def test_the_call_page_shows_the_form_and_how_many_are_found(client, call):
    html = client.get(call.url).content.decode()
    assert "0 af 1" in html
    assert 'name="volunteer-email"' in html


def test_staff_accept_and_the_call_fills_and_closes_itself(client, call, staff_a, on_commit):
    volunteer(client, call, on_commit)
    signup = VolunteerSignup.objects.get()
    mail.outbox.clear()
    client.force_login(staff_a)
    with on_commit():
        response = client.post(
            reverse("participation_decide_volunteer", args=[signup.pk, "accept"])
        )
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.ACCEPTED
    assert signup.decided_by == staff_a
    assert [m.to for m in mail.outbox] == [["jens@example.dk"]]
    assert mail.outbox[0].subject == "Velkommen som frivillig: Gåtur-ven"
    # One of one found: the call closes itself everywhere.
    assert not VolunteerCallPage.objects.open().filter(pk=call.pk).exists()
    client.logout()
    html = client.get(call.url).content.decode()
    assert "1 af 1" in html
    assert 'name="volunteer-email"' not in html
    late = volunteer(client, call, on_commit, **{"volunteer-email": "sen@example.dk"})
    assert late.status_code == 409
    assert VolunteerSignup.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="samspil.volunteer.accept", user=staff_a).exists()


def test_the_count_of_accepted_volunteers_follows_the_signups_not_the_revisions(
    call, staff_a, on_commit
):
    """Listings read the call's own count: accepting, deleting and an editor publishing an
    older draft each leave it equal to the accepted signups."""
    call.people_needed = 2
    call.save_revision().publish()
    stale_draft = call.save_revision()  # saved while no one is accepted yet

    def accepted_on_record():
        return VolunteerCallPage.objects.values_list("volunteers_accepted", flat=True).get(
            pk=call.pk
        )

    first = services.volunteer_for_call(call, name="Jens", email="jens@example.dk").signup
    second = services.volunteer_for_call(call, name="Sara", email="sara@example.dk").signup
    assert accepted_on_record() == 0  # pending volunteers fill nothing
    services.decide_volunteer(first, accept=True, user=staff_a)
    assert accepted_on_record() == 1
    assert VolunteerCallPage.objects.open().filter(pk=call.pk).exists()
    services.decide_volunteer(second, accept=True, user=staff_a)
    assert accepted_on_record() == 2
    assert not VolunteerCallPage.objects.open().filter(pk=call.pk).exists()

    stale_draft.publish()  # its content says 0 accepted
    assert accepted_on_record() == 2
    copy = VolunteerCallPage.objects.get(pk=call.pk).copy(
        update_attrs={"slug": "gaatur-ven-2", "title": "Gåtur-ven igen"}
    )
    assert copy.volunteers_accepted == 0  # the signups stay with the original call

    second.delete()
    assert accepted_on_record() == 1
    assert VolunteerCallPage.objects.open().filter(pk=call.pk).exists()
    assert "1 af 2" in Client().get(call.url).content.decode()


def test_staff_decline_mails_the_volunteer(client, call, staff_a, on_commit):
    volunteer(client, call, on_commit)
    signup = VolunteerSignup.objects.get()
    mail.outbox.clear()
    client.force_login(staff_a)
    with on_commit():
        client.post(reverse("participation_decide_volunteer", args=[signup.pk, "decline"]))
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.DECLINED
    assert mail.outbox[0].subject == "Svar på din henvendelse: Gåtur-ven"
    assert VolunteerCallPage.objects.open().filter(pk=call.pk).exists()


def test_staff_of_another_home_cannot_decide_or_see(client, call, staff_b, on_commit):
    volunteer(client, call, on_commit)
    signup = VolunteerSignup.objects.get()
    client.force_login(staff_b)
    response = client.post(reverse("participation_decide_volunteer", args=[signup.pk, "accept"]))
    assert response.status_code == 403
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.PENDING
    listing = client.get(reverse("participation_volunteers:index"))
    assert listing.status_code == 200
    assert "Jens Frivillig" not in listing.content.decode()
    inspect = client.get(reverse("participation_volunteers:inspect", args=[signup.pk]))
    assert inspect.status_code == 404


def test_anonymous_and_get_cannot_decide(client, call, staff_a, on_commit):
    volunteer(client, call, on_commit)
    signup = VolunteerSignup.objects.get()
    url = reverse("participation_decide_volunteer", args=[signup.pk, "accept"])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(staff_a)
    assert client.get(url).status_code == 405
    bogus = reverse("participation_decide_volunteer", args=[signup.pk, "promote"])
    assert client.post(bogus).status_code == 403
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.PENDING


def test_expired_call_is_closed(client, tree, on_commit):
    call = make_call(tree.home_a, "Juletræ", expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert volunteer(client, call, on_commit).status_code == 409
    assert not VolunteerSignup.objects.exists()


def test_the_same_volunteer_twice_is_one_signup(client, call, on_commit):
    volunteer(client, call, on_commit)
    volunteer(client, call, on_commit, **{"volunteer-email": "JENS@example.dk"})
    assert VolunteerSignup.objects.count() == 1


def test_bad_volunteer_input_is_refused(client, call, on_commit):
    response = volunteer(
        client, call, on_commit, **{"volunteer-phone": "<script>", "volunteer-message": "x" * 5000}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv kun tal i telefonnummeret" in html
    assert "højst have 2000 tegn" in html
    assert not VolunteerSignup.objects.exists()


def test_staff_see_only_their_own_homes_signups_and_export_them(
    client, tree, call, staff_a, event, on_commit
):
    from tests.conftest import make_event

    other = make_event(tree.home_b, "Engbo-fest", signup_enabled=True)
    with on_commit():
        services.sign_up_for_event(event, name="Egen Gæst", email="egen@example.dk")
        services.sign_up_for_event(other, name="Fremmed Gæst", email="fremmed@example.dk")
    client.force_login(staff_a)
    listing = client.get(reverse("participation_signups:index")).content.decode()
    assert "Egen Gæst" in listing and "Fremmed Gæst" not in listing
    export = client.get(reverse("participation_signups:index") + "?export=csv")
    assert export.status_code == 200
    body = (
        b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    )
    assert "egen@example.dk" in body and "fremmed@example.dk" not in body
    # No generic add, edit or delete.
    signup = EventSignup.objects.get(email="egen@example.dk")
    for url in (
        reverse("participation_signups:add"),
        reverse("participation_signups:edit", args=[signup.pk]),
        reverse("participation_signups:delete", args=[signup.pk]),
    ):
        assert client.get(url).status_code in (302, 403)


def test_a_member_of_the_public_cannot_reach_the_admin_lists(client, tree):
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("udefra", "u@example.dk", "kode")
    client.force_login(outsider)
    assert client.get(reverse("participation_signups:index")).status_code in (302, 403)


def test_proposal_reaches_the_homes_staff(client, tree, staff_a, staff_b, on_commit):
    url = reverse("participation:propose", args=[tree.home_a.pk])
    assert client.get(url).status_code == 200
    with on_commit():
        response = client.post(url, PROPOSAL)
    assert response.status_code == 302
    proposal = ActivityProposal.objects.get()
    assert proposal.botilbud_id == tree.home_a.pk
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["a@example.dk", "birthe@example.dk"]
    client.force_login(staff_b)
    assert "Fællessang" not in client.get(reverse("participation_proposals:index")).content.decode()
    assert (
        client.post(reverse("participation_handle_proposal", args=[proposal.pk])).status_code == 403
    )
    client.force_login(staff_a)
    assert "Fællessang" in client.get(reverse("participation_proposals:index")).content.decode()
    client.post(reverse("participation_handle_proposal", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ActivityProposal.Status.HANDLED
    assert ModelLogEntry.objects.filter(action="samspil.proposal.handled", user=staff_a).exists()


def test_bad_proposals_are_refused(client, tree, on_commit):
    url = reverse("participation:propose", args=[tree.home_a.pk])
    response = client.post(url, {**PROPOSAL, "proposal-title": "", "proposal-description": ""})
    assert response.status_code == 400
    assert "Skriv kort, hvad aktiviteten er." in response.content.decode()
    assert client.get(reverse("participation:propose", args=[999999])).status_code == 404
    assert not ActivityProposal.objects.exists()


def test_csrf_on_public_forms(tree, call):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(reverse("participation:volunteer", args=[call.pk]), VOLUNTEER).status_code
        == 403
    )
    assert (
        client.post(reverse("participation:propose", args=[tree.home_a.pk]), PROPOSAL).status_code
        == 403
    )


def test_the_event_filter_names_only_the_staff_members_own_events(client, tree, staff_a, event):
    from tests.conftest import make_event

    make_event(tree.home_b, "Engbos pårørendeaften", signup_enabled=True, relatives_only=True)
    client.force_login(staff_a)
    html = client.get(reverse("participation_signups:index")).content.decode()
    assert "Sommerfest" in html
    assert "Engbos pårørendeaften" not in html
    filtered = client.get(reverse("participation_signups:index"), {"event": event.pk})
    assert filtered.status_code == 200
