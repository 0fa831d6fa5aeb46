"""The shared pager: page numbers, clamping, and links that keep path parameters and filters."""

from __future__ import annotations

import re

from quizapp.models import Role

from .factories import Factories


def test_admin_list_pages_keep_the_filters(make_app, login):
    app = make_app(PAGE_SIZE=2)

    f = Factories(app)
    admin = f.user(role=Role.ADMIN, ward=None)
    for _ in range(4):
        f.user(role=Role.TRAINEE, ward="ham-rong")
    client = login(admin, app.test_client())
    page = client.get("/admin/users?ward=ham-rong&role=trainee").get_data(as_text=True)
    assert "Trang 1/2" in page
    link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "ward=ham-rong" in link and "role=trainee" in link and "page=2" in link
    second = client.get(link).get_data(as_text=True)
    assert "Trang 2/2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    assert "Trang 2/2" in client.get("/admin/users?ward=ham-rong&role=trainee&page=99").get_data(as_text=True)


def test_ward_report_pages_keep_the_ward_and_tab(make_app, login):
    app = make_app(PAGE_SIZE=2)

    f = Factories(app)
    f.topic(number=1)
    instructor = f.user(role=Role.INSTRUCTOR, ward=None)
    for _ in range(3):
        f.user(role=Role.TRAINEE, ward="dong-ve")
    client = login(instructor, app.test_client())
    page = client.get("/reports/wards/dong-ve?state=not_started").get_data(as_text=True)
    assert "Trang 1/2" in page
    link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/reports/wards/dong-ve?") and "state=not_started" in link and "page=2" in link
    assert "Trang 2/2" in client.get(link).get_data(as_text=True)
