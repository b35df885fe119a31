"""Wijkkracht has its own icon in the browser tab: /favicon.ico answers (no 404 in every log) and every page
links the icon, served from our own static files (no CDN)."""

from django.contrib.staticfiles import finders


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an icon file: reserved 0, type 1 (icon)


def test_every_page_links_the_icon(client):
    page = client.get("/inloggen/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert '<link rel="icon" href="/static/wijkkracht/favicon' in page
    svg = finders.find("wijkkracht/favicon.svg")
    assert svg is not None
    with open(svg, encoding="utf-8") as file:
        assert file.read().startswith("<svg")
