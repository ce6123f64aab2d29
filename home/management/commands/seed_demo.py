"""Demo content for Tønder Kommune: homes, news, events, partners, volunteer calls and users.

For development and demonstrations only: the users it creates have known passwords, so the
command refuses to run unless ``DEBUG`` is on (or ``--force`` is given).

It is idempotent. Pages are looked up by slug under their parent, organisations by slug, users by
username and images by title; anything that already exists is left exactly as it is. Event times
are relative to the moment of the first run, so a fresh database always has upcoming events.
Images are drawn locally with Pillow; nothing is downloaded.
"""

import datetime as dt
import functools
import html
import io
import logging
import random
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site
from wagtail.utils.file import hash_filelike

from home.models import (
    BotilbudPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsPage,
    Organisation,
    OrganisationIndexPage,
    StandardPage,
    VolunteerCallPage,
)
from home.services import ensure_home_staff_access

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "samspil-admin"  # noqa: S105 - dev-only demo credential, printed on purpose
STAFF_PASSWORD = "samspil-demo"  # noqa: S105 - dev-only demo credential, printed on purpose
# Reserved top-level domain (RFC 2606): demo addresses can never reach a real mailbox.
MAIL_DOMAIN = "toender.example"
SHARED_COLLECTION = "Fælles billeder"
MUNICIPALITY_PHONE = "74 92 92 92"
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

# --------------------------------------------------------------------------------------------
# Small helpers for rich text and slugs
# --------------------------------------------------------------------------------------------

_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slug(text: str) -> str:
    """ASCII slug the Danish way: "Solgården" becomes "solgaarden"."""
    return slugify(text.translate(_DANISH_LETTERS))[:80].strip("-")


def p(*texts: str) -> str:
    return "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in texts)


def h2(text: str) -> str:
    return f"<h2>{html.escape(text, quote=False)}</h2>"


def ul(*items: str) -> str:
    items_html = "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in items)
    return f"<ul>{items_html}</ul>"


def text_block(*parts: str) -> dict:
    return {"type": "text", "value": "".join(parts), "id": str(uuid.uuid4())}


