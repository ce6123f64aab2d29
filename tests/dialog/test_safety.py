"""Safety of what relatives write: bodies come out inert, CPR numbers are refused before
anything is saved, attachments are checked by content, oversized posts get a Danish
answer, and posting is rate limited and CSRF protected."""

import io
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from access.cpr import contains_cpr
from dialog.attachments import MAX_SIZE
from dialog.models import Attachment, Message, Thread
from dialog.posting import PostingRefused, post_message, start_thread
from dialog.sanitise import render_body

Kind = Thread.Kind
Visibility = Thread.Visibility

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to throw-away folders (public media and private files apart)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#3d7a5a").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def start_private(tree, relative, body="Hej personale", attachments=()):
    return start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Kind.QUESTION,
        subject="Et spørgsmål",
        body=body,
        attachments=attachments,
    )


# --- Sanitising -------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">klik</a>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '"><iframe src="https://evil.example"></iframe>',
]


class _Markup(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser would parse it."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """Only paragraphs, line breaks and links to http(s)/mailto, with href and rel only."""
    parser = _Markup()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in {"p", "br", "a"}, tag
        assert set(attrs) <= {"href", "rel"}, attrs
        if tag == "a":
            assert attrs["href"].split(":")[0] in {"http", "https", "mailto"}, attrs
            assert attrs["rel"] == "nofollow noopener ugc"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_body_makes_markup_inert(payload):
    html = str(render_body(f"Se her: {payload}"))

    assert_inert(html)
    assert "&lt;" in html or payload.startswith("javascript") or payload.startswith("data")


def test_render_body_links_web_and_mail_addresses_and_keeps_line_breaks():
    html = str(render_body("Se https://example.dk/plan?a=1&b=2\nSkriv til info@example.dk\n\nTak"))

    assert (
        '<a href="https://example.dk/plan?a=1&amp;b=2" rel="nofollow noopener ugc">'
        "https://example.dk/plan?a=1&amp;b=2</a><br>" in html
    )
    assert '<a href="mailto:info@example.dk" rel="nofollow noopener ugc">' in html
    assert "target" not in html
    assert html.endswith("<p>Tak</p>")


def test_thread_page_shows_xss_payloads_as_text(client, tree, relative_a):
    body = "\n".join(XSS_PAYLOADS)
    thread = start_private(tree, relative_a, body=body)
    client.force_login(relative_a)

    page = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()

    start = page.index('class="dialog-message__body">') + len('class="dialog-message__body">')
    shown = page[start : page.index("</div>", start)]
    assert_inert(shown)
    assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in shown
    assert "&lt;svg onload=" in shown


# --- CPR numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hendes CPR er 010190-1234",
        "cpr: 0101901234",
        "010190 1234",
        "31-12-99-1234",
        "290296-1234",  # 29 February in a leap year
        "Født 24.12.85-4321",
    ],
)
def test_cpr_numbers_are_found(text):
    assert contains_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ring på 12345678",
        "Tlf. 74 92 92 92",
        "31-13-99-1234",  # no 13th month
        "320190-1234",  # no 32nd day
        "310490-1234",  # April has 30 days
        "290297-1234",  # 1997 was no leap year
        "Ordrenummer 123456789012",  # a longer run of digits
        "Konto 0101901234567",
        "Mødet er 12.05 kl. 14",
    ],
)
def test_other_numbers_are_not_cpr(text):
    assert not contains_cpr(text)


@pytest.mark.parametrize("body", ["Min bror 010190-1234 har", "0101901234", "010190 1234"])
def test_cpr_in_body_is_refused_before_anything_is_saved(tree, relative_a, body):
    with pytest.raises(PostingRefused) as refused:
        start_private(tree, relative_a, body=body, attachments=[upload("a.pdf", PDF)])

    assert "CPR" in refused.value.message
    assert "fornavn" in refused.value.message
    assert not Thread.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()


def test_cpr_in_subject_or_reply_is_refused(tree, relative_a):
    with pytest.raises(PostingRefused):
        start_thread(
            botilbud=tree.home_a,
            author=relative_a,
            kind=Kind.QUESTION,
            subject="Om 010190-1234",
            body="Hej",
        )
    thread = start_private(tree, relative_a)
    with pytest.raises(PostingRefused):
        post_message(thread, author=relative_a, body="Det er 0101901234")
    assert thread.messages.count() == 1


def test_phone_number_and_invalid_date_are_accepted(tree, relative_a):
    thread = start_private(tree, relative_a, body="Ring 12345678. Sag 31-13-99-1234.")

    assert thread.messages.get().body == "Ring 12345678. Sag 31-13-99-1234."


def test_cpr_refusal_is_shown_on_the_form_and_text_kept(client, tree, relative_a):
    client.force_login(relative_a)

    response = client.post(
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        {
            "ny-kind": "question",
            "ny-subject": "Tøj",
            "ny-body": "Det gælder 010190-1234",
            "ny-visibility": "private",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "CPR-numre er følsomme personoplysninger" in page
    assert "Det gælder 010190-1234</textarea>" in page
    assert not Thread.objects.exists()


# --- Attachments --------------------------------------------------------------------------


def test_pdf_and_png_are_accepted_in_private_threads(tree, relative_a, media):
    thread = start_private(
        tree,
        relative_a,
        attachments=[
            upload("plan.pdf", PDF, "application/pdf"),
            upload("../../foto.png", png_bytes(), "image/png"),
        ],
    )

    files = {a.original_name: a for a in Attachment.objects.filter(message__thread=thread)}
    assert set(files) == {"plan.pdf", "foto.png"}
    assert files["plan.pdf"].content_type == "application/pdf"
    assert files["foto.png"].content_type == "image/png"
    stored = files["foto.png"].file.name
    assert stored.startswith("dialog/") and "foto" not in stored
    # Attachments are private: in PRIVATE_ROOT, nowhere under the public MEDIA_ROOT.
    assert (media / "private" / stored).exists()
    assert not (media / "media" / stored).exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("brev.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        (
            "tegning.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/svg+xml",
        ),
        ("billede.png", b"\x89PNG\r\n\x1a\nnot really a png", "image/png"),
        ("halv.pdf", b"%PDF-1.4\n1 0 obj\n", "application/pdf"),
        ("tom.pdf", b"", "application/pdf"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    tree, relative_a, name, content, content_type
):
    with pytest.raises(PostingRefused) as refused:
        start_private(tree, relative_a, attachments=[upload(name, content, content_type)])

    assert "kan ikke vedhæftes" in refused.value.message
    assert not Thread.objects.exists()
    assert not Attachment.objects.exists()


def test_too_big_file_is_refused(tree, relative_a):
    big = b"%PDF-1.4\n" + b"0" * MAX_SIZE + b"\n%%EOF\n"

    with pytest.raises(PostingRefused) as refused:
        start_private(tree, relative_a, attachments=[upload("stor.pdf", big)])
    assert "5 MB" in refused.value.message
    assert not Thread.objects.exists()


def test_more_than_three_files_are_refused(tree, relative_a):
    with pytest.raises(PostingRefused) as refused:
        start_private(tree, relative_a, attachments=[upload(f"{n}.pdf", PDF) for n in range(4)])
    assert "højst 3" in refused.value.message


def test_attachments_are_refused_in_shared_threads(tree, relative_a, staff_a):
    with pytest.raises(PostingRefused):
        start_thread(
            botilbud=tree.home_a,
            author=relative_a,
            kind=Kind.SUGGESTION,
            subject="Tur",
            body="Se planen",
            visibility=Visibility.SHARED,
            attachments=[upload("plan.pdf", PDF)],
        )
    shared = start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.QUESTION,
        subject="Tur",
        body="Hvem vil med?",
        visibility=Visibility.SHARED,
        by_staff=True,
    )
    with pytest.raises(PostingRefused):
        post_message(
            shared, author=staff_a, body="Her", by_staff=True, attachments=[upload("plan.pdf", PDF)]
        )
    assert not Attachment.objects.exists()


def test_attachment_is_served_only_to_readers(client, tree, relative_a, relative_b, staff_a):
    thread = start_private(
        tree, relative_a, attachments=[upload("plan.pdf", PDF), upload("foto.png", png_bytes())]
    )
    pdf = Attachment.objects.get(original_name="plan.pdf")
    png = Attachment.objects.get(original_name="foto.png")

    client.force_login(relative_a)
    response = client.get(reverse("dialog:attachment", args=[pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    image = client.get(reverse("dialog:attachment", args=[png.pk]))
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    # The thread page links to the checked view, never to MEDIA_URL.
    page = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()
    assert reverse("dialog:attachment", args=[pdf.pk]) in page
    assert "/media/" not in page

    client.force_login(relative_b)
    assert client.get(reverse("dialog:attachment", args=[pdf.pk])).status_code == 404
    client.force_login(staff_a)
    assert client.get(reverse("dialog:attachment", args=[pdf.pk])).status_code == 200
    client.logout()
    anonymous = client.get(reverse("dialog:attachment", args=[pdf.pk]))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/dialog/log-ind/?next=")


def test_svg_upload_through_the_form_gets_a_danish_message(client, tree, relative_a):
    client.force_login(relative_a)

    response = client.post(
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        {
            "ny-kind": "question",
            "ny-subject": "Tegning",
            "ny-body": "Se tegningen",
            "ny-visibility": "private",
            "ny-attachments": [upload("tegning.svg", b"<svg onload='alert(1)'/>", "image/svg+xml")],
        },
    )

    assert response.status_code == 400
    assert "vi tager kun imod billeder (fx fotos) og PDF-filer" in response.content.decode()
    assert not Thread.objects.exists()


# --- Size, rate and CSRF -------------------------------------------------------------------


def test_one_megabyte_body_is_refused_with_a_danish_message(client, tree, relative_a):
    client.force_login(relative_a)

    response = client.post(
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        {
            "ny-kind": "question",
            "ny-subject": "Langt",
            "ny-body": "a" * 1_000_000,
            "ny-visibility": "private",
        },
    )

    assert response.status_code == 400
    assert "Beskeden må højst være 10.000 tegn" in response.content.decode()
    assert not Thread.objects.exists()


def test_body_beyond_djangos_upload_limit_gets_a_danish_page(client, tree, relative_a):
    client.force_login(relative_a)
    thread = start_private(tree, relative_a)

    response = client.post(
        reverse("dialog:thread", args=[thread.pk]), {"svar-body": "a" * 3_000_000}
    )

    assert response.status_code == 413
    assert "Det, du sendte, er for stort" in response.content.decode()
    assert thread.messages.count() == 1


def test_posting_is_rate_limited(client, tree, relative_a, settings):
    thread = start_private(tree, relative_a)
    client.force_login(relative_a)
    url = reverse("dialog:thread", args=[thread.pk])

    statuses = [client.post(url, {"svar-body": f"Besked {n}"}).status_code for n in range(31)]

    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
    assert thread.messages.count() == 31
    assert "Vent lidt" in client.post(url, {"svar-body": "igen"}).content.decode()


def test_forms_need_the_csrf_token(tree, relative_a):
    thread = start_private(tree, relative_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(relative_a)

    reply = client.post(reverse("dialog:thread", args=[thread.pk]), {"svar-body": "Hej"})
    new = client.post(
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        {"ny-kind": "question", "ny-subject": "x", "ny-body": "y", "ny-visibility": "private"},
    )

    assert reply.status_code == 403
    assert new.status_code == 403
    assert thread.messages.count() == 1
    assert Thread.objects.count() == 1
    # With the token from the page, the same post goes through.
    page = client.get(reverse("dialog:thread", args=[thread.pk]))
    token = page.cookies["csrftoken"].value
    ok = client.post(
        reverse("dialog:thread", args=[thread.pk]),
        {"svar-body": "Hej", "csrfmiddlewaretoken": token},
    )
    assert ok.status_code == 302
