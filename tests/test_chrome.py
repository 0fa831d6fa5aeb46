"""The page chrome (menu, footer links, head links) is rendered once per language and role and reused.

What a cache must not do: give one visitor another's logout token, another role's menu or another
language's words, or differ from what the template renders afresh.
"""

from __future__ import annotations

import re

from quizapp.models import Role

from .factories import PASSWORD, Factories

LOGOUT_TOKEN = re.compile(r'action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"')
LOGIN_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def logged_in(app, user):
    client = app.test_client()
    token = LOGIN_TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def test_each_visitor_gets_their_own_logout_token_from_the_shared_chrome(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    make = Factories(app)
    first, second = logged_in(app, make.user()), logged_in(app, make.user())
    first_token = LOGOUT_TOKEN.search(first.get("/").get_data(as_text=True)).group(1)
    second_token = LOGOUT_TOKEN.search(second.get("/").get_data(as_text=True)).group(1)  # the chrome is cached now
    assert first_token != second_token
    assert second.post("/logout", data={"csrf_token": first_token}).status_code == 400  # another session's token
    assert second.post("/logout", data={"csrf_token": second_token}).status_code == 302
    assert second.get("/").status_code == 302  # logged out: back to the login page


def test_the_menu_follows_the_role_and_the_language(app, make, login):
    menus = {}
    for role in (Role.TRAINEE, Role.WARD_MANAGER, Role.INSTRUCTOR, Role.ADMIN, Role.TRAINEE):
        client = login(make.user(role=role), app.test_client())
        menus[role] = client.get("/").get_data(as_text=True).split("</nav>")[0]
    assert "/reports" not in menus[Role.TRAINEE] and "/admin" not in menus[Role.TRAINEE]
    assert "/reports" in menus[Role.WARD_MANAGER] and "/admin/questions" not in menus[Role.WARD_MANAGER]
    assert "/admin/questions" in menus[Role.INSTRUCTOR] and "/admin/lessons" in menus[Role.INSTRUCTOR]
    assert 'href="/admin/"' in menus[Role.ADMIN] and "/admin/lessons" not in menus[Role.ADMIN]
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "My topics" in english and "Chuyên đề của tôi" not in english
    assert 'href="?lang=en" aria-current="true"' in english
    vietnamese = client.get("/?lang=vi").get_data(as_text=True)
    assert "Chuyên đề của tôi" in vietnamese and 'href="?lang=vi" aria-current="true"' in vietnamese


def test_a_page_from_the_warm_cache_equals_one_rendered_afresh(app, make, login):
    client = login(make.user(role=Role.ADMIN))
    client.get("/")  # fills the cache
    warm = client.get("/").get_data(as_text=True)
    app.extensions["quizapp_chrome"].clear()
    cold = client.get("/").get_data(as_text=True)
    assert warm == cold
    anonymous = app.test_client()
    assert "/logout" not in anonymous.get("/login").get_data(as_text=True)
    assert 'href="/verify"' in anonymous.get("/login").get_data(as_text=True)