def danish_date(day: dt.date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


# --------------------------------------------------------------------------------------------
# The content
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Img:
    """A picture to draw: its title doubles as alt text, so it describes what is shown."""

    title: str
    caption: str


PALETTES = {
    "solgaarden": ("#fde8b0", "#f7b267", "#c8553d"),
    "engbo": ("#d6ebff", "#7fb3e6", "#2f5d8a"),
    "marskhuset": ("#e3f1e0", "#a8cfa0", "#3e7a4f"),
    "klostervaenget": ("#efe7f8", "#b9a4d9", "#5b4a8a"),
    "toftehoej": ("#f5fad6", "#bfe3a0", "#4f8a3c"),
    "shared": ("#e6f0f5", "#9cc3d5", "#2d6a7f"),
}

ORGANISATIONS = [
    {
        "slug": "toender-idraetsforening",
        "name": "Tønder Idrætsforening",
        "kind": Organisation.Kind.ASSOCIATION,
        "description": (
            "Idrætsforening med badminton, håndbold, fodbold og motion for alle aldre. "
            "Foreningen har et hold i badminton og et gå-fodboldhold, hvor beboere fra "
            "botilbuddene spiller sammen med byens øvrige medlemmer."
        ),
        "website": "https://www.toender-if.dk",
        "contact_name": "Henrik Sørensen",
        "contact_email": f"formand@tif.{MAIL_DOMAIN}",
        "contact_phone": "21 43 65 87",
        "logo": ("TIF", "#1d5fa8"),
    },
    {
        "slug": "lev-toender",
        "name": "LEV Tønder",
        "kind": Organisation.Kind.INTEREST,
        "description": (
            "Lokalafdelingen af LEV – Landsforeningen for mennesker med udviklingshæmning og "
            "deres pårørende. LEV Tønder holder temaaftener om fx værgemål, økonomi og "
            "rettigheder og er et netværk for forældre, søskende og andre pårørende."
        ),
        "website": "https://www.lev.dk",
        "contact_name": "Birgit Hansen",
        "contact_email": f"toender@lev.{MAIL_DOMAIN}",
        "contact_phone": "29 84 11 52",
    },
    {
        "slug": "sind-soenderjylland",
        "name": "SIND Sønderjylland",
        "kind": Organisation.Kind.INTEREST,
        "description": (
            "SIND er landsforeningen for psykisk sundhed. Kredsen i Sønderjylland driver "
            "pårørendegrupper og rådgivning for mennesker med psykisk sygdom og deres pårørende."
        ),
        "website": "https://www.sind.dk",
        "contact_name": "Lone Christensen",
        "contact_email": f"soenderjylland@sind.{MAIL_DOMAIN}",
        "contact_phone": "40 17 23 96",
    },
    {
        "slug": "hjerneskadeforeningen-soenderjylland",
        "name": "Hjerneskadeforeningen Sønderjylland",
        "kind": Organisation.Kind.INTEREST,
        "description": (
            "Lokalforening for mennesker med erhvervet hjerneskade og deres pårørende. "
            "Foreningen holder hjernecaféer, hvor man kan møde andre i samme situation."
        ),
        "website": "https://www.hjerneskadeforeningen.dk",
        "contact_name": "Poul Erik Jessen",
        "contact_email": f"soenderjylland@hjerneskade.{MAIL_DOMAIN}",
        "contact_phone": "23 56 90 14",
    },
    {
        "slug": "toender-kirkekor",
        "name": "Tønder Kirkekor",
        "kind": Organisation.Kind.ASSOCIATION,
        "description": (
            "Blandet kor med omkring 30 sangere, der synger ved gudstjenester og koncerter. "
            "Koret besøger jævnligt botilbuddene og synger fællessang med beboerne."
        ),
        "website": "https://www.toenderkirkekor.dk",
        "contact_name": "Inger Marie Thomsen",
        "contact_email": f"kor@kirke.{MAIL_DOMAIN}",
        "contact_phone": "51 22 73 40",
        "logo": ("TK", "#7a2e5a"),
    },
    {
        "slug": "frivilligcenter-toender",
        "name": "Frivilligcenter Tønder",
        "kind": Organisation.Kind.VOLUNTEER,
        "description": (
            "Frivilligcentret hjælper foreninger og botilbud med at finde frivillige og "
            "hjælper dig, der gerne vil gøre en forskel, med at finde det rette sted. "
            "Kig forbi til en kop kaffe og en snak om mulighederne."
        ),
        "website": "https://www.frivilligcentertoender.dk",
        "contact_name": "Sofie Mikkelsen",
        "contact_email": f"kontakt@frivilligcenter.{MAIL_DOMAIN}",
        "contact_phone": "74 72 10 30",
        "logo": ("FC", "#d2691e"),
    },
    {
        "slug": "toender-bibliotek",
        "name": "Tønder Bibliotek",
        "kind": Organisation.Kind.PUBLIC,
        "description": (
            "Biblioteket låner lokaler og udstillingsvægge ud og holder højtlæsning og "
            "fortællecaféer, som også er tilrettelagt for beboere på botilbuddene."
        ),
        "website": "https://www.tonderbib.dk",
        "contact_name": "Rikke Andersen",
        "contact_email": f"bibliotek@{MAIL_DOMAIN}",
        "contact_phone": "74 92 93 00",
    },
    {
        "slug": "skaerbaek-cykel-og-fritid",
        "name": "Skærbæk Cykel & Fritid",
        "kind": Organisation.Kind.COMPANY,
        "description": (
            "Lokal cykelforretning, der udlejer tandemcykler og el-ladcykler og arrangerer "
            "guidede ture langs Vadehavet. Hjælper Engbo med reservedele til cykelværkstedet."
        ),
        "website": "https://www.skaerbaekcykel.dk",
        "contact_name": "Mads Lorenzen",
        "contact_email": f"butik@skaerbaekcykel.{MAIL_DOMAIN}",
        "contact_phone": "74 75 12 34",
        "logo": ("SC", "#2e7d32"),
    },
    {
        "slug": "toftlund-planteskole",
        "name": "Toftlund Planteskole",
        "kind": Organisation.Kind.COMPANY,
        "description": (
            "Familieejet planteskole, der har sponsoreret planter til orangeriet på Toftehøj "
            "og hjælper med plantedage, hvor beboere, pårørende og naboer planter sammen."
        ),
        "website": "https://www.toftlundplanteskole.dk",
        "contact_name": "Jens Peter Schmidt",
        "contact_email": f"info@planteskole.{MAIL_DOMAIN}",
        "contact_phone": "74 83 15 60",
        "logo": ("TP", "#5d7c1f"),
    },
]


def _event(title: str, days: int, **fields) -> dict:
    return {"title": title, "days": days, **fields}


HOMES = [
    {
        "slug": "solgaarden",
        "title": "Solgården",
        "intro": (
            "Solgården er et længerevarende botilbud i den nordlige del af Tønder med 24 "
            "lejligheder fordelt på tre huse omkring en stor fælles have. Her er plads til både "
            "fællesskab og ro."
        ),
        "target_group": (
            "Voksne med udviklingshæmning, som har brug for støtte hele døgnet.\n"
            "Mange af beboerne kommunikerer med tegn, billeder eller kropssprog."
        ),
        "body": h2("Hverdagen på Solgården")
        + p(
            "Dagen følger en fast rytme med plads til den enkelte. Nogle beboere går i "
            "beskyttet beskæftigelse i byen, andre arbejder i vores eget værksted eller i haven. "
            "Om eftermiddagen er der tid til gåture, musik og hygge i fællesstuen.",
            "Vi lægger vægt på et tæt samarbejde med pårørende og netværk. Du er altid velkommen "
            "til at ringe eller kigge forbi, og to gange om året holder vi pårørendemøde.",
        )
        + h2("Sådan arbejder vi")
        + ul(
            "Hver beboer har en kontaktperson og en pædagogisk plan, som vi laver sammen med "
            "beboeren og de pårørende.",
            "Vi bruger Tegn til Tale og piktogrammer i hverdagen.",
            "Vi samarbejder med foreninger i Tønder, så beboerne kan være en del af byens liv.",
        ),
        "street_address": "Ribelandevej 42",
        "postal_code": "6270",
        "city": "Tønder",
        "phone": "74 92 81 10",
        "visiting_info": (
            "Du er velkommen hele dagen, men ring gerne, før du kommer, så beboeren er hjemme.\n"
            "Parkering ved hovedindgangen. Ring på klokken ved hus B, hvis døren er låst."
        ),
        "facilities": [
            ("Sansehave", "Hævede bede med krydderurter, stier til kørestole og bænke.", True),
            ("Spabad med lift", "Varmtvandsbassin til afslapning og træning.", True),
            ("Værksted", "Træ- og keramikværksted med brændeovn til keramik.", False),
            ("Bålhytte", "Overdækket bålhytte med plads til 30 personer.", True),
        ],
        "image": Img("Solgården set fra haven med de tre huse", "Solgården · Haven"),
        "staff": ("Mette", "Lund Jensen"),
        "news": [
            {
                "title": "Sansehaven er klar – også til andre",
                "days_ago": 5,
                "intro": (
                    "Efter et halvt års arbejde er sansehaven færdig. Beboere, pårørende og "
                    "frivillige har bygget højbede, lagt stier og plantet duftende urter."
                ),
                "text": p(
                    "Haven er indrettet, så man kan komme rundt i kørestol, og bedene er hævet, "
                    "så alle kan røre, dufte og smage.",
                    "Tak til de mange pårørende og frivillige, der har givet en hånd med. Andre "
                    "botilbud, foreninger og dagtilbud er velkomne til at låne haven – ring til "
                    "os og aftal et tidspunkt.",
                ),
                "image": Img("Sansehaven på Solgården med højbede og bænke", "Den nye sansehave"),
                "gallery": [
                    Img("Højbede med krydderurter i sansehaven på Solgården", "Krydderurter"),
                    Img("Beboer og frivillig vander planter i sansehaven", "Vanding"),
                ],
            },
            {
                "title": "Tak for besøget, Tønder Kirkekor",
                "days_ago": 18,
                "intro": (
                    "Fællesstuen var fyldt, da Tønder Kirkekor kom forbi og sang med beboerne. "
                    "Koret kommer igen – se datoen i kalenderen."
                ),
                "text": p(
                    "Koret havde valgt sange, som mange af beboerne kender, og flere sang "
                    "med på både »Jeg ved en lærkerede« og »Du kom med alt det der var dig«.",
                    "Pårørende er meget velkomne næste gang. Der er kaffe bagefter.",
                ),
                "image": Img(
                    "Kormedlemmer og beboere synger sammen i fællesstuen på Solgården",
                    "Fællessang med Tønder Kirkekor",
                ),
                "body_image": Img(
                    "Beboer spiller på rytmeæg sammen med Tønder Kirkekor", "Rytmeæg og tromme"
                ),
            },
            {
                "title": "Ny minibus giver flere ture ud af huset",
                "days_ago": 33,
                "intro": (
                    "Solgården har fået en ny minibus med plads til to kørestole. Det betyder "
                    "flere ture til byen, stranden og foreningslivet."
                ),
                "text": p(
                    "Bussen er købt for penge fra en fondsansøgning, som en gruppe pårørende "
                    "skrev sammen med personalet. Tusind tak for indsatsen.",
                    "Har du idéer til ture, eller vil du med som frivillig chauffør? Så tal med "
                    "personalet eller skriv til os i dialogen.",
                ),
                "image": Img("Solgårdens nye minibus med plads til kørestole", "Den nye minibus"),
            },
        ],
        "events": [
            _event(
                "Eftermiddagskaffe i fællesstuen",
                0,
                time=(15, 0),
                hours=1,
                audience="residents",
                location="Fællesstuen, Solgården",
                intro="Kaffe, te og kage i fællesstuen. Pårørende er velkomne til at kigge ind.",
                easy_read="Vi drikker kaffe og spiser kage i fællesstuen.",
                pictogram="kaffe",
                access=("step_free", "accessible_toilet"),
            ),
            _event(
                "Fællessang med Tønder Kirkekor",
                4,
                time=(15, 0),
                hours=1.5,
                audience="public",
                signup={"capacity": 40, "max_party_size": 4},
                organiser="toender-kirkekor",
                external_url="https://www.toenderkirkekor.dk/koncerter",
                location="Fællesstuen, Solgården",
                intro=(
                    "Tønder Kirkekor synger kendte sange fra Højskolesangbogen sammen med "
                    "beboerne – og alle andre, der har lyst til at synge med."
                ),
                text=p("Der er kaffe og kage bagefter. Sanghæfter med store bogstaver."),
                easy_read="Koret kommer. Vi synger sange sammen.",
                pictogram="sang",
                access=("step_free", "accessible_toilet", "hearing_loop"),
                image=Img("Tønder Kirkekor synger for beboerne på Solgården", "Fællessang"),
            ),
            _event(
                "Pårørendeaften: Hverdagen på Solgården",
                16,
                time=(19, 0),
                hours=2,
                audience="relatives",
                signup={"capacity": 30, "max_party_size": 3},
                location="Fællesstuen, Solgården",
                intro=(
                    "Vi fortæller om det seneste halve år, præsenterer nye medarbejdere og vil "
                    "gerne høre jeres ønsker og idéer til det kommende år."
                ),
                text=p(
                    "Aftenen er for pårørende og netværk. Der er kaffe og kage.",
                    "Har du spørgsmål, du gerne vil have taget op, kan du skrive dem i "
                    "dialogen inden mødet.",
                ),
                access=("step_free", "accessible_toilet", "hearing_loop"),
            ),
            _event(
                "Bålaften med snobrød",
                30,
                time=(17, 0),
                hours=2.5,
                audience="residents",
                location="Bålhytten, Solgården",
                intro="Vi tænder bål i bålhytten, bager snobrød og synger et par sange.",
                easy_read="Vi laver bål og bager snobrød.",
                pictogram="baal",
                text=p("Tag varmt tøj på. Vi har tæpper til dem, der fryser."),
                access=("step_free",),
                accessibility_notes="Grusstien til bålhytten kan køres med kørestol.",
            ),
            _event(
                "Temaaften: Værgemål og økonomi",
                38,
                time=(19, 0),
                hours=2,
                audience="relatives",
                signup={"capacity": 2, "max_party_size": 2, "deadline_days": 35},
                organiser="lev-toender",
                external_url="https://www.lev.dk/arrangementer",
                location="Fællesstuen, Solgården",
                intro=(
                    "LEV Tønder fortæller om værgemål, fremtidsfuldmagt og økonomi – og om, hvad "
                    "man som pårørende skal være opmærksom på."
                ),
                text=p("Der er god tid til spørgsmål. Tilmelding til LEV Tønder."),
                access=("step_free", "accessible_toilet", "hearing_loop"),
            ),
        ],
        "call": {
            "title": "Cykelven til vores tandemcykel",
            "summary": (
                "Vi søger frivillige, der vil tage en beboer med på tandemcykeltur en gang om "
                "ugen – rundt om Tønder eller ud til diget."
            ),
            "body": p(
                "Flere af vores beboere elsker at cykle, men kan ikke cykle selv. Med vores "
                "tandemcykel kan de komme ud og mærke vinden."
            )
            + ul(
                "Du cykler foran, beboeren bagpå.",
                "Vi viser dig cyklen og fortæller om beboeren, før I kører første gang.",
                "Du bestemmer selv, hvor ofte du har tid.",
            ),
            "when": "Onsdage kl. 14–16 eller efter aftale",
            "people_needed": 2,
            "skills": "kan lide at cykle og er god til at tage tingene i et roligt tempo.",
            "expires_in_days": 40,
        },
    },
    {
        "slug": "engbo",
        "title": "Engbo",
        "intro": (
            "Engbo i Skærbæk er et botilbud for unge voksne med autisme. Vi har 12 lejligheder "
            "og et stort fællesrum, og vi arbejder med at gøre hverdagen forudsigelig og tryg."
        ),
        "target_group": (
            "Unge voksne mellem 18 og 30 år med autisme, som har brug for støtte til at få "
            "hverdagen, uddannelse eller arbejde og fritid til at hænge sammen."
        ),
        "body": h2("Et hjem med struktur og frihed")
        + p(
            "På Engbo har hver beboer sin egen lejlighed med køkken og bad. Vi bruger visuelle "
            "dagsplaner og aftaler, og vi forbereder altid ændringer i god tid.",
            "Mange af beboerne går i skole, på STU eller i praktik. I fritiden er der "
            "brætspil, gaming, cykelværksted og ture ud i naturen.",
        )
        + h2("Pårørende og netværk")
        + p(
            "Vi holder pårørende orienteret gennem nyhedsbrevet og dialogen her på Samspil, "
            "og vi aftaler med hver beboer, hvad der må deles.",
        ),
        "street_address": "Engvej 12",
        "postal_code": "6780",
        "city": "Skærbæk",
        "phone": "74 92 82 20",
        "visiting_info": (
            "Aftal gerne besøget med beboeren først – mange har brug for at vide det i forvejen.\n"
            "Gæsteparkering ved cykelskuret."
        ),
        "facilities": [
            ("Cykelværksted", "Værksted med værktøj og reservedele. Åbent for naboer.", True),
            ("Musikrum", "Lydisoleret rum med trommer, guitar og keyboard.", True),
            ("Stillerum", "Et skærmet rum med dæmpet lys til at trække sig tilbage.", False),
        ],
        "image": Img("Engbos hovedindgang og cykelskur i Skærbæk", "Engbo · Skærbæk"),
        "staff": ("Jonas", "Hansen"),
        "news": [
            {
                "title": "Cykelværkstedet har fået ny arbejdsbænk",
                "days_ago": 3,
                "intro": (
                    "Takket være Skærbæk Cykel & Fritid har cykelværkstedet fået en ny "
                    "arbejdsbænk og en væg med værktøj."
                ),
                "text": p(
                    "Værkstedet er åbent tirsdag og torsdag eftermiddag. Naboer er velkomne "
                    "til at få hjælp til at lappe en slange eller justere bremser.",
                ),
                "image": Img("Beboer reparerer en cykel i Engbos cykelværksted", "Cykelværkstedet"),
                "body_image": Img(
                    "Nyt værktøj hænger klar på væggen i cykelværkstedet", "Værktøjsvæggen"
                ),
            },
            {
                "title": "Brætspilsaftenerne er et hit",
                "days_ago": 15,
                "intro": (
                    "Hver anden torsdag spiller beboere, pårørende og naboer brætspil i "
                    "fællesrummet. Sidste gang var vi 18."
                ),
                "text": p(
                    "Vi har efterhånden over 40 spil på hylden. Favoritterne lige nu er "
                    "Ticket to Ride og Codenames.",
                    "Alle er velkomne – også hvis du aldrig har spillet før.",
                ),
                "image": Img("Brætspilsaften i Engbos fællesrum", "Brætspilsaften"),
                "gallery": [
                    Img("Spillebrikker og terninger på bordet i fællesrummet", "Spillebrikker"),
                    Img("Beboere og pårørende spiller brætspil sammen", "Et spil i gang"),
                ],
            },
            {
                "title": "Vi har indrettet et nyt stillerum",
                "days_ago": 29,
                "intro": (
                    "Det gamle depot er blevet til et stillerum med dæmpet lys, lænestol og "
                    "tyngdedyne, hvor man kan få en pause fra indtryk."
                ),
                "text": p(
                    "Beboerne har selv været med til at vælge farver og møbler. Rummet kan "
                    "bookes på tavlen ved køkkenet.",
                ),
                "image": Img(
                    "Det nye stillerum på Engbo med dæmpet lys og lænestol", "Stillerummet"
                ),
            },
        ],
        "events": [
            _event(
                "Badminton for alle",
                6,
                time=(18, 30),
                hours=2,
                audience="public",
                organiser="toender-idraetsforening",
                external_url="https://www.toender-if.dk/badminton",
                location="Tønder Sportscenter, hal 2",
                address="Tønder",
                intro=(
                    "Tønder Idrætsforening inviterer til badminton, hvor alle kan være med – "
                    "uanset niveau. Ketsjere kan lånes."
                ),
                text=p("Engbo kører i minibus fra Skærbæk kl. 17.45. Sig til, hvis du vil med."),
                access=("step_free", "accessible_toilet"),
            ),
            _event(
                "Brætspilsaften på Engbo",
                12,
                time=(19, 0),
                hours=3,
                audience="relatives",
                location="Fællesrummet, Engbo",
                intro="Pårørende og venner er velkomne til en aften med brætspil og te.",
                text=p("Tag gerne dit eget yndlingsspil med."),
                access=("step_free", "quiet_room"),
                accessibility_notes=(
                    "Stillerummet er åbent hele aftenen, hvis du har brug for en pause."
                ),
            ),
            _event(
                "Cykeltur langs Vadehavet",
                25,
                time=(10, 0),
                hours=5,
                audience="public",
                organiser="skaerbaek-cykel-og-fritid",
                external_url="https://www.skaerbaekcykel.dk/ture",
                location="Skærbæk Cykel & Fritid",
                address="Skærbæk",
                intro=(
                    "En rolig tur på cirka 30 kilometer langs diget med frokostpause "
                    "undervejs. Beboere, pårørende og naboer cykler sammen."
                ),
                text=p("Husk madpakke og vand. Turen aflyses ved kraftig regn eller storm."),
                access=(),
                accessibility_notes=(
                    "Der er tandemcykler og en el-ladcykel. Sig til ved tilmelding, hvis du har "
                    "brug for en af dem."
                ),
            ),
        ],
        "call": {
            "title": "Makker til brætspil og rollespil",
            "summary": (
                "Vi søger frivillige, der har lyst til at spille brætspil eller rollespil med "
                "beboerne en aften om ugen."
            ),
            "body": p(
                "Du behøver ikke være ekspert. Det vigtigste er, at du er tålmodig og kan lide "
                "at forklare regler – gerne mere end én gang."
            ),
            "when": "Torsdage kl. 19–21",
            "people_needed": 2,
            "skills": "kan lide spil, er rolig og forudsigelig i din måde at være på.",
            "expires_in_days": None,
        },
    },
    {
        "slug": "marskhuset",
        "title": "Marskhuset",
        "intro": (
            "Marskhuset i Bredebro er et botilbud for voksne med erhvervet hjerneskade. Vi har "
            "16 boliger og arbejder med genoptræning og et meningsfuldt hverdagsliv."
        ),
        "target_group": (
            "Voksne med erhvervet hjerneskade, fx efter en blodprop, en ulykke eller en "
            "hjernebetændelse, som har brug for støtte og træning i hverdagen."
        ),
        "body": h2("Træning i hverdagen")
        + p(
            "Hos os er træning en del af hverdagen: at lave mad, gå tur, handle og være sammen "
            "med andre. Vi har fysioterapeut og ergoterapeut tilknyttet huset.",
            "Mange pårørende oplever, at livet har ændret sig meget. Vi vil gerne hjælpe også "
            "jer, og vi samarbejder med Hjerneskadeforeningen om pårørendetilbud.",
        ),
        "street_address": "Søndergade 8",
        "postal_code": "6261",
        "city": "Bredebro",
        "phone": "74 92 83 30",
        "visiting_info": (
            "Besøg er velkomne alle dage. Mange beboere bliver hurtigt trætte, så korte besøg "
            "er ofte bedst.\nHandicapparkering lige ved indgangen."
        ),
        "facilities": [
            ("Træningssal", "Motionscykler, ribbe og balancebaner.", True),
            ("Spabad", "Spabad med lift til afspænding og træning.", True),
            ("Køkkenhave", "Højbede og drivhus, som beboerne passer sammen.", False),
        ],
        "image": Img("Marskhuset med udsigt over marsken i Bredebro", "Marskhuset · Bredebro"),
        "staff": ("Karen", "Petersen"),
        "news": [
            {
                "title": "Træningssalen er åben for andre",
                "days_ago": 8,
                "intro": (
                    "Beboere fra de andre botilbud i kommunen kan nu bruge Marskhusets "
                    "træningssal tirsdag og torsdag formiddag."
                ),
                "text": p(
                    "Det er en del af kommunens arbejde med at dele faciliteter mellem "
                    "botilbuddene. Book en tid hos vores fysioterapeut.",
                ),
                "image": Img(
                    "Motionscykler og ribbe i træningssalen på Marskhuset", "Træningssalen"
                ),
                "body_image": Img("Fysioterapeut og beboer træner balance", "Balancetræning"),
            },
            {
                "title": "Fællesspisning med pårørende",
                "days_ago": 21,
                "intro": (
                    "Over 40 beboere og pårørende spiste sammen, da køkkenet inviterede til "
                    "fællesspisning med grøntsager fra vores egen køkkenhave."
                ),
                "text": p(
                    "Beboerne havde selv været med til at lave maden. Næste fællesspisning "
                    "bliver annonceret i kalenderen.",
                ),
                "image": Img("Fællesspisning med pårørende på Marskhuset", "Fællesspisning"),
                "gallery": [
                    Img(
                        "Langt bord dækket op til fællesspisning på Marskhuset",
                        "Bordet er dækket",
                    ),
                    Img("Pårørende og beboere hjælper med opvasken", "Hjælp til opvasken"),
                ],
            },
            {
                "title": "Nyt samarbejde med Hjerneskadeforeningen",
                "days_ago": 36,
                "intro": (
                    "Hjerneskadeforeningen Sønderjylland holder fremover hjernecafé for "
                    "pårørende på Marskhuset en gang om måneden."
                ),
                "text": p(
                    "Caféen er et sted, hvor pårørende kan møde andre i samme situation og få "
                    "råd fra frivillige, der selv har prøvet det.",
                ),
                "image": Img(
                    "Frivillige fra Hjerneskadeforeningen på besøg på Marskhuset", "Hjernecafé"
                ),
            },
        ],
        "events": [
            _event(
                "Hjernecafé for pårørende",
                9,
                time=(16, 0),
                hours=2,
                audience="relatives",
                organiser="hjerneskadeforeningen-soenderjylland",
                external_url="https://www.hjerneskadeforeningen.dk/arrangementer",
                location="Caféen, Marskhuset",
                intro=(
                    "Mød andre pårørende til mennesker med erhvervet hjerneskade over en kop "
                    "kaffe. Frivillige fra Hjerneskadeforeningen er værter."
                ),
                text=p("Ingen tilmelding – kom, når det passer dig."),
                access=("step_free", "accessible_toilet", "hearing_loop", "quiet_room"),
            ),
            _event(
                "Åbent hus i træningssalen",
                20,
                time=(10, 0),
                hours=4,
                audience="public",
                location="Træningssalen, Marskhuset",
                intro=(
                    "Kom og se træningssalen, prøv udstyret og hør, hvordan andre botilbud og "
                    "foreninger kan låne den."
                ),
                text=p("Vores fysioterapeut viser rundt kl. 10.30 og kl. 12.30."),
                access=("step_free", "accessible_toilet"),
            ),
            _event(
                "Spabad-aften på tværs af botilbud",
                33,
                time=(18, 0),
                hours=2,
                audience="residents",
                location="Spabadet, Marskhuset",
                intro=(
                    "Beboere fra kommunens botilbud er inviteret til en aften i spabadet med "
                    "rolig musik og frugt bagefter."
                ),
                text=p("Husk badetøj og håndklæde. Personale fra eget botilbud følger med."),
                access=("step_free", "accessible_toilet", "quiet_room"),
                image=Img("Spabadet på Marskhuset med lift og dæmpet lys", "Spabadet"),
            ),
        ],
        "call": {
            "title": "Hjælp til køkkenhaven",
            "summary": (
                "Har du grønne fingre? Vi søger frivillige, der vil passe køkkenhaven og "
                "drivhuset sammen med beboerne."
            ),
            "body": p(
                "Arbejdet i haven er god træning for beboerne, men de har brug for en, der kan "
                "planlægge og vise vej. Du bestemmer selv, hvor meget tid du har."
            ),
            "when": "Et par timer om ugen, når det passer dig",
            "people_needed": 3,
            "skills": "har erfaring med køkkenhave og kan lide at arbejde sammen med andre.",
            "expires_in_days": 30,
        },
    },
    {
        "slug": "klostervaenget",
        "title": "Klostervænget",
        "intro": (
            "Klostervænget i Løgumkloster er et socialpsykiatrisk botilbud med 14 boliger. Vi "
            "støtter beboerne i at komme sig og leve et så selvstændigt liv som muligt."
        ),
        "target_group": (
            "Voksne med psykiske lidelser som skizofreni, bipolar lidelse eller svær "
            "depression, som i en periode har brug for et trygt sted at bo og støtte hele døgnet."
        ),
        "body": h2("Recovery og fællesskab")
        + p(
            "Vi arbejder recovery-orienteret: beboeren sætter selv sine mål, og vi støtter "
            "vejen derhen. Det kan være at få en god døgnrytme, lave mad, komme i gang med en "
            "uddannelse eller genoptage kontakten til familien.",
            "Fællesskabet er frivilligt. Der er fælles aftensmad hver dag, og hver uge går vi "
            "en tur sammen eller maler i det kreative værksted.",
        ),
        "street_address": "Markedsgade 15",
        "postal_code": "6240",
        "city": "Løgumkloster",
        "phone": "74 92 84 40",
        "visiting_info": (
            "Besøg aftales med beboeren. Ring til vagttelefonen, hvis du er i tvivl.\n"
            "Parkering på gaden foran huset."
        ),
        "facilities": [
            ("Kreativt værksted", "Staffelier, maling og ler. Åbent for frivillige.", True),
            ("Fælleskøkken", "Stort køkken til madlavning og fællesspisning.", False),
            ("Bålhytte", "Lille bålhytte i haven med plads til 15 personer.", True),
            ("Motionsrum", "Løbebånd, romaskine og vægte.", False),
        ],
        "image": Img("Klostervænget og haven med bålhytten i Løgumkloster", "Klostervænget"),
        "staff": ("Lars", "Nielsen"),
        "news": [
            {
                "title": "Kreativt værksted udstiller på biblioteket",
                "days_ago": 6,
                "intro": (
                    "Malerier fra Klostervængets kreative værksted bliver en del af "
                    "udstillingen »Kunst fra botilbuddene« på Tønder Bibliotek."
                ),
                "text": p(
                    "Seks beboere har malet til udstillingen. Flere af dem har aldrig vist "
                    "deres billeder frem før, og de glæder sig – og er lidt nervøse.",
                ),
                "image": Img("Beboernes malerier klar til udstilling", "Klar til udstilling"),
                "gallery": [
                    Img("Malerier fra Klostervængets kreative værksted", "Malerier"),
                    Img("Beboer maler på lærred i det kreative værksted", "I værkstedet"),
                ],
            },
            {
                "title": "Fælleskøkkenet er sat i stand",
                "days_ago": 19,
                "intro": (
                    "Efter tre ugers ombygning er fælleskøkkenet klar med nye borde, "
                    "hæve-sænke-køkkenbord og bedre lys."
                ),
                "text": p(
                    "Beboerne har været med til at planlægge køkkenet, og det kan mærkes: der er "
                    "plads til, at flere kan lave mad på samme tid.",
                ),
                "image": Img("Beboere laver mad sammen i fælleskøkkenet", "Madlavning"),
                "body_image": Img(
                    "Det istandsatte fælleskøkken på Klostervænget", "Det nye fælleskøkken"
                ),
            },
            {
                "title": "Pårørendegruppe starter i samarbejde med SIND",
                "days_ago": 40,
                "intro": (
                    "SIND Sønderjylland og Klostervænget starter en pårørendegruppe for dig, "
                    "der har en, du holder af, med en psykisk sygdom."
                ),
                "text": p(
                    "Gruppen mødes en gang om måneden og ledes af to frivillige fra SIND. Du "
                    "behøver ikke være pårørende til en beboer på Klostervænget for at deltage.",
                ),
                "image": Img(
                    "Kaffe og stole klar til pårørendegruppen på Klostervænget", "Pårørendegruppe"
                ),
            },
        ],
        "events": [
            _event(
                "Pårørendegruppe: Når en, du holder af, har en psykisk sygdom",
                7,
                time=(19, 0),
                hours=2,
                audience="relatives",
                organiser="sind-soenderjylland",
                external_url="https://www.sind.dk/paaroerende",
                location="Mødelokalet, Klostervænget",
                intro=(
                    "En samtalegruppe for pårørende, ledet af frivillige fra SIND. Her kan du "
                    "dele erfaringer og få redskaber til at passe på dig selv."
                ),
                text=p("Tavshedspligt gælder for alle i gruppen. Tilmelding til SIND."),
                access=("step_free", "hearing_loop", "quiet_room"),
            ),
            _event(
                "Fælles gåtur i Løgumkloster",
                13,
                time=(10, 0),
                hours=1.5,
                audience="public",
                organiser="frivilligcenter-toender",
                external_url="https://www.frivilligcentertoender.dk/gaafaellesskab",
                location="Foran Klostervænget",
                intro=(
                    "Frivilligcentrets gåfællesskab går en tur på cirka fem kilometer med "
                    "beboere fra Klostervænget. Alle kan gå med."
                ),
                text=p("Vi slutter med kaffe i haven."),
                access=(),
                accessibility_notes="Ruten går ad fortov og grusstier. Der er bænke undervejs.",
            ),
            _event(
                "Kreativ eftermiddag: Vi maler på lærred",
                27,
                time=(14, 0),
                hours=2,
                audience="residents",
                location="Det kreative værksted, Klostervænget",
                intro="Vi maler med akryl på lærred. Materialer er til stede.",
                text=p("Ingen forudsætninger – det handler om at have det sjovt med farverne."),
                access=("step_free",),
            ),
        ],
        "call": {
            "title": "Gåmakker til fælles gåture",
            "summary": (
                "Vi søger frivillige, der vil gå med på vores faste gåture og være en god "
                "samtalepartner undervejs."
            ),
            "body": p(
                "En gåtur er en god måde at få talt sammen på. Du skal ikke være behandler – "
                "bare være dig selv og have lyst til at gå."
            ),
            "when": "Tirsdage og fredage kl. 10–11.30",
            "people_needed": 2,
            "skills": "er en god lytter og kan lide at gå i al slags vejr.",
            "expires_in_days": None,
        },
    },
    {
        "slug": "toftehoej",
        "title": "Toftehøj",
        "intro": (
            "Toftehøj i Toftlund er et botilbud for voksne med svære fysiske og psykiske "
            "funktionsnedsættelser. Vi har 18 boliger, et stort orangeri og et sanserum."
        ),
        "target_group": (
            "Voksne med svære, sammensatte funktionsnedsættelser, som har brug for hjælp til "
            "alt i hverdagen – fra personlig pleje til kommunikation."
        ),
        "body": h2("Sanser, ro og nærvær")
        + p(
            "Mange af beboerne har ikke et talesprog. Vi lærer hver enkelt at kende gennem "
            "blikke, lyde og kropssprog, og vi bruger sanserum, musik og natur i hverdagen.",
            "Orangeriet er husets hjerte. Her spiser vi, hører musik og nyder lyset hele året.",
        ),
        "street_address": "Østergade 20",
        "postal_code": "6520",
        "city": "Toftlund",
        "phone": "74 92 85 50",
        "visiting_info": (
            "Du er velkommen alle dage kl. 9–20. Ring på ved hovedindgangen.\n"
            "Der er handicapparkering og ladestander til el-kørestole."
        ),
        "facilities": [
            ("Orangeri", "Lyst orangeri med citrontræer og plads til 40 personer.", True),
            ("Spabad med loftlift", "Stort spabad med loftlift og farvelys.", True),
            ("Sanserum", "Snoezelrum med lys, lyd, vibrationer og vandseng.", False),
            ("Terrasse", "Overdækket terrasse med plads til senge og kørestole.", False),
        ],
        "image": Img("Toftehøj med orangeriet i solskin", "Toftehøj · Toftlund"),
        "staff": ("Anne Marie", "Schmidt"),
        "news": [
            {
                "title": "Orangeriet har fået nye planter",
                "days_ago": 4,
                "intro": (
                    "Toftlund Planteskole har sponsoreret citrontræer, oliventræer og "
                    "krydderurter til orangeriet."
                ),
                "text": p(
                    "Beboerne nyder duftene, og flere af dem har været med til at plante. "
                    "Tak til planteskolen og til de frivillige, der bar jord og krukker.",
                ),
                "image": Img(
                    "Orangeriet på Toftehøj med grønne planter og lyse vinduer", "Orangeriet"
                ),
                "gallery": [
                    Img("Citrontræer og krydderurter i orangeriet på Toftehøj", "Citrontræer"),
                    Img("Beboer i kørestol dufter til planterne i orangeriet", "Dufte og farver"),
                ],
            },
            {
                "title": "Ny loftlift i spabadet",
                "days_ago": 17,
                "intro": (
                    "Spabadet har fået en ny loftlift, så det er blevet både lettere og mere "
                    "trygt at komme i vandet."
                ),
                "text": p(
                    "Spabadet kan også lånes af andre botilbud. Kontakt os for at aftale en tid.",
                ),
                "image": Img("Medarbejder viser den nye loftlift frem ved spabadet", "Loftliften"),
                "body_image": Img("Spabadet på Toftehøj med den nye loftlift", "Spabadet"),
            },
            {
                "title": "Musikterapeut besøger Toftehøj hver uge",
                "days_ago": 31,
                "intro": (
                    "En musikterapeut kommer nu hver onsdag og spiller og synger med beboerne "
                    "i sanserummet og orangeriet."
                ),
                "text": p(
                    "Musikken giver ro og kontakt. Pårørende er velkomne til at være med – "
                    "giv os besked dagen før.",
                ),
                "image": Img("Musikinstrumenter klar i sanserummet på Toftehøj", "Musik"),
            },
        ],
        "events": [
            _event(
                "Plantedag i orangeriet",
                10,
                time=(13, 0),
                hours=3,
                audience="public",
                organiser="toftlund-planteskole",
                external_url="https://www.toftlundplanteskole.dk/arrangementer",
                location="Orangeriet, Toftehøj",
                intro=(
                    "Toftlund Planteskole hjælper med at plante krydderurter og blomster i "
                    "orangeriet. Naboer, pårørende og beboere planter sammen."
                ),
                text=p("Alt materiale er sponsoreret. Tag gerne havehandsker med."),
                access=("step_free", "accessible_toilet"),
            ),
            _event(
                "Sansedag for beboere og pårørende",
                22,
                all_day=True,
                audience="relatives",
                location="Toftehøj",
                intro=(
                    "En hel dag med sanseoplevelser: musik i orangeriet, spabad, duftværksted "
                    "og massage. Kom, når det passer jer."
                ),
                text=p("Frokost i orangeriet kl. 12. Giv besked, hvis I spiser med."),
                access=("step_free", "accessible_toilet", "quiet_room"),
                accessibility_notes="Der er plads til kørestole og senge i alle rum.",
            ),
            _event(
                "Musik i sanserummet",
                41,
                time=(11, 0),
                hours=1,
                audience="residents",
                location="Sanserummet, Toftehøj",
                intro="Musikterapeuten spiller og synger med beboerne.",
                text=p("Højst seks deltagere ad gangen, så der er ro."),
                access=("step_free", "quiet_room"),
            ),
        ],
        "call": {
            "title": "Frivillig til oplæsning og musik",
            "summary": (
                "Vi søger en frivillig, der vil læse højt, synge eller spille for beboerne i "
                "sanserummet eller orangeriet."
            ),
            "body": p(
                "Beboerne reagerer stærkt på stemmer og musik. Du skal ikke kunne synge flot – "
                "det vigtigste er nærvær."
            ),
            "when": "Hver anden søndag kl. 11–12",
            "people_needed": 1,
            "skills": "kan lide at læse højt eller spiller et instrument.",
            "expires_in_days": 50,
        },
    },
]

CALENDAR_EVENTS = [
    _event(
        "Frivilligcafé: Bliv frivillig på et botilbud",
        5,
        time=(16, 30),
        hours=1.5,
        audience="public",
        organiser="frivilligcenter-toender",
        external_url="https://www.frivilligcentertoender.dk/frivilligcafe",
        location="Frivilligcenter Tønder",
        address="Tønder",
        intro=(
            "Hør, hvordan du kan gøre en forskel som frivillig på et af kommunens botilbud – "
            "fra gåture og havearbejde til brætspil og musik."
        ),
        text=p("Medarbejdere fra botilbuddene og erfarne frivillige fortæller."),
        access=("step_free", "accessible_toilet", "hearing_loop"),
        image=Img("Frivillige og medarbejdere taler sammen ved frivilligcaféen", "Frivilligcafé"),
    ),
    _event(
        "Kunst fra botilbuddene – udstilling",
        14,
        end_days=27,
        all_day=True,
        audience="public",
        organiser="toender-bibliotek",
        external_url="https://www.tonderbib.dk/arrangementer",
        location="Tønder Bibliotek",
        intro=(
            "Malerier, keramik og fotografier lavet af beboere fra kommunens botilbud. "
            "Udstillingen kan ses i bibliotekets åbningstid."
        ),
        text=p("Fernisering den første dag kl. 15 med musik og saftevand."),
        access=("step_free", "accessible_toilet", "hearing_loop"),
        image=Img("Malerier og keramik fra botilbuddene udstillet på biblioteket", "Kunst"),
    ),
    _event(
        "Højtlæsning: Fortællinger fra marsken",
        19,
        time=(14, 0),
        hours=1,
        audience="public",
        organiser="toender-bibliotek",
        external_url="https://www.tonderbib.dk/arrangementer",
        location="Tønder Bibliotek, fortællerummet",
        intro="En bibliotekar læser lokale fortællinger og sagn fra marsken og Vadehavet.",
        text=p("Der er kaffe og saft. Oplæsningen er tilrettelagt med billeder undervejs."),
        access=("step_free", "accessible_toilet", "hearing_loop", "quiet_room"),
    ),
    _event(
        "Fælles bålaften på tværs af botilbud",
        35,
        time=(17, 30),
        hours=2.5,
        audience="residents",
        location="Bålhytten, Solgården",
        address="Ribelandevej 42, 6270 Tønder",
        intro=(
            "Beboere fra alle kommunens botilbud mødes ved bålhytten på Solgården til pølser, "
            "snobrød og sang."
        ),
        text=p("Hvert botilbud sørger for kørsel for sine egne beboere."),
        access=("step_free", "accessible_toilet"),
        image=Img("Beboere fra flere botilbud samlet om bålet", "Bålaften"),
    ),
    _event(
        "Temaaften for pårørende: Samarbejdet med botilbuddet",
        44,
        time=(19, 0),
        hours=2,
        audience="relatives",
        location="Tønder Rådhus, byrådssalen",
        address="Kongevej 57, 6270 Tønder",
        intro=(
            "Kommunen inviterer pårørende til en aften om samarbejdet med botilbuddene: hvad "
            "kan I forvente af os, og hvad har I brug for?"
        ),
        text=p(
            "Aftenen er en del af strategien »Høj kvalitet i botilbud«. Jeres input bliver "
            "brugt i det videre arbejde."
        ),
        access=("step_free", "accessible_toilet", "hearing_loop"),
    ),
    _event(
        "Koncert med Tønder Kirkekor og beboerkoret",
        52,
        time=(15, 0),
        hours=1.5,
        audience="public",
        organiser="toender-kirkekor",
        external_url="https://www.toenderkirkekor.dk/koncerter",
        location="Kristkirken, Tønder",
        intro=(
            "Tønder Kirkekor og beboerkoret fra Solgården synger sammen. Gratis adgang – "
            "alle er velkomne."
        ),
        text=p("Koncerten varer cirka en time."),
        access=("step_free", "hearing_loop"),
        accessibility_notes="Rampe ved sideindgangen mod nord.",
    ),
]

STANDARD_PAGES = [
    {
        "slug": "om-samspil",
        "title": "Om Samspil",
        "show_in_menus": True,
        "intro": (
            "Samspil samler nyheder, arrangementer og frivilligopslag fra Tønder Kommunes "
            "botilbud ét sted."
        ),
        "body": h2("Hvorfor Samspil?")
        + p(
            "Pårørende, netværk og lokalsamfundet er en vigtig del af livet på et botilbud. "
            "Tønder Kommunes strategi »Høj kvalitet i botilbud« sætter fokus på god dialog med "
            "pårørende og på at vise, hvad der sker – både de store og de små aktiviteter.",
        )
        + h2("Hvad kan du her?")
        + ul(
            "Læse nyheder fra de enkelte botilbud.",
            "Se kalenderen med arrangementer på botilbuddene og hos foreninger og frivillige.",
            "Melde dig som frivillig.",
            "Abonnere på nyhedsbreve fra de botilbud, du følger – så ofte du ønsker.",
            "Som pårørende: stille spørgsmål og komme med forslag direkte til medarbejderne.",
        )
        + h2("Hvem står bag?")
        + p(
            "Samspil drives af Tønder Kommune i samarbejde med botilbuddene. Medarbejderne på "
            "hvert botilbud skriver selv nyheder og opslag.",
        ),
    },
    {
        "slug": "privatlivspolitik",
        "title": "Privatlivspolitik",
        "show_in_menus": False,
        "intro": "Sådan behandler Tønder Kommune dine personoplysninger på Samspil.",
        "body": h2("Dataansvarlig")
        + p(
            "Tønder Kommune er dataansvarlig for de oplysninger, der behandles på Samspil. Du "
            f"kan kontakte os på Kongevej 57, 6270 Tønder, telefon {MUNICIPALITY_PHONE}, eller "
            "via Digital Post. Kommunens databeskyttelsesrådgiver kan kontaktes samme vej.",
        )
        + h2("Hvilke oplysninger behandler vi?")
        + ul(
            "Når du abonnerer på nyhedsbreve: din e-mailadresse, de botilbud, du følger, og "
            "hvor ofte du vil have mail.",
            "Når du er tilknyttet som pårørende eller netværk: dit navn, din e-mailadresse og "
            "hvilket botilbud du er tilknyttet. Tilknytningen bekræftes af en medarbejder.",
            "Når du skriver i dialogen med botilbuddet: dine beskeder og svarene på dem.",
            "Når du melder dig til et arrangement eller som frivillig: de oplysninger, du selv "
            "skriver i tilmeldingen.",
        )
        + h2("Formål og retsgrundlag")
        + p(
            "Vi bruger oplysningerne til at sende dig de nyheder, du har bedt om, og til at "
            "pårørende, netværk og botilbud kan tale sammen. Grundlaget er dit samtykke "
            "(databeskyttelsesforordningens artikel 6, stk. 1, litra a) og kommunens opgaver "
            "efter serviceloven (artikel 6, stk. 1, litra e).",
            "Skriv ikke helbredsoplysninger eller andre følsomme oplysninger i dialogen. Har du "
            "brug for at tale om en beboers forhold, så ring til botilbuddet.",
        )
        + h2("Cookies")
        + p(
            "Samspil bruger kun de cookies, der er nødvendige for, at du kan logge ind og sende "
            "formularer. Vi bruger ikke cookies til statistik eller markedsføring.",
        )
        + h2("Hvor længe gemmer vi oplysningerne?")
        + p(
            "Afmelder du nyhedsbrevet, sletter vi din e-mailadresse. Ophører din tilknytning "
            "til et botilbud, sletter vi dine beskeder i dialogen senest et år efter.",
        )
        + h2("Dine rettigheder")
        + ul(
            "Du har ret til at få indsigt i de oplysninger, vi har om dig.",
            "Du har ret til at få forkerte oplysninger rettet og til at få oplysninger slettet.",
            "Du kan til enhver tid trække dit samtykke tilbage ved at afmelde dig.",
            "Du kan gøre indsigelse mod vores behandling af dine oplysninger.",
        )
        + p(
            "Er du utilfreds med, hvordan vi behandler dine oplysninger, kan du klage til "
            "Datatilsynet, Carl Jacobsens Vej 35, 2500 Valby, www.datatilsynet.dk.",
        ),
    },
    {
        "slug": "tilgaengelighedserklaering",
        "title": "Tilgængelighedserklæring",
        "show_in_menus": False,
        "intro": (
            "Tønder Kommune ønsker, at alle kan bruge Samspil – også hvis du ser dårligt, "
            "bruger skærmlæser eller kun kan bruge tastaturet."
        ),
        "body": h2("Lovgrundlag og standard")
        + p(
            "Samspil er omfattet af lov om tilgængelighed af offentlige organers websteder og "
            "mobilapplikationer (webtilgængelighedsloven). Loven kræver, at offentlige "
            "websteder lever op til den europæiske standard EN 301 549, som bygger på Web "
            "Content Accessibility Guidelines (WCAG) 2.1 på niveau AA.",
        )
        + h2("Overholdelsesstatus")
        + p(
            "Samspil overholder delvist WCAG 2.1 niveau AA. De kendte problemer er beskrevet "
            "herunder, og vi arbejder på at rette dem.",
        )
        + h2("Indhold, der ikke er tilgængeligt")
        + ul(
            "Nogle ældre PDF-dokumenter, fx referater fra pårørendemøder, er ikke mærket "
            "korrekt til skærmlæsere. Vi retter dem, når de opdateres, og sender gerne "
            "indholdet i et andet format.",
            "Videoer, som botilbuddene har indlejret fra andre tjenester, har ikke altid "
            "undertekster.",
            "Billeder i ældre nyheder kan mangle en dækkende tekstbeskrivelse. Medarbejderne "
            "bliver bedt om at beskrive billederne, når de lægger dem op.",
        )
        + h2("Sådan har vi vurderet tilgængeligheden")
        + p(
            "Vurderingen bygger på vores egen gennemgang med automatiske værktøjer, tastatur og "
            "skærmlæsere (NVDA og VoiceOver) og på test med beboere og pårørende.",
        )
        + h2("Fortæl os om problemer")
        + p(
            "Oplever du problemer med at bruge Samspil, eller har du brug for indhold i et "
            "andet format, så skriv til Tønder Kommune via Digital Post eller ring på "
            f"{MUNICIPALITY_PHONE}. Vi svarer hurtigst muligt og senest inden for 14 dage.",
        )
        + h2("Klagemulighed")
        + p(
            "Er du ikke tilfreds med vores svar, kan du klage til Digitaliseringsstyrelsen, "
            "som fører tilsyn med webtilgængelighed i Danmark. Du klager via "
            "Digitaliseringsstyrelsens klageformular på www.digst.dk (søg efter »klage over "
            "webtilgængelighed«).",
        )
        + h2("Om erklæringen")
        + p("Erklæringen blev udarbejdet den {date} og bliver gennemgået mindst én gang om året."),
    },
]

# --------------------------------------------------------------------------------------------
# Pictures drawn with Pillow
# --------------------------------------------------------------------------------------------

PICTURE_SIZE = (1200, 675)
LOGO_SIZE = (480, 240)
FONT_NAMES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf")


@functools.cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in FONT_NAMES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


@functools.cache
def _sky_mask() -> PILImage.Image:
    return PILImage.linear_gradient("L").resize(PICTURE_SIZE)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _fit_size(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, smallest: int = 18):
    """The largest font size up to ``size`` at which ``text`` fits in ``width`` pixels."""
    while draw.textlength(text, font=_font(size)) > width and size > smallest:
        size -= 2
    return size


def _fit_font(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, smallest: int = 18):
    return _font(_fit_size(draw, text, width, size, smallest))


def render_picture(caption: str, palette: tuple[str, str, str], seed: str) -> bytes:
    """A calm landscape: a vertical gradient sky, a sun, rolling hills and a caption."""
    width, height = PICTURE_SIZE
    top, bottom, accent = (_rgb(colour) for colour in palette)
    rng = random.Random(seed)  # noqa: S311 - decoration, not security

    mask = _sky_mask()
    picture = PILImage.composite(
        PILImage.new("RGB", PICTURE_SIZE, bottom), PILImage.new("RGB", PICTURE_SIZE, top), mask
    ).convert("RGBA")

    layer = PILImage.new("RGBA", PICTURE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    radius = rng.randint(55, 100)
    cx, cy = rng.randint(150, width - 150), rng.randint(90, 200)
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=(255, 248, 220, 190))
    for _ in range(7):
        r = rng.randint(15, 60)
        x, y = rng.randint(0, width), rng.randint(0, height // 2)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255, rng.randint(25, 70)))
    for layer_no, alpha in enumerate((80, 135, 210)):
        half_width = rng.randint(width // 2, width)
        centre = rng.randint(-100, width + 100)
        crest = height - 300 + layer_no * 75 + rng.randint(-30, 30)
        draw.ellipse(
            [centre - half_width, crest, centre + half_width, crest + 2 * height],
            fill=(*accent, alpha),
        )
    picture = PILImage.alpha_composite(picture, layer)

    # The caption sits where every crop the templates use keeps it: the hero's 1200x500 cuts
    # 87 px off top and bottom, the gallery's 4:3 cuts 150 px off each side.
    label = PILImage.new("RGBA", PICTURE_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(label)
    font = _fit_font(draw, caption, width - 2 * 190, 42)
    left, text_top, right, text_bottom = draw.textbbox((0, 0), caption, font=font)
    x, y, pad = 170, 470, 18
    draw.rounded_rectangle(
        [x, y, x + (right - left) + 2 * pad, y + (text_bottom - text_top) + 2 * pad],
        radius=14,
        fill=(0, 0, 0, 135),
    )
    draw.text((x + pad - left, y + pad - text_top), caption, font=font, fill=(255, 255, 255, 255))
    picture = PILImage.alpha_composite(picture, label).convert("RGB")

    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def render_logo(name: str, initials: str, colour: str) -> bytes:
    """A simple badge: initials in a coloured circle, the name beside it."""
    width, height = LOGO_SIZE
    accent = _rgb(colour)
    logo = PILImage.new("RGB", LOGO_SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle([4, 4, width - 5, height - 5], radius=24, outline=accent, width=6)
    draw.ellipse([30, 50, 170, 190], fill=accent)
    font = _fit_font(draw, initials, 110, 56)
    draw.text((100, 120), initials, font=font, fill=(255, 255, 255), anchor="mm")
    words = name.split()
    lines = [" ".join(words[: (len(words) + 1) // 2]), " ".join(words[(len(words) + 1) // 2 :])]
    lines = [line for line in lines if line]
    font = _font(min(_fit_size(draw, line, width - 210, 34, smallest=14) for line in lines))
    for line_no, line in enumerate(lines):
        y = height // 2 + (line_no - (len(lines) - 1) / 2) * 44
        draw.text((190, y), line, font=font, fill=accent, anchor="lm")
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# The seeding itself
# --------------------------------------------------------------------------------------------


@contextmanager
def _quiet_wagtail():
    """Wagtail logs every publish at INFO; the command promises a quiet run."""
    logger = logging.getLogger("wagtail")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Seeder:
    """One run of the seed: creates what is missing and counts what it created."""

    def __init__(self):
        self.created = Counter()
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.image_model = get_image_model()
        self.credentials: list[dict] = []
        self._staff_password_hash: str | None = None

    # -- generic get-or-create helpers -------------------------------------------------------

    def page(self, parent: Page, model: type[Page], slug: str, **fields) -> Page:
        """The child of ``parent`` with ``slug``; created and published (with a revision) if new."""
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            specific = existing.specific
            if not isinstance(specific, model):
                raise CommandError(
                    f"Siden »{existing.title}« ({existing.url_path}) findes allerede, men er "
                    f"ikke af typen {model._meta.verbose_name}. Flyt eller omdøb den først."
                )
            return specific
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
        self.created["pages"] += 1
        return page

    def image(self, spec: Img, palette: tuple[str, str, str], collection: Collection):
        existing = self.image_model.objects.filter(title=spec.title).first()
        if existing is not None:
            return existing
        data = render_picture(spec.caption, palette, seed=spec.title)
        return self._save_image(spec.title, data, "jpg", collection)

    def logo(self, name: str, initials: str, colour: str, collection: Collection):
        title = f"Logo for {name}"
        existing = self.image_model.objects.filter(title=title).first()
        if existing is not None:
            return existing
        return self._save_image(title, render_logo(name, initials, colour), "png", collection)

    def _save_image(self, title: str, data: bytes, extension: str, collection: Collection):
        image = self.image_model(
            title=title,
            collection=collection,
            file=ImageFile(io.BytesIO(data), name=f"{danish_slug(title)[:60]}.{extension}"),
            file_size=len(data),
            file_hash=hash_filelike(io.BytesIO(data)),
        )
        image.save()
        self.created["images"] += 1
        return image

    def at(self, days: int, hour: int = 0, minute: int = 0) -> dt.datetime:
        day = self.today + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    # -- the site ----------------------------------------------------------------------------

    def front_page(self) -> HomePage:
        root = Page.get_first_root_node()
        front = root.get_children().filter(slug="forside").first()
        if front is None:
            # The model allows one front page; reuse it if someone gave it another slug.
            front = HomePage.objects.first()
        if front is None:
            front = self.page(
                root,
                HomePage,
                "forside",
                title="Botilbud i Tønder Kommune",
                seo_title="Samspil – botilbud i Tønder Kommune",
                intro=(
                    "<p>Her kan pårørende, netværk, foreninger og alle andre følge med i livet "
                    "på Tønder Kommunes botilbud: nyheder, arrangementer og opslag om "
                    "frivilligt arbejde.</p>"
                ),
            )
        elif not isinstance(front.specific, HomePage):
            raise CommandError(
                "Siden med adressen »forside« findes allerede, men er ikke en forside. "
                "Flyt eller omdøb den først."
            )
        front = front.specific
        self.point_default_site_at(front)
        self.delete_welcome_page(root, front)
        return front

    def point_default_site_at(self, front: HomePage) -> None:
        # The site's address follows BASE_URL, so full URLs (sitemap, mails) point where
        # the demo is actually served, e.g. http://127.0.0.1:8000/.
        base = urlsplit(settings.BASE_URL)
        hostname = base.hostname or "localhost"
        port = base.port or (443 if base.scheme == "https" else 80)
        site = (
            Site.objects.filter(is_default_site=True).first()
            or Site.objects.filter(hostname=hostname, port=port).first()
        )
        wanted = {
            "hostname": hostname,
            "port": port,
            "is_default_site": True,
            "root_page_id": front.pk,
        }
        if site is None:
            Site.objects.create(site_name="Samspil", **wanted)
            return
        if any(getattr(site, field) != value for field, value in wanted.items()):
            Site.objects.filter(is_default_site=True).exclude(pk=site.pk).update(
                is_default_site=False
            )
            for field, value in wanted.items():
                setattr(site, field, value)
            site.site_name = site.site_name or "Samspil"
            site.save()

    def delete_welcome_page(self, root: Page, front: HomePage) -> None:
        plain_page = ContentType.objects.get_for_model(Page)
        for page in root.get_children().filter(content_type=plain_page).exclude(pk=front.pk):
            if not Site.objects.filter(root_page=page).exists():
                page.delete()

    def shared_collection(self) -> Collection:
        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name=SHARED_COLLECTION).first()
        return collection or root.add_child(instance=Collection(name=SHARED_COLLECTION))

    # -- content -----------------------------------------------------------------------------

    def organisations(self, collection: Collection) -> dict[str, Organisation]:
        result = {}
        for spec in ORGANISATIONS:
            organisation = Organisation.objects.filter(slug=spec["slug"]).first()
            if organisation is None:
                fields = {key: value for key, value in spec.items() if key != "logo"}
                if logo := spec.get("logo"):
                    fields["logo"] = self.logo(spec["name"], *logo, collection)
                organisation = Organisation.objects.create(**fields)
                self.created["organisations"] += 1
            result[spec["slug"]] = organisation
        return result

    def home(self, front: HomePage, spec: dict, organisations: dict) -> BotilbudPage:
        palette = PALETTES[spec["slug"]]
        home = front.get_children().filter(slug=spec["slug"]).first()
        created = home is None
        if created:
            home = self.page(
                front,
                BotilbudPage,
                spec["slug"],
                title=spec["title"],
                intro=spec["intro"],
                target_group=spec["target_group"],
                body=spec["body"],
                street_address=spec["street_address"],
                postal_code=spec["postal_code"],
                city=spec["city"],
                phone=spec["phone"],
                email=f"{spec['slug']}@{MAIL_DOMAIN}",
                visiting_info=spec["visiting_info"],
                facilities=[
                    {
                        "type": "facility",
                        "value": {"name": name, "description": description, "shared": shared},
                        "id": str(uuid.uuid4()),
                    }
                    for name, description, shared in spec["facilities"]
                ],
            )
        home = home.specific
        if not isinstance(home, BotilbudPage):
            raise CommandError(f"Siden »{home.title}« findes allerede, men er ikke et botilbud.")
        access = ensure_home_staff_access(home)
        collection = access.collection
        if created:
            # The picture belongs in the home's own collection, which the new page has only
            # now been given (home.signals), so it is added in a second revision.
            home = BotilbudPage.objects.get(pk=home.pk)
            home.image = self.image(spec["image"], palette, collection)
            home.save_revision().publish()

        for news in spec["news"]:
            self.news(home, news, palette, collection)
        for event in spec["events"]:
            self.event(home, event, organisations, palette, collection, home_spec=spec)
        self.volunteer_call(home, spec)
        self.staff_user(home, spec, access.group)
        return home

    def news(self, home: BotilbudPage, spec: dict, palette, collection) -> None:
        slug = danish_slug(spec["title"])
        if home.get_children().filter(slug=slug).exists():
            return
        body = [text_block(spec["text"])]
        if body_image := spec.get("body_image"):
            image = self.image(body_image, palette, collection)
            body.append(
                {
                    "type": "image",
                    "value": {"image": image.pk, "alt_text": "", "caption": body_image.caption},
                    "id": str(uuid.uuid4()),
                }
            )
        main_image = self.image(spec["image"], palette, collection)
        if gallery := spec.get("gallery"):
            images = [main_image, *(self.image(img, palette, collection) for img in gallery)]
            body.append(
                {
                    "type": "gallery",
                    "value": {
                        "title": "Billeder fra dagen",
                        "images": [
                            {"type": "item", "value": image.pk, "id": str(uuid.uuid4())}
                            for image in images
                        ],
                    },
                    "id": str(uuid.uuid4()),
                }
            )
        date = self.today - dt.timedelta(days=spec["days_ago"])
        self.page(
            home,
            NewsPage,
            slug,
            title=spec["title"],
            date=date,
            intro=spec["intro"],
            easy_read=spec.get("easy_read", ""),
            pictogram=spec.get("pictogram", ""),
            image=main_image,
            body=body,
            first_published_at=self.at(-spec["days_ago"], 9, 30),
        )

    def event(self, parent: Page, spec: dict, organisations, palette, collection, home_spec=None):
        slug = danish_slug(spec["title"])
        if parent.get_children().filter(slug=slug).exists():
            return
        if spec.get("all_day"):
            start = self.at(spec["days"])
            end = self.at(spec["end_days"]) if spec.get("end_days") else None
        else:
            hour, minute = spec["time"]
            start = self.at(spec["days"], hour, minute)
            end = start + dt.timedelta(hours=spec["hours"])
        address = spec.get("address", "")
        if not address and home_spec:
            address = (
                f"{home_spec['street_address']}, {home_spec['postal_code']} {home_spec['city']}"
            )
        access = set(spec.get("access", ()))
        image = self.image(spec["image"], palette, collection) if spec.get("image") else None
        organiser = organisations[spec["organiser"]] if spec.get("organiser") else None
        self.page(
            parent,
            EventPage,
            slug,
            title=spec["title"],
            start=start,
            end=end,
            all_day=bool(spec.get("all_day")),
            intro=spec["intro"],
            body=[text_block(spec["text"])] if spec.get("text") else [],
            image=image,
            location=spec["location"],
            address=address,
            audience=spec["audience"],
            organiser=organiser,
            external_url=spec.get("external_url", ""),
            step_free="step_free" in access,
            accessible_toilet="accessible_toilet" in access,
            hearing_loop="hearing_loop" in access,
            quiet_room="quiet_room" in access,
            accessibility_notes=spec.get("accessibility_notes", ""),
            easy_read=spec.get("easy_read", ""),
            pictogram=spec.get("pictogram", ""),
            **self.signup_fields(spec.get("signup")),
        )

    def signup_fields(self, signup: dict | None) -> dict:
        if not signup:
            return {}
        deadline = signup.get("deadline_days")
        return {
            "signup_enabled": True,
            "capacity": signup.get("capacity"),
            "max_party_size": signup.get("max_party_size", 4),
            "signup_deadline": self.at(deadline, 12) if deadline else None,
        }

    def volunteer_call(self, home: BotilbudPage, spec: dict) -> None:
        call = spec["call"]
        first_name, last_name = spec["staff"]
        expires_in = call.get("expires_in_days")
        self.page(
            home,
            VolunteerCallPage,
            danish_slug(call["title"]),
            title=call["title"],
            summary=call["summary"],
            body=call["body"],
            when=call["when"],
            people_needed=call["people_needed"],
            skills=call["skills"],
            contact_name=f"{first_name} {last_name}",
            contact_email=f"{spec['slug']}@{MAIL_DOMAIN}",
            contact_phone=spec["phone"],
            status=VolunteerCallPage.Status.OPEN,
            expires_on=self.today + dt.timedelta(days=expires_in) if expires_in else None,
        )

    def calendar(self, front: HomePage, organisations, collection) -> EventIndexPage:
        calendar = self.page(
            front,
            EventIndexPage,
            "kalender",
            title="Kalender",
            show_in_menus=True,
            intro=(
                "Arrangementer på botilbuddene og hos foreninger, frivillige og andre "
                "samarbejdspartnere. Brug filtrene til at finde det, der passer dig."
            ),
        )
        for event in CALENDAR_EVENTS:
            self.event(calendar, event, organisations, PALETTES["shared"], collection)
        return calendar

    def directory(self, front: HomePage) -> None:
        self.page(
            front,
            OrganisationIndexPage,
            "foreninger",
            title="Foreninger og frivillige",
            show_in_menus=True,
            intro=(
                "Foreninger, frivillige og virksomheder, der laver aktiviteter sammen med Tønder "
                "Kommunes botilbud. Vil din forening også være med? Kontakt et af botilbuddene."
            ),
        )

    def standard_pages(self, front: HomePage) -> None:
        for spec in STANDARD_PAGES:
            self.page(
                front,
                StandardPage,
                spec["slug"],
                title=spec["title"],
                show_in_menus=spec["show_in_menus"],
                intro=spec["intro"],
                body=[text_block(spec["body"].replace("{date}", danish_date(self.today)))],
            )

    # -- users -------------------------------------------------------------------------------

    def admin_user(self) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=ADMIN_USERNAME).first()
        existed = user is not None
        if not existed:
            user = user_model.objects.create_superuser(
                ADMIN_USERNAME,
                f"admin@{MAIL_DOMAIN}",
                ADMIN_PASSWORD,
                first_name="Administrator",
                last_name="Samspil",
            )
            self.created["users"] += 1
        self.credentials.append(
            {
                "username": ADMIN_USERNAME,
                "password": ADMIN_PASSWORD,
                "role": "Administrator (superbruger)",
                "existed": existed,
            }
        )

    def staff_password_hash(self) -> str:
        # Hashing is the slowest step of the seed, so all staff users share one hash.
        if self._staff_password_hash is None:
            self._staff_password_hash = make_password(STAFF_PASSWORD)
        return self._staff_password_hash

    def staff_user(self, home: BotilbudPage, spec: dict, group) -> None:
        user_model = get_user_model()
        username = spec["slug"]
        user = user_model.objects.filter(username=username).first()
        existed = user is not None
        if not existed:
            first_name, last_name = spec["staff"]
            local_part = danish_slug(f"{first_name} {last_name}").replace("-", ".")
            user = user_model(
                username=username,
                email=f"{local_part}@{MAIL_DOMAIN}",
                first_name=first_name,
                last_name=last_name,
                password=self.staff_password_hash(),
            )
            user.save()
            self.created["users"] += 1
        user.groups.add(group)
        self.credentials.append(
            {
                "username": username,
                "password": STAFF_PASSWORD,
                "role": f"Medarbejder på {home.title}",
                "existed": existed,
            }
        )

    # -- everything --------------------------------------------------------------------------

    def run(self) -> dict:
        front = self.front_page()
        shared = self.shared_collection()
        organisations = self.organisations(shared)
        self.admin_user()
        homes = [self.home(front, spec, organisations) for spec in HOMES]
        self.calendar(front, organisations, shared)
        # An association's own calendar, imported from its .ics (home/demo_calendar.py).
        from home.demo_calendar import import_demo_calendar

        if (calendar_import := import_demo_calendar()) and calendar_import.created:
            self.created["pages"] += calendar_import.created
        self.directory(front)
        self.standard_pages(front)
        # Relatives who follow some homes by email, with digests due (newsletters app).
        from newsletters.demo import seed_demo_subscribers

        if subscribers := seed_demo_subscribers():
            self.created["subscribers"] += subscribers
        # Sign-ups, a waiting list, a volunteer and a proposal (participation app).
        from participation.demo import seed_demo_participation

        if participation := seed_demo_participation():
            self.created["participation"] += participation
        # Facilities lent across homes and a few bookings (facilities app).
        from facilities.demo import seed_demo_facilities

        if facilities := seed_demo_facilities():
            self.created["facilities"] += facilities
        # Relatives, a connection waiting for approval and two threads (dialog app).
        from dialog.demo import seed_demo_dialog

        if dialog := seed_demo_dialog():
            self.created["dialog"] += dialog
        # Residents with photo consents, photos, an album and "Min hverdag" (residents app).
        from residents.demo import seed_demo_residents

        if residents := seed_demo_residents():
            self.created["residents"] += residents
        return self.summary(front, homes)

    def summary(self, front: HomePage, homes: list[BotilbudPage]) -> dict:
        pages = Page.objects.live().public().descendant_of(front, inclusive=True)
        events = EventPage.objects.live().descendant_of(front)
        return {
            "homes": len(homes),
            "news": NewsPage.objects.live().descendant_of(front).count(),
            "events": events.count(),
            "upcoming_events": events.upcoming(self.now).count(),
            "organisations": Organisation.objects.count(),
            "volunteer_calls": VolunteerCallPage.objects.live().descendant_of(front).count(),
            "open_volunteer_calls": VolunteerCallPage.objects.live()
            .descendant_of(front)
            .open()
            .count(),
            "standard_pages": StandardPage.objects.live().descendant_of(front).count(),
            "live_pages": pages.count(),
            "images": self.image_model.objects.count(),
            "created": dict(self.created),
            "credentials": self.credentials,
        }


def seed_demo(stdout=None) -> dict:
    """Create the demo content (or leave it be, if it is there) and return counts.

    With ``stdout`` (a file-like object), a short summary and the demo logins are written to it.
    """
    with _quiet_wagtail(), transaction.atomic():
        result = _Seeder().run()
    if stdout is not None:
        write_summary(stdout, result)
    return result


def write_summary(stdout, result: dict) -> None:
    created = result["created"]
    if created:
        made = ", ".join(
            f"{created[key]} {label}"
            for key, label in (
                ("pages", "sider"),
                ("images", "billeder"),
                ("organisations", "organisationer"),
                ("users", "brugere"),
                ("subscribers", "abonnenter på nyhedsbrevet"),
            )
            if created.get(key)
        )
        stdout.write(f"Demoindholdet er klar. Oprettet nu: {made}.\n")
    else:
        stdout.write("Demoindholdet fandtes allerede – intet er ændret.\n")
    rows = [
        ("Botilbud", result["homes"]),
        ("Nyheder", result["news"]),
        ("Arrangementer", f"{result['events']} ({result['upcoming_events']} kommende)"),
        ("Organisationer", result["organisations"]),
        (
            "Frivilligopslag",
            f"{result['volunteer_calls']} ({result['open_volunteer_calls']} åbne)",
        ),
        ("Standardsider", result["standard_pages"]),
        ("Offentlige sider i alt", result["live_pages"]),
        ("Billeder", result["images"]),
    ]
    for label, value in rows:
        stdout.write(f"  {label:<24}{value}\n")
    stdout.write("\nLogin på /admin/ – KUN til udvikling:\n")
    stdout.write(f"  {'Brugernavn':<16}{'Adgangskode':<16}Rolle\n")
    for row in result["credentials"]:
        mark = " *" if row["existed"] else ""
        stdout.write(f"  {row['username']:<16}{row['password']:<16}{row['role']}{mark}\n")
    if any(row["existed"] for row in result["credentials"]):
        stdout.write("  * fandtes i forvejen; adgangskoden er ikke ændret.\n")
    from dialog.demo import DEMO_RELATIVE

    stdout.write(
        f"\nPårørende logger ind på /dialog/log-ind/ med {DEMO_RELATIVE}; "
        "linket ligger som mail i var/mail/.\n"
    )


class Command(BaseCommand):
    help = (
        "Opretter demoindhold for Tønder Kommune: forside, botilbud, nyheder, arrangementer, "
        "foreninger, frivilligopslag og demobrugere. Kan køres flere gange uden dubletter."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Kør selv om DEBUG er slået fra. Demobrugerne har kendte adgangskoder!",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo opretter demobrugere med kendte adgangskoder og kører derfor kun, "
                "når DEBUG er slået til. Brug --force, hvis du er helt sikker."
            )
        seed_demo(stdout=self.stdout)
