"""Admin: staff see counts and a preview for their own home only; the list and its CSV are
for admins; the send log lists runs."""

from django.contrib.auth import get_user_model

from newsletters.sending import run_digests
from tests.conftest import make_news

from .conftest import make_subscriber, publish


def test_staff_see_counts_for_their_own_home_only(client, tree, staff_a):
    make_subscriber("ida@example.dk", [tree.home_a])
    make_subscriber("bo@example.dk", [tree.home_a, tree.home_b], status="pending")
    client.force_login(staff_a)
    response = client.get("/admin/nyhedsbrev/oversigt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Solgården" in html
    assert "Engbo" not in html
    assert response.context["rows"][0]["active"] == 1
    assert response.context["rows"][0]["pending"] == 1


def test_staff_preview_own_home_and_not_another(client, tree, staff_a):
    publish(make_news(tree.home_a, "Sommerfest"))
    client.force_login(staff_a)
    response = client.get(f"/admin/nyhedsbrev/vis/{tree.home_a.pk}/")
    assert response.status_code == 200
    assert "Sommerfest" in response.content.decode()
    other = client.get(f"/admin/nyhedsbrev/vis/{tree.home_b.pk}/")
    assert other.status_code in (302, 403)  # Wagtail turns PermissionDenied into a redirect
    assert "Sommerfest" not in other.content.decode()
    assert client.get("/admin/nyhedsbrev/vis/999999/").status_code == 404


def test_preview_of_a_home_with_nothing_new_says_so(client, tree, staff_a):
    client.force_login(staff_a)
    response = client.get(f"/admin/nyhedsbrev/vis/{tree.home_a.pk}/")
    assert response.status_code == 200
    assert "intet nyt" in response.content.decode()


def test_staff_cannot_list_or_export_subscribers(client, tree, staff_a):
    client.force_login(staff_a)
    # Without the subscriber permission the list does not exist for them (access.scope).
    response = client.get("/admin/snippets/newsletters/subscriber/")
    assert response.status_code == 404
    response = client.get("/admin/snippets/newsletters/subscriber/?export=csv")
    assert response.status_code == 404


def test_admin_lists_filters_searches_and_exports_subscribers(client, tree):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw")
    make_subscriber("ida@example.dk", [tree.home_a])
    make_subscriber("bo@example.dk", [tree.home_b], frequency="daily")
    client.force_login(admin)
    base = "/admin/snippets/newsletters/subscriber/"
    html = client.get(base).content.decode()
    assert "ida@example.dk" in html and "bo@example.dk" in html
    html = client.get(f"{base}?homes={tree.home_b.pk}").content.decode()
    assert "bo@example.dk" in html and "ida@example.dk" not in html
    html = client.get(f"{base}?frequency=daily").content.decode()
    assert "bo@example.dk" in html and "ida@example.dk" not in html
    html = client.get(f"{base}?q=ida").content.decode()
    assert "ida@example.dk" in html and "bo@example.dk" not in html
    response = client.get(f"{base}?export=csv")
    assert response.status_code == 200
    csv = b"".join(response.streaming_content).decode()
    assert "ida@example.dk" in csv


def test_send_log_lists_runs(client, tree):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw")
    publish(make_news(tree.home_a, "Sommerfest"))
    make_subscriber("ida@example.dk", [tree.home_a])
    run_digests()
    client.force_login(admin)
    response = client.get("/admin/snippets/newsletters/digestrun/")
    assert response.status_code == 200
    assert response.context["object_list"][0].sent == 1


def test_send_log_is_read_only(client, tree):
    """Runs are a record: inspect only, no add, edit or delete, not even for a superuser."""
    admin = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw")
    publish(make_news(tree.home_a, "Sommerfest"))
    make_subscriber("ida@example.dk", [tree.home_a])
    run = run_digests()
    client.force_login(admin)
    base = "/admin/snippets/newsletters/digestrun/"
    listing = client.get(base).content.decode()
    assert f"{base}inspect/{run.pk}/" in listing
    assert f"{base}edit/{run.pk}/" not in listing
    assert f"{base}add/" not in listing
    inspect = client.get(f"{base}inspect/{run.pk}/")
    assert inspect.status_code == 200
    assert f"{base}edit/{run.pk}/" not in inspect.content.decode()
    for url in (f"{base}add/", f"{base}edit/{run.pk}/", f"{base}delete/{run.pk}/"):
        assert client.get(url).status_code in (302, 403), url
        assert client.post(url, {"sent": 99}).status_code in (302, 403), url
    run.refresh_from_db()
    assert run.sent == 1
