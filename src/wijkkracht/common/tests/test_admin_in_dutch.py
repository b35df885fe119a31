"""The management site is Dutch on every page a functional administrator or privacy officer can open: no
English interface words, and no "---------" in a select. Walks every registered model (index, app index,
list, search, add, change, history, delete), so a new admin page cannot forget it."""

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.test import RequestFactory

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.services import access_log_read
from wijkkracht.security import services as security_services
from wijkkracht.security.testing import login_verified

#: Interface words of Django's admin that show when a text is not translated (whole words, as written).
ENGLISH = re.compile(r"\b(Change|Add|Save|Delete|Select|History|Filter|Search|View|Home|Action|Go|True|False)\b")
DASHES = "---------"


class _VisibleText(HTMLParser):
    """What a person reads or hears: text outside script/style, and the attributes read out or shown."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        for name in ("title", "aria-label", "placeholder", "alt"):
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


def test_the_text_reader_finds_english_where_it_hides():
    """The checker itself: an untranslated alt text, button or heading is found; Dutch is not."""
    page = '<h1>Wijzigen</h1><img alt="Search"><input type="submit" value="Save"><script>Change()</script>'
    assert [text for text in visible_text(page) if ENGLISH.search(text)] == ["Search", "Save"]


def _admin_urls(user, request):
    """Every management URL this user may open, with the model it belongs to."""
    urls = ["/beheer/"]
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        base = f"/beheer/{opts.app_label}/{opts.model_name}/"
        urls += [f"/beheer/{opts.app_label}/", base]
        if model_admin.get_search_fields(request):
            urls.append(f"{base}?q=nobody-at-all")
        if model_admin.has_add_permission(request):
            urls.append(f"{base}add/")
        for obj in model._default_manager.all()[:1]:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]
            if model_admin.has_delete_permission(request, obj):
                urls.append(f"{base}{obj.pk}/delete/")
    return list(dict.fromkeys(urls))


@pytest.fixture
def records(world):
    """At least one record of every kind the management site lists, so each change page is visited."""
    seen = {"username": world.worker.username, "ip_address": "192.0.2.1", "user_agent": "Firefox", "http_accept": "*/*"}
    AccessAttempt.objects.create(**seen, failures_since_start=2, get_data="", post_data="")
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    security_services.api_token_create(user=world.worker, name="Koppeling")
    access_log_read(access=AccessContext(user=world.worker, endpoint="test"), household_id=world.household.id, what="t")
    return world


@pytest.mark.parametrize("role", ["functional_admin", "privacy_officer"])
def test_every_management_page_is_dutch(records, client, role):
    user = records.functional_admin if role == "functional_admin" else UserFactory(privacy_officer=True)
    login_verified(client, user)
    urls = _admin_urls(user, RequestFactory().get("/"))
    assert len(urls) > 5
    english: dict[str, list[str]] = {}
    dashes = []
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200, url
        html = response.content.decode()
        found = [text for text in visible_text(html) if ENGLISH.search(text)]
        if found:
            english[url] = sorted(set(found))
        if DASHES in html:
            dashes.append(url)
    assert english == {}
    assert dashes == []
