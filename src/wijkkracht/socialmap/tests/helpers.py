"""Test helpers for the social map: records, HSDS files, and the specification's reference files."""

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from wijkkracht.socialmap.models import Organization, PyramidLevel, Service


def repo_root() -> Path:
    """The checkout: the folder above this file that holds pyproject.toml."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").exists():
            return folder
    raise RuntimeError("pyproject.toml not found above the tests")


HSDS_DIR = repo_root().parent / "shared" / "standards" / "hsds-3.0"
EXAMPLES = ("example_organization_full.json", "example_service_full.json", "example_service_list.json")


def hsds_reference(name: str) -> Any:
    """A file of the HSDS 3.0 specification (schemas, examples), read from ../shared beside the checkout;
    the test is skipped when the reference files are not there (they are not shipped with the product)."""
    path = HSDS_DIR / name
    if not path.exists():
        pytest.skip(f"the HSDS 3.0 reference files are not at {HSDS_DIR} (they live beside the checkout, in ../shared)")
    return json.loads(path.read_text(encoding="utf-8"))


def new_id() -> str:
    return str(uuid.uuid4())


def organization(**values: Any) -> Organization:
    values.setdefault("hsds_id", new_id())
    values.setdefault("name", "Stichting De Brug")
    values.setdefault("description", "Welzijn in de wijk")
    return Organization.objects.create(**values)


def service(**values: Any) -> Service:
    wijken = values.pop("wijken", [])
    values.setdefault("hsds_id", new_id())
    if "organization" not in values:
        values["organization"] = organization()
    values.setdefault("name", "Schuldhulpverlening")
    values.setdefault("level", PyramidLevel.FIRST_LINE)
    created = Service.objects.create(**values)
    created.wijken.set(wijken)
    return created


def as_file(data: Any) -> tuple[io.BytesIO, int]:
    raw = json.dumps(data).encode()
    return io.BytesIO(raw), len(raw)


def database_snapshot() -> dict[str, Any]:
    """Everything the social map holds, to compare before and after."""
    return {
        "organizations": list(Organization.objects.order_by("hsds_id").values()),
        "services": list(Service.objects.order_by("hsds_id").values()),
        "wijken": sorted(Service.wijken.through.objects.values_list("service__hsds_id", "wijk__code")),
    }
