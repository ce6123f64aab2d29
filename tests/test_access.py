"""The access layer: what staff of one home may see of another's in the admin, ids out of
range, private files, and the log of who read a relative's data."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from access.ids import MAX_ID, parse_id, parse_ids
from access.models import ReadLog, RelativesOnlyCollection
from dialog.models import Attachment, HomeDialogSettings, Membership, Message, Thread
from home.models import HomeStaffAccess
from newsletters.models import Subscriber
from tests.dialog.conftest import make_relative

from .conftest import make_event, make_image, make_news

HUGE = "9" * 20


@pytest.fixture
def staff_b(tree):
    user = get_user_model().objects.create_user("medarbejder-b", "b@example.dk", "x")
    user.groups.add(HomeStaffAccess.objects.get(botilbud=tree.home_b).group)
    return user


@pytest.fixture
def private_a(tree):
    """Solgården's relatives-only news, a draft, and an image in its collection."""
    collection = HomeStaffAccess.objects.get(botilbud=tree.home_a).collection
    news = make_news(tree.home_a, "Hemmelig nyhed for pårørende", relatives_only=True)
    draft = make_news(tree.home_a, "Hemmelig kladde")
    draft.unpublish()
    image = make_image("Hemmeligt billede")
    image.collection = collection
    image.save()
    document = get_document_model().objects.create(
        title="Hemmeligt dokument", collection=collection, file=ContentFile(b"x", name="h.txt")
    )
    return news, draft, image, document


