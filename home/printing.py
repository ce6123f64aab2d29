"""PDFs for the notice board and the post: the week poster and the monthly letter (WeasyPrint).

WeasyPrint is given only ``data:`` URLs: pictograms and photos are read from our own files
and written into the HTML, and its fetcher refuses every other scheme, so making a PDF never
sends a request anywhere (not even to this site).
"""

import base64
import logging

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_PICTURE_BYTES = 2 * 1024 * 1024


class PdfUnavailable(RuntimeError):
    """WeasyPrint's Debian libraries (Pango, see the Makefile's pdf-deps) are missing."""


def _data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def embed_pictures(items: list) -> None:
    """Give each item's picture the ``data:`` sources the PDF shows (``item.pdf_photo``,
    ``item.pdf_pictogram``)."""
    for item in items:
        picture = item.picture
        item.pdf_photo = item.pdf_pictogram = None
        if picture.rendition is not None:
            try:
                with picture.rendition.file.open("rb") as handle:
                    content = handle.read(MAX_PICTURE_BYTES + 1)
            except OSError:
                logger.warning("Rendition %s could not be read for a PDF", picture.rendition.pk)
            else:
                if len(content) <= MAX_PICTURE_BYTES:
                    mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
                    if content[:4] == b"RIFF":
                        mime = "image/webp"
                    item.pdf_photo = _data_uri(content, mime)
        if picture.pictogram_path:
            found = finders.find(picture.pictogram_path)
            if found:
                with open(found, "rb") as handle:
                    item.pdf_pictogram = _data_uri(handle.read(), "image/svg+xml")


def _document(template: str, context: dict, request=None):
    try:
        # Imported here: importing WeasyPrint loads Pango, which only these views need.
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:
        raise PdfUnavailable from error
    html = render_to_string(template, context, request=request)
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=1)
    return HTML(string=html, url_fetcher=fetcher).render()


def render_pdf(template: str, context: dict, request=None) -> bytes:
    return _document(template, context, request).write_pdf()


def render_one_page_pdf(template: str, contexts, request=None) -> tuple[bytes, dict, int]:
    """The PDF of the first of ``contexts`` (an iterable, tried in turn) that sets on one
    page (the last one whatever its length), that context, and how many were laid out (1
    when the first fits)."""
    document = context = None
    tried = 0
    for context in contexts:
        tried += 1
        document = _document(template, context, request)
        if len(document.pages) == 1:
            break
    if document is None:
        raise ValueError("No context to render.")
    return document.write_pdf(), context, tried


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_unavailable_response() -> HttpResponse:
    return HttpResponse(
        _("PDF kan ikke laves på denne server lige nu. Prøv igen senere."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
