"""Digests that read well (issue 11): the call to action matches the event, no link text
repeats the title beside it, and the footer names the sender and how to reach them."""

from bs4 import BeautifulSoup
from wagtail.models import Site

from home.models import MunicipalitySettings
from newsletters.digests import preview_digest

from ..conftest import make_event
from ..test_relatives_only import publish


def event_items(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    items = {}
    for item in soup.select("li"):
        links = [a.get_text(strip=True) for a in item.select("a")]
        if links:
            items[links[0]] = links[1:]
    return items


def test_call_to_action_matches_the_event_and_never_repeats_its_title(tree):
    publish(make_event(tree.home_a, "Bankospil", signup_enabled=True, capacity=20))
    publish(make_event(tree.home_a, "Koncert i haven"))
    preview = preview_digest(tree.home_a)
    items = event_items(preview.html)
    assert items["Bankospil"] == ["Læs mere og tilmeld dig"]
    assert items["Koncert i haven"] == ["Læs mere"]
    assert "tilmeld dig: Bankospil" not in preview.html
    text = preview.text.split("--\n", 1)[0]  # the events, not the footer
    assert "Læs mere og tilmeld dig:" in text.split("Bankospil", 1)[1].split("*", 1)[0]
    concert = text.split("Koncert i haven", 1)[1].split("*", 1)[0]
    assert "Læs mere:" in concert and "tilmeld" not in concert


def test_footer_names_the_municipality_as_sender_and_its_contact(tree):
    settings = MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.municipality = "Tønder Kommune"
    settings.phone = "74 92 92 92"
    settings.email = "samspil@toender.dk"
    settings.save()
    publish(make_event(tree.home_a, "Koncert i haven"))
    preview = preview_digest(tree.home_a)
    for body in (preview.text, preview.html):
        assert "Afsender: Tønder Kommune" in body
        assert "74 92 92 92" in body and "samspil@toender.dk" in body
        assert "fordi du har tilmeldt dig nyhedsbrevet" in body


def test_links_in_the_digest_have_the_municipalitys_link_colour(tree):
    setting = MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    setting.colour_link = "#00594f"
    setting.save()
    make_event(tree.home_a, "Koncert").save_revision().publish()
    html = preview_digest(tree.home_a).html
    assert "color:#00594f" in html.replace(" ", "")
    assert "#0059b3" not in html


def test_the_subscription_mails_have_the_municipalitys_colour_and_site_name(tree):
    from newsletters.mails import subscription_content
    from newsletters.models import DigestMail, Subscriber

    setting = MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    setting.colour_link = "#00594f"
    setting.site_name = "Fællesskab Aabenraa"
    setting.save()
    subscriber = Subscriber.objects.create(email="ny@example.dk")
    for kind in (DigestMail.Kind.CONFIRM, DigestMail.Kind.MANAGE):
        content = subscription_content(subscriber, kind)
        assert "background:#00594f" in content.html.replace(" ", "")
        assert "#0059b3" not in content.html
        assert content.subject.endswith("fra Fællesskab Aabenraa")
