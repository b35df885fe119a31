"""Every page URL takes ids of at most 18 digits, like the API: a longer number does not match (404) instead of
reaching the database, where SQLite raised an OverflowError (a 500). Walks every URL pattern, so a page added
later with Django's unbounded ``int`` converter fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from wijkkracht.common.converters import IdConverter


def patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern | URLResolver]]:
    found: list[tuple[str, URLPattern | URLResolver]] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found.append((route, entry))
        if isinstance(entry, URLResolver):
            found += patterns(entry, route)
    return found


PATTERNS = patterns(get_resolver())


@pytest.mark.parametrize(("route", "entry"), PATTERNS, ids=[route for route, _entry in PATTERNS])
def test_no_url_takes_an_unbounded_number(route, entry):
    converters = getattr(entry.pattern, "converters", {})
    assert not any(type(converter) is IntConverter for converter in converters.values()), (
        f"{route}: use <id:…> (at most 18 digits), not <int:…>"
    )


def test_the_walk_sees_page_urls_with_ids():
    assert (
        sum(
            any(isinstance(c, IdConverter) for c in getattr(e.pattern, "converters", {}).values()) for _r, e in PATTERNS
        )
        > 20
    )


@pytest.mark.parametrize(
    "url",
    [
        "/huishoudens/99999999999999999999/",
        "/huishoudens/1/leden/99999999999999999999/",
        "/huishoudens/99999999999999999999/plan/",
    ],
)
def test_an_id_too_large_is_a_404_not_a_500(world, client, url):
    client.force_login(world.worker)
    assert client.get(url).status_code == 404
