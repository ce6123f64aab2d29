"""Demo sign-ups, volunteers and a proposal, so staff have something to see in the admin
and one event shows a full house with a waiting list. Idempotent: runs once per database."""

from home.models import BotilbudPage, EventPage, VolunteerCallPage

from .models import ActivityProposal, EventSignup, VolunteerSignup

Status = EventSignup.Status


def seed_demo_participation() -> int:
    """Create the demo rows directly (no mails: these people are invented); returns how many."""
    if EventSignup.objects.exists() or VolunteerSignup.objects.exists():
        return 0
    created = 0
    full = EventPage.objects.filter(slug="temaaften-vaergemaal-og-oekonomi").first()
    if full is not None:
        for name, email, status in (
            ("Lone Madsen", "lone.madsen@example.dk", Status.CONFIRMED),
            ("Per Thomsen", "per.thomsen@example.dk", Status.CONFIRMED),
            ("Hanne Kjær", "hanne.kjaer@example.dk", Status.WAITLISTED),
        ):
            EventSignup.objects.create(
                event=full, name=name, email=email, party_size=1, status=status
            )
            created += 1
    evening = EventPage.objects.filter(slug="paaroerendeaften-hverdagen-paa-solgaarden").first()
    if evening is not None:
        EventSignup.objects.create(
            event=evening,
            name="Bente Nielsen",
            email="bente.nielsen@example.dk",
            party_size=2,
            note="Min bror kommer med; han bruger rollator.",
            status=Status.CONFIRMED,
        )
        created += 1
    call = VolunteerCallPage.objects.live().order_by("path").first()
    if call is not None:
        VolunteerSignup.objects.create(
            call=call,
            name="Jens Frivillig",
            email="jens.frivillig@example.dk",
            phone="20 30 40 50",
            availability="Tirsdage og torsdage efter kl. 14",
            message="Jeg er pensioneret pædagog og vil gerne hjælpe.",
        )
        created += 1
    home = BotilbudPage.objects.live().order_by("path").first()
    if home is not None:
        ActivityProposal.objects.create(
            botilbud=home,
            name="Birthe Sørensen",
            email="birthe.sorensen@example.dk",
            title="Fællessang med guitar",
            description="Jeg spiller guitar og vil gerne komme og synge med beboerne en "
            "søndag eftermiddag om måneden.",
            when="Søndage i december",
        )
        created += 1
    return created
