import datetime as dt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.conftest import make_event, make_news, make_image

def test_peek(client, tree):
    e = make_event(tree.home_a, "Bålaften", image=make_image(), organiser=tree.organisation, address="Skolegade 1")
    make_event(tree.calendar, "Heldag", start=timezone.now()+dt.timedelta(days=200), all_day=True, end=None)
    n = make_news(tree.home_a, "Sommerfest")
    client.get(reverse("feeds:calendar_ics"))
    with CaptureQueriesContext(connection) as q:
        r = client.get(reverse("feeds:calendar_ics"))
    for x in q.captured_queries: print(x["sql"][:200])
    print(r.content.decode())
    html = client.get(e.url).content.decode()
    print(html[:html.index("<body")])
    print(html[html.index("<aside"):html.index("</aside>")])
    print(client.get(reverse("feeds:news_rss")).content.decode())
    h = client.get(tree.home_a.url).content.decode()
    i = h.index('id="news-heading"'); print(h[i:i+3000])
