"""The access sweep (tests/test_access_sweep.py) cut down to the facilities' URLs, public and
admin: quick to run while working on them. The whole sweep covers them too."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.test_access_sweep import (
    ADMIN_ATTACKERS,
    POST_BODY,
    _body,
    _fingerprint,
    _is_admin,
    _requests,
    _urls,
    world,  # noqa: F401 (the sweep's fixture)
)

pytestmark = pytest.mark.django_db


def test_facility_urls_show_and_change_nothing_of_another_home(world):  # noqa: F811
    attackers, victims, page_paths, home_a = world
    urls = [url for url in _urls(victims, page_paths) if "faciliteter" in url]
    assert any(url.startswith("/faciliteter/") for url in urls)
    assert any(url.startswith("/admin/faciliteter/") for url in urls)
    people = list(get_user_model().objects.values_list("pk", flat=True))
    before = _fingerprint(home_a, people)
    problems = []
    for name, (user, markers) in attackers.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for method, target in _requests(urls, ["?id=99999999999999999999"]):
            if _is_admin(target) and name not in ADMIN_ATTACKERS:
                continue
            response = getattr(client, method)(target, POST_BODY if method == "post" else None)
            if response.status_code >= 500:
                problems.append((name, method, target, response.status_code))
            body = _body(response)
            problems += [(name, method, target, m) for m in markers if m in body]
    assert problems == []
    assert _fingerprint(home_a, people) == before
