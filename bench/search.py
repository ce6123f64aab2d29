"""Site search on the demo's content: for each query people type, how many hits, and whether the
page each must find is among them.

Usage: python bench/search.py [--repetitions N]
Seeds the demo (``seed_demo``) into a throw-away database (SQLite, or a test database on the
server named by DATABASE_URL), then asks ``home.search.search_site`` as an anonymous visitor.
Last line: one JSON object, {"backend", "queries": {query: {"hits", "found", "expected"}},
"found": n, "of": n, "median_ms": ...}; the time is the median of all queries' medians.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_ms, setup_django

# What people type, and a title each must find (None: the demo has nothing to find).
QUERIES = {
    "kor": "Fællessang med Tønder Kirkekor",
    "sansehave": "Sansehaven er klar – også til andre",
    "frivillig": "Frivilligcafé: Bliv frivillig på et botilbud",
    "frivillige": "Frivillig til oplæsning og musik",
    "LEV Tønder": "LEV Tønder",
    "gløgg": None,
    "spabad": "Spabad-aften på tværs af botilbud",
    "bål": "Bålaften med snobrød",
    "brætspil": "Brætspilsaften på Engbo",
    "cykel": "Cykeltur langs Vadehavet",
    "værgemål": "Temaaften: Værgemål og økonomi",
    "pårørendegruppe": "Pårørendegruppe: Når en, du holder af, har en psykisk sygdom",
    "orangeri": "Orangeriet har fået nye planter",
    "koncerter": "Koncert med Tønder Kirkekor og beboerkoret",
    "gåture": "Fælles gåtur i Løgumkloster",
    "højtlæsning": "Højtlæsning: Fortællinger fra marsken",
    "hjerneskade": "Nyt samarbejde med Hjerneskadeforeningen",
    "køkkenhaven": "Hjælp til køkkenhaven",
    "minibus": "Ny minibus giver flere ture ud af huset",
    "toftehøj": "Toftehøj",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.conf import settings
        from django.contrib.auth.models import AnonymousUser
        from django.core.management import call_command
        from django.db import connection

        from home.models import OrganisationIndexPage
        from home.search import search_site

        call_command("seed_demo", force=True, verbosity=0)
        directory = OrganisationIndexPage.objects.live().first()
        visitor = AnonymousUser()
        figures, times = {}, []
        for query, expected in QUERIES.items():
            hits = search_site(query, visitor, directory)
            titles = [hit.title for hit in hits]
            figures[query] = {
                "hits": len(hits),
                "found": expected in titles if expected else None,
                "expected": expected,
                "top": titles[:3],
            }
            times.append(
                median_ms(lambda q=query: search_site(q, visitor, directory), args.repetitions, 1)
            )
        wanted = [q for q, e in QUERIES.items() if e]
        found = sum(1 for q in wanted if figures[q]["found"])
        for query, figure in figures.items():
            mark = {True: "ok", False: "MISSING", None: "-"}[figure["found"]]
            print(f"{query:18} {figure['hits']:4} hits  {mark:8} {figure['top']}")
        print(
            json.dumps(
                {
                    "backend": settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"],
                    "vendor": connection.vendor,
                    "queries": figures,
                    "found": found,
                    "of": len(wanted),
                    "median_ms": round(statistics.median(times), 2),
                },
                ensure_ascii=False,
            )
        )
    finally:
        teardown()


if __name__ == "__main__":
    main()
