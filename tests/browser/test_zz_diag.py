import pytest, json
pytestmark = pytest.mark.browser
def test_diag(page, content):
    r = []
    page.on("response", lambda resp: r.append((resp.status, resp.url)) if "/media/" in resp.url else None)
    page.goto(content.news.url); page.wait_for_load_state("load")
    print(page.evaluate("() => [...document.images].map(i => [i.currentSrc, i.naturalWidth, i.alt])"), r)