@pytest.fixture
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-1", None),
        ("١٢", None),  # Arabic-Indic digits pass str.isdigit()
        (" 7 ", 7),
        ("7a", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_parse_ids_keeps_valid_ones_once():
    assert parse_ids(["3", "x", "3", HUGE, "5"]) == [3, 5]


@pytest.mark.parametrize(
    "url",
    [
        f"/arrangementer/{HUGE}/tilmelding/",
        f"/frivillig/{HUGE}/",
        f"/frivillig/{HUGE}/tak/",
        f"/foreslaa-aktivitet/{HUGE}/",
        f"/foreslaa-aktivitet/{HUGE}/tak/",
        f"/feeds/arrangementer/{HUGE}.ics",
        f"/dialog/{HUGE}/",
        f"/admin/nyhedsbrev/vis/{HUGE}/",
        f"/admin/pages/{HUGE}/",
        f"/admin/images/{HUGE}/",
        f"/admin/images/chooser/chosen/{HUGE}/",
        "/admin/images/chooser/chosen/forged/",
        f"/admin/bulk/wagtailcore/page/delete/?id={HUGE}",
    ],
)
def test_huge_and_forged_ids_are_404_not_500(client, tree, staff_b, url):
    client.force_login(staff_b)
    assert client.get(url).status_code == 404


def test_answer_times_filter_takes_only_ids_in_range(client, tree, staff_b):
    client.force_login(staff_b)
    response = client.get(f"/admin/dialog/svartider/?botilbud={HUGE}")
    assert response.status_code in (403, 404)


# --- the admin ------------------------------------------------------------------------------


def test_subscriber_chooser_and_bulk_delete_do_not_exist_for_staff(client, tree, staff_b):
    subscriber = Subscriber.objects.create(
        email="hemmelig@example.dk", status=Subscriber.Status.ACTIVE, consent_version="1"
    )
    client.force_login(staff_b)
    for url in (
        "/admin/snippets/choose/newsletters/subscriber/",
        "/admin/snippets/choose/newsletters/subscriber/results/?q=hemmelig",
        f"/admin/snippets/choose/newsletters/subscriber/chosen/{subscriber.pk}/",
        f"/admin/bulk/newsletters/subscriber/delete/?id={subscriber.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"hemmelig@example.dk" not in response.content


def test_page_chooser_and_bulk_actions_hide_another_homes_private_pages(
    client, tree, staff_b, private_a
):
    news, draft, _image, _document = private_a
    client.force_login(staff_b)
    browse = client.get(f"/admin/choose-page/{tree.home_a.pk}/").content.decode()
    search = client.get("/admin/choose-page/search/?q=Hemmelig").content.decode()
    for text in (browse, search):
        assert "Hemmelig" not in text
    assert client.get(f"/admin/choose-page/{draft.pk}/").status_code == 404
    for action in ("delete", "unpublish", "move", "publish"):
        url = f"/admin/bulk/wagtailcore/page/{action}/?id={news.pk}&id={draft.pk}"
        response = client.get(url)
        assert response.status_code == 404
        assert b"Hemmelig" not in response.content


def test_page_chooser_still_offers_own_and_public_pages(client, tree, staff_b, staff_a):
    make_news(tree.home_b, "Engbos egen kladde").unpublish()
    client.force_login(staff_b)
    response = client.get(f"/admin/choose-page/{tree.home_b.pk}/").content.decode()
    assert "Engbos egen kladde" in response
    front = json.loads(client.get(f"/admin/choose-page/{tree.front.pk}/").content)["html"]
    assert "Solgården" in front and "Kalender" in front


def test_bulk_action_keeps_only_the_ids_the_user_may_see(client, tree, staff_b, private_a):
    news, *_ = private_a
    own = make_news(tree.home_b, "Engbo nyt")
    client.force_login(staff_b)
    response = client.get(f"/admin/bulk/wagtailcore/page/unpublish/?id={own.pk}&id={news.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Engbo nyt" in text and "Hemmelig" not in text


def test_admin_api_lists_only_own_images_and_documents(client, tree, staff_b, private_a):
    _news, _draft, image, document = private_a
    client.force_login(staff_b)
    for kind, item in (("images", image), ("documents", document)):
        listing = client.get(f"/admin/api/main/{kind}/")
        assert listing.status_code == 200
        assert "Hemmelig" not in listing.content.decode()
        assert json.loads(listing.content)["meta"]["total_count"] == 0
        assert client.get(f"/admin/api/main/{kind}/{item.pk}/").status_code == 404


def test_image_and_document_bulk_actions_do_not_name_another_homes_files(
    client, tree, staff_b, private_a
):
    _news, _draft, image, document = private_a
    client.force_login(staff_b)
    for url in (
        f"/admin/bulk/wagtailimages/image/delete/?id={image.pk}",
        f"/admin/bulk/wagtaildocs/document/delete/?id={document.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Hemmelig" not in response.content


def test_municipal_admin_keeps_everything(admin_client, tree, private_a):
    _news, draft, _image, _document = private_a
    assert (
        "Hemmelig kladde"
        in admin_client.get(f"/admin/choose-page/{tree.home_a.pk}/").content.decode()
    )
    assert (
        admin_client.get(f"/admin/bulk/wagtailcore/page/delete/?id={draft.pk}").status_code == 200
    )
    listing = json.loads(admin_client.get("/admin/api/main/images/").content)
    assert listing["meta"]["total_count"] == 1


# --- private files --------------------------------------------------------------------------


def _private_thread(tree, relative):
    thread = Thread.objects.create(
        botilbud=tree.home_a,
        kind=Thread.Kind.CONCERN,
        subject="Om Jens",
        visibility=Thread.Visibility.PRIVATE,
        relative=relative,
        started_by=relative,
        last_message_at=timezone.now(),
    )
    message = Message.objects.create(
        thread=thread, author=relative, body="Jens har virket trist", status="published"
    )
    return thread, message


def test_attachments_are_stored_outside_media_and_served_only_to_readers(
    client, tree, files, staff_a, staff_b
):
    relative = make_relative("karen@example.dk", tree.home_a)
    other = make_relative("ole@example.dk", tree.home_a)
    _thread, message = _private_thread(tree, relative)
    attachment = Attachment.objects.create(
        message=message,
        file=ContentFile(b"%PDF-1.4\n%%EOF", name="plan.pdf"),
        content_type="application/pdf",
        size=14,
        original_name="plan.pdf",
    )
    name = attachment.file.name
    assert name.startswith("dialog/")
    assert (files / "private" / name).exists()
    assert not (files / "media" / name).exists()
    with pytest.raises(NotImplementedError):
        attachment.file.url  # noqa: B018 - no public URL exists
    url = reverse("dialog:attachment", args=[attachment.pk])
    for user, status in (
        (relative, 200),
        (staff_a, 200),
        (other, 404),
        (staff_b, 404),
        (None, 302),
    ):
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == status, user
    assert client.get(f"/media/{name}").status_code == 404


def test_private_files_can_be_sent_by_the_web_server(client, tree, files, settings):
    settings.PRIVATE_FILES_SERVE = "x-accel-redirect"
    relative = make_relative("karen@example.dk", tree.home_a)
    _thread, message = _private_thread(tree, relative)
    attachment = Attachment.objects.create(
        message=message,
        file=ContentFile(b"%PDF-1.4\n%%EOF", name="plan.pdf"),
        content_type="application/pdf",
        size=14,
        original_name="plan.pdf",
    )
    client.force_login(relative)
    response = client.get(reverse("dialog:attachment", args=[attachment.pk]))
    assert response["X-Accel-Redirect"] == f"/_private/{attachment.file.name}"
    assert response.content == b""


def test_relatives_only_documents_open_only_for_the_homes_relatives(client, tree, files):
    collection = RelativesOnlyCollection.objects.get(botilbud=tree.home_a).collection
    document = get_document_model().objects.create(
        title="Referat fra pårørendemødet",
        collection=collection,
        file=ContentFile(b"referat", name="referat.txt"),
    )
    assert document.file.name.startswith("documents/")
    assert (files / "private" / document.file.name).exists()
    url = document.url
    connected = make_relative("karen@example.dk", tree.home_a)
    elsewhere = make_relative("erik@example.dk", tree.home_b)
    pending = make_relative("pia@example.dk", tree.home_a, status=Membership.Status.PENDING)
    for user, status in ((None, 404), (elsewhere, 404), (pending, 404), (connected, 200)):
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == status, user


def test_public_documents_are_still_served(client, tree, files):
    document = get_document_model().objects.create(
        title="Husorden", file=ContentFile(b"husorden", name="husorden.txt")
    )
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"husorden"


# --- who has read it ------------------------------------------------------------------------


def test_staff_opening_a_private_thread_shows_on_the_relatives_page(client, tree, staff_a):
    staff_a.first_name, staff_a.last_name = "Anna", "Madsen"
    staff_a.save()
    relative = make_relative("karen@example.dk", tree.home_a)
    thread, _message = _private_thread(tree, relative)
    client.force_login(staff_a)
    assert client.get(reverse("dialog_thread", args=[thread.pk])).status_code == 200
    assert client.get(reverse("dialog_thread", args=[thread.pk])).status_code == 200
    reads = ReadLog.objects.filter(subject=relative)
    assert reads.count() == 1  # reopened within minutes: one read
    read = reads.get()
    assert (read.reader, read.kind, read.botilbud_id) == (staff_a, "thread", tree.home_a.pk)
    client.force_login(relative)
    page = client.get(reverse("dialog:my_page")).content.decode()
    assert "Hvem har læst dine tråde" in page
    assert "Anna Madsen" in page and "Om Jens" in page


def test_relatives_reading_their_own_thread_are_not_logged(client, tree):
    relative = make_relative("karen@example.dk", tree.home_a)
    thread, _message = _private_thread(tree, relative)
    client.force_login(relative)
    assert client.get(reverse("dialog:thread", args=[thread.pk])).status_code == 200
    assert not ReadLog.objects.exists()


def test_sign_up_and_relatives_lists_are_logged(client, tree, staff_a):
    make_event(tree.home_a, "Sommerfest", signup_enabled=True)
    client.force_login(staff_a)
    assert client.get("/admin/dialog/paarorende/").status_code == 200
    kinds = set(ReadLog.objects.values_list("kind", flat=True))
    assert "relative" in kinds


def test_the_leader_sees_the_reads_at_their_home_only(client, tree, staff_a, staff_b):
    relative = make_relative("karen@example.dk", tree.home_a)
    thread, _message = _private_thread(tree, relative)
    client.force_login(staff_a)
    client.get(reverse("dialog_thread", args=[thread.pk]))
    url = reverse("access_reads")
    refused = client.get(url)  # staff, not leader: Wagtail's refusal (back to the dashboard)
    assert refused.status_code == 302 and "Om Jens" not in refused.content.decode()
    HomeDialogSettings.objects.update_or_create(botilbud=tree.home_b, defaults={"leader": staff_b})
    client.force_login(staff_b)
    assert "Om Jens" not in client.get(url).content.decode()
    HomeDialogSettings.objects.update_or_create(botilbud=tree.home_a, defaults={"leader": staff_a})
    client.force_login(staff_a)
    response = client.get(url)
    assert response.status_code == 200
    assert "Om Jens" in response.content.decode()


def test_external_link_chooser_without_url_is_a_form_error(client, tree, staff_b):
    client.force_login(staff_b)
    response = client.post("/admin/choose-external-link/", {})
    assert response.status_code == 200
    assert "url" in json.loads(response.content)["html"].lower()


def test_choosers_chosen_multiple_take_only_visible_ids(client, tree, staff_b, private_a):
    news, _draft, image, document = private_a
    own = make_news(tree.home_b, "Engbo nyt")
    client.force_login(staff_b)
    for url in (
        f"/admin/choose-page/chosen-multiple/?id={HUGE}",
        f"/admin/images/chooser/chosen-multiple/?id={HUGE}",
        f"/admin/choose-page/chosen-multiple/?id={news.pk}",
        f"/admin/images/chooser/chosen-multiple/?id={image.pk}",
        f"/admin/documents/chooser/chosen-multiple/?id={document.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Hemmelig" not in response.content
    response = client.get(f"/admin/choose-page/chosen-multiple/?id={own.pk}&id={news.pk}")
    assert response.status_code == 200
    assert "Engbo nyt" in response.content.decode()
    assert "Hemmelig" not in response.content.decode()


def test_the_page_types_report_is_for_municipal_admins(
    client, admin_client, tree, staff_b, private_a
):
    client.force_login(staff_b)
    response = client.get("/admin/reports/page-types-usage/")
    assert response.status_code == 404
    assert b"Hemmelig" not in response.content
    assert b"page-types-usage" not in client.get("/admin/").content
    assert admin_client.get("/admin/reports/page-types-usage/").status_code == 200
