"""Checks on the project as a whole: health, schema, translations, settings."""

from pathlib import Path

import polib
import pytest
from django.core.management import call_command

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_healthz_checks_the_database(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(db, client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_openapi_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/households/{id}/status/" in (tmp_path / "schema.yaml").read_text()


def test_every_dutch_message_is_translated_and_compiled():
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    compiled = polib.mofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural} == {
        e.msgid: e.msgstr for e in po if not e.msgid_plural and not e.obsolete
    }


@pytest.mark.parametrize("settings_module", ["wijkkracht.conf.production"])
def test_production_refuses_to_start_without_a_secret_key(settings_module, monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SECRET_KEY", raising=False)
    for name in [settings_module, "wijkkracht.conf.base"]:
        sys.modules.pop(name, None)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module(settings_module)
    sys.modules.pop("wijkkracht.conf.base", None)
