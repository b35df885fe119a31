"""The mandate file in `/beheer/`: a wrong file is refused with the place and the reason in Dutch and nothing is
saved; a valid one becomes the policy in force; only one can be active; only the functional administrator."""

import html
from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.mandate.models import MandateFile
from wijkkracht.mandate.policy import SHIPPED_FILE, mandate_policy
from wijkkracht.mandate.tests.budget_helpers import policy_raw
from wijkkracht.security.testing import login_verified

pytestmark = pytest.mark.django_db

ADD = "/beheer/mandate/mandatefile/add/"


@pytest.fixture
def admin_client(client: Client) -> Client:
    login_verified(client, UserFactory(username="beheer", functional_admin=True))
    return client


def as_text(raw: dict[str, Any]) -> str:
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def with_rule(**changes: Any) -> dict[str, Any]:
    raw = policy_raw()
    raw["mandates"][1] = {**raw["mandates"][1], **changes}
    return raw


def with_rate(key: str, value: Any) -> dict[str, Any]:
    raw = policy_raw()
    raw["financing"]["years"][2026][key] = value
    return raw


def post(client: Client, content: str, *, upload: bool = False, name: str = "gemeente.yaml", active: bool = True):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"name": name, "is_active": "on" if active else ""}
    if upload:
        data["upload"] = SimpleUploadedFile(name, content.encode("utf-8"), content_type="application/yaml")
        data["content"] = ""
    else:
        data["content"] = content
    return client.post(ADD, data)


BAD = [
    # (what is wrong, the file, the place and the reason the page names)
    ("unknown role", as_text(with_rule(role="wethouder")), "mandates[1].role: onbekende rol 'wethouder'"),
    ("unknown kind", as_text(with_rule(kind="kwijtschelding")), "mandates[1].kind: onbekende soort maatregel"),
    ("negative rate", as_text(with_rate("per_contact", -5)), "financing.years.2026.per_contact: een bedrag van 0"),
    ("three decimals", as_text(with_rate("per_resident", 9.505)), "financing.years.2026.per_resident: ten hoogste"),
    ("invalid YAML", "measure_kinds: [\n  - code: x\n mandates: {", "geen geldige YAML (regel"),
]


@pytest.mark.parametrize("upload", [False, True], ids=["pasted", "uploaded"])
@pytest.mark.parametrize(("what", "content", "message"), BAD, ids=[case[0] for case in BAD])
def test_a_wrong_file_is_refused_with_place_and_reason(
    admin_client: Client, what: str, content: str, message: str, upload: bool
) -> None:
    response = post(admin_client, content, upload=upload)
    assert response.status_code == 200, what
    assert message in html.unescape(response.content.decode()), what
    assert not MandateFile.objects.exists()
    assert mandate_policy().source == SHIPPED_FILE.name  # still the shipped file in force


def test_a_valid_upload_becomes_the_policy_in_force(admin_client: Client) -> None:
    assert mandate_policy().rates(2026).per_resident == Decimal("9.50")  # the shipped rate
    response = post(admin_client, as_text(policy_raw()), upload=True)
    assert response.status_code == 302, response.content.decode()
    saved = MandateFile.objects.get()
    assert saved.is_active and saved.name == "gemeente.yaml" and saved.uploaded_by.username == "beheer"
    policy = mandate_policy()
    assert policy.source == "upload: gemeente.yaml"
    assert policy.rates(2026).per_resident == Decimal("10.00")
    assert policy.rates(2025) is None


def test_only_one_file_can_be_active(admin_client: Client) -> None:
    assert post(admin_client, as_text(policy_raw()), name="eerste.yaml").status_code == 302
    second = post(admin_client, as_text(policy_raw()), name="tweede.yaml")
    assert second.status_code == 200
    assert "eerste.yaml" in second.content.decode()  # names the active file to make inactive first
    assert list(MandateFile.objects.values_list("name", flat=True)) == ["eerste.yaml"]
    # An inactive second file is fine, and the first stays in force.
    assert post(admin_client, as_text(policy_raw()), name="tweede.yaml", active=False).status_code == 302
    assert mandate_policy().source == "upload: eerste.yaml"


def test_an_upload_that_is_not_utf8_is_refused(admin_client: Client) -> None:
    response = admin_client.post(
        ADD, {"name": "x.yaml", "is_active": "on", "upload": SimpleUploadedFile("x.yaml", b"version: 1\n\xff\xfe")}
    )
    assert response.status_code == 200
    assert not MandateFile.objects.exists()


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.TEAM_COORDINATOR, Role.MANAGER, Role.PRIVACY_OFFICER])
def test_only_the_functional_administrator_uploads(client: Client, role: str) -> None:
    login_verified(client, UserFactory(role=role, is_staff=True))
    response = client.post(ADD, {"name": "x.yaml", "content": as_text(policy_raw()), "is_active": "on"})
    assert response.status_code in (302, 403)
    assert not MandateFile.objects.exists()
