"""Per-home editing rights: a home's staff edit and publish their own home only."""

from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupPagePermission, Page

from home.models import HomeStaffAccess
from home.services import ensure_home_staff_access

from .conftest import make_home, make_image, make_news


def test_creating_a_home_creates_its_group_and_collection(tree):
    access = HomeStaffAccess.objects.get(botilbud=tree.home_a)
    assert access.group.name == "Solgården – redaktører"
    assert access.collection.name == "Solgården"
    codenames = set(
        GroupPagePermission.objects.filter(group=access.group).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    assert set(
        GroupPagePermission.objects.filter(group=access.group).values_list("page_id", flat=True)
    ) == {tree.home_a.pk}


def test_ensure_home_staff_access_is_idempotent(tree):
    before = (
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
    )
    for _ in range(3):
        ensure_home_staff_access(tree.home_a)
    after = (
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
    )
    assert before == after


def test_staff_of_home_a_may_edit_and_publish_only_under_home_a(tree, staff_a):
    news_a = make_news(tree.home_a, "Nyt fra A")
    news_b = make_news(tree.home_b, "Nyt fra B")
    for page in (tree.home_a, news_a):
        perms = page.permissions_for_user(staff_a)
        assert perms.can_edit() and perms.can_publish()
    assert tree.home_a.permissions_for_user(staff_a).can_add_subpage()
    for page in (tree.home_b, news_b, tree.front, tree.calendar):
        perms = page.permissions_for_user(staff_a)
        assert not perms.can_edit()
        assert not perms.can_publish()
        assert not perms.can_add_subpage()


def test_staff_cannot_open_the_editor_of_another_home(client, tree, staff_a):
    news_b = make_news(tree.home_b, "Nyt fra B")
    client.force_login(staff_a)
    assert client.get(f"/admin/pages/{tree.home_a.pk}/edit/").status_code == 200
    for page in (tree.home_b, news_b):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code in (302, 403)
        assert "Nyt fra B" not in response.content.decode()


def test_staff_cannot_publish_under_another_home_by_posting(client, tree, staff_a):
    client.force_login(staff_a)
    response = client.post(
        f"/admin/pages/add/home/newspage/{tree.home_b.pk}/",
        {
            "title": "Indsneget nyhed",
            "slug": "indsneget",
            "intro": "x",
            "date": "2026-11-23",
            "action-publish": "publish",
        },
    )
    assert response.status_code in (302, 403)
    assert not Page.objects.filter(title="Indsneget nyhed").exists()


def test_staff_can_publish_under_own_home_by_posting(client, tree, staff_a):
    client.force_login(staff_a)
    response = client.post(
        f"/admin/pages/add/home/newspage/{tree.home_a.pk}/",
        {
            "title": "Julefrokost",
            "slug": "julefrokost",
            "intro": "Vi holder julefrokost.",
            "date": "2026-11-23",
            "body-count": "0",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = Page.objects.get(title="Julefrokost").specific
    assert page.live and page.get_parent().pk == tree.home_a.pk
    assert page.botilbud_id == tree.home_a.pk


def test_admin_explorer_shows_staff_only_their_own_home(client, tree, staff_a):
    make_news(tree.home_b, "Engbos hemmelige kladde")
    client.force_login(staff_a)
    response = client.get("/admin/pages/")
    if response.status_code == 302:
        response = client.get(response["Location"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "Solgården" in body
    assert "Engbo" not in body
    search = client.get("/admin/pages/search/", {"q": "Engbo"}).content.decode()
    assert "Engbos hemmelige kladde" not in search


def test_staff_see_and_choose_only_their_homes_images(client, tree, staff_a):
    own = make_image("Solgårdens have")
    own.collection = HomeStaffAccess.objects.get(botilbud=tree.home_a).collection
    own.save()
    other = make_image("Engbos værksted")
    other.collection = HomeStaffAccess.objects.get(botilbud=tree.home_b).collection
    other.save()
    client.force_login(staff_a)
    body = client.get("/admin/images/").content.decode()
    assert "Solgårdens have" in body
    assert "Engbos værksted" not in body
    assert client.get(f"/admin/images/{other.pk}/").status_code in (302, 403)


def test_a_new_home_gets_access_without_touching_existing_ones(tree):
    groups_before = set(Group.objects.values_list("name", flat=True))
    home_c = make_home(tree.front, "Åhuset")
    groups_after = set(Group.objects.values_list("name", flat=True))
    assert groups_after - groups_before == {"Åhuset – redaktører"}
    assert HomeStaffAccess.objects.get(botilbud=home_c).collection.name == "Åhuset"


def test_moving_a_news_item_to_another_home_updates_its_home(tree):
    news = make_news(tree.home_a, "Flyttes")
    assert news.botilbud_id == tree.home_a.pk
    news.move(tree.home_b, pos="last-child")
    news.refresh_from_db()
    assert news.botilbud_id == tree.home_b.pk
