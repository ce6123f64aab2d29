import pytest
pytestmark = pytest.mark.browser
def test_diag(page, content):
    page.goto("/"); page.screenshot(path="/tmp/desk_front.png")
    page.goto(content.news.url); page.screenshot(path="/tmp/desk_news.png", full_page=True)
