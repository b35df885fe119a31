"""The partner's pages: landing, menu, the list, the referral's page and the answers, through the test client.

The rules themselves (which moves, reasons, versions) are the service's and tested in `test_services.py`;
here: that the pages offer exactly the moves allowed now, that every answer is a POST that redirects back with
a message (PRG), that a refused one changes nothing, and who may open these pages at all.
"""

import datetime

import pytest
from django.contrib.messages import constants
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from wijkkracht.accounts.tests.factories import PASSWORD, UserFactory
from wijkkracht.consent.models import Consent
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals.models import Referral, ReferralEvent, ReferralStatus
from wijkkracht.referrals.tests.partner_world import (
    COVERED,
    DISCLOSED,
    PartnerWorld,
    make_partner_world,
    referral_of,
)
from wijkkracht.security.testing import login_verified
from wijkkracht.socialmap.models import PartnerAccount

S = ReferralStatus
LIST = reverse("partner:referrals")


@pytest.fixture
def pw(world) -> PartnerWorld:  # type: ignore[no-untyped-def]
    return make_partner_world(world)


def detail_url(referral) -> str:  # type: ignore[no-untyped-def]
    return reverse("partner:referral", kwargs={"referral_id": referral.id})


def status_url(referral) -> str:  # type: ignore[no-untyped-def]
    return reverse("partner:referral_status", kwargs={"referral_id": referral.id})


def answer(client, referral, status, reason="", lock_version=None):  # type: ignore[no-untyped-def]
    """POST an answer as the page does; returns the page it redirects to (followed)."""
    version = referral.lock_version if lock_version is None else lock_version
    response = client.post(
        status_url(referral), {"status": status, "reason": reason, "lock_version": version}, follow=True
    )
    assert response.redirect_chain == [(detail_url(referral), 302)], response.redirect_chain
    return response


def levels(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [message.level for message in response.context["messages"]]


def state(referral) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    fresh = Referral.objects.get(id=referral.id)
    return fresh.status, fresh.status_reason, fresh.lock_version, fresh.answered_at, fresh.events.count()


def transitions_on(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {status for status in S.values if f'data-transition="{status}"' in response.content.decode()}


# --- landing and menu -------------------------------------------------------------------------------------


def test_after_signing_in_a_partner_lands_on_the_referrals(pw, client):
    response = client.post(reverse("login"), {"username": "partner_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert response.status_code == 200


def test_the_menu_offers_only_what_a_partner_does(pw, client):
    client.force_login(pw.partner)
    body = client.get(LIST).content.decode()
    assert f'href="{LIST}"' in body
    for name in ("casefile:mine", "casefile:team", "casefile:my_tasks", "households:register", "monitoring:overview"):
        assert f'href="{reverse(name)}"' not in body, name
    assert 'href="/beheer/"' not in body


def test_the_home_page_sends_a_partner_to_the_referrals(pw, client):
    client.force_login(pw.partner)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == LIST


def test_a_partner_account_without_an_organisation_sees_a_message_and_nothing_else(pw, client):
    client.force_login(pw.unlinked_partner)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="unlinked"' in body
    assert "data-referral=" not in body and pw.service.name not in body
    assert client.get(detail_url(pw.referral)).status_code == 404


# --- the list ---------------------------------------------------------------------------------------------


def _rows(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [referral.id for referral, _in_force in response.context["rows"]]


def test_the_list_shows_the_organisations_referrals_open_first_newest_first_with_counts(pw, world, client):
    now = timezone.now()
    older_open = referral_of(
        world,
        household=pw.household,
        person=pw.anna,
        action=pw.covered_action,
        service=pw.service,
        consent=pw.consent,
        domains=COVERED,
        question="Oudere vraag",
    )
    newest_closed = referral_of(
        world,
        household=pw.household,
        person=pw.anna,
        action=pw.covered_action,
        service=pw.service,
        consent=pw.consent,
        domains=COVERED,
        question="Afgeronde vraag",
        status=S.COMPLETED,
    )
    Referral.objects.filter(id=older_open.id).update(sent_at=now - datetime.timedelta(days=3), status=S.ACCEPTED)
    Referral.objects.filter(id=newest_closed.id).update(sent_at=now + datetime.timedelta(minutes=1))
    Referral.objects.filter(id=pw.referral.id).update(sent_at=now - datetime.timedelta(days=1))
    household_figures_refresh(household_ids=[pw.household.id])  # the outcomes count referrals by month sent

    client.force_login(pw.partner)
    response = client.get(LIST)
    assert _rows(response) == [pw.referral.id, older_open.id, newest_closed.id]
    assert pw.other_referral.id not in _rows(response)
    assert response.context["total"] == 3 and response.context["open_count"] == 2
    counts = {value: count for value, _label, count in response.context["statuses"]}
    assert counts[S.SENT] == 1 and counts[S.ACCEPTED] == 1 and counts[S.COMPLETED] == 1 and counts[S.DECLINED] == 0

    filtered = client.get(LIST, {"status": S.ACCEPTED})
    assert _rows(filtered) == [older_open.id]
    # An unknown status is no filter (and no error page).
    assert _rows(client.get(LIST, {"status": "nonsense"})) == _rows(response)
    # htmx gets the table alone.
    partial = client.get(LIST, {"status": S.COMPLETED}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and _rows(partial) == [newest_closed.id]


def test_the_list_shows_no_personal_data_and_says_when_the_consent_is_gone(pw, world, client):
    client.force_login(pw.partner)
    body = client.get(LIST).content.decode()
    assert 'data-consent="in_force"' in body
    assert not [marker for marker in DISCLOSED.values() if marker in body]
    # Ended (its end date passed): listed, no data.
    Consent.objects.filter(id=pw.consent.id).update(
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    body = client.get(LIST).content.decode()
    assert f'data-referral="{pw.referral.id}"' in body and 'data-consent="ended"' in body
    detail = client.get(detail_url(pw.referral)).content.decode()
    assert 'id="no-disclosure"' in detail and DISCLOSED["member first name"] not in detail
    # Withdrawn: listed, no data.
    pw.withdraw(by=world.worker)
    body = client.get(LIST).content.decode()
    assert f'data-referral="{pw.referral.id}"' in body and 'data-consent="withdrawn"' in body
    # Taken back by the team.
    pw.set_status(S.CANCELLED)
    body = client.get(LIST).content.decode()
    assert f'data-referral="{pw.referral.id}"' in body and 'data-consent="cancelled"' in body


# --- the referral's page ----------------------------------------------------------------------------------


def test_the_page_shows_the_covered_domains_with_the_consent_it_rests_on(pw, client):
    client.force_login(pw.partner)
    response = client.get(detail_url(pw.referral))
    body = response.content.decode()
    disclosure = response.context["disclosure"]
    assert [domain.code for domain, _scores, _goals in response.context["sections"]] == COVERED
    assert all(f'data-domain="{code}"' in body for code in COVERED)
    assert 'data-domain="financien"' not in body and "Financiën" not in body
    # The member's latest scores on the covered domains (the intake's life-domain matrix) are there.
    assert {score.domain for score in disclosure.scores} == set(COVERED)
    assert all(score.instrument in body for score in disclosure.scores)
    # The consent: its purpose, its domains and until when.
    assert disclosure.ground.purpose_label in body
    assert pw.consent.valid_until is not None
    assert date_format(pw.consent.valid_until, "j F Y") in body
    assert [marker for marker in DISCLOSED.values() if marker not in body] == []


def test_every_view_of_the_referral_writes_one_disclose_row_naming_the_consent(pw, client):
    client.force_login(pw.partner)
    for expected in (1, 2):
        assert client.get(detail_url(pw.referral)).status_code == 200
        rows = AccessLogEntry.objects.filter(action="disclose", user=pw.partner)
        assert rows.count() == expected
    row = rows.latest("id")
    assert (row.household_id, row.person_id) == (pw.household.id, pw.anna.id)
    assert str(pw.consent.id) in row.what and row.endpoint == f"GET {detail_url(pw.referral)}"


def test_after_a_withdrawal_the_page_discloses_and_logs_nothing(pw, world, client):
    pw.withdraw(by=world.worker)
    client.force_login(pw.partner)
    response = client.get(detail_url(pw.referral))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="no-disclosure"' in body
    assert not [marker for marker in DISCLOSED.values() if marker in body]
    assert not AccessLogEntry.objects.filter(action="disclose").exists()


def test_the_page_offers_only_the_moves_allowed_now(pw, world, client):
    client.force_login(pw.partner)
    assert transitions_on(client.get(detail_url(pw.referral))) == {S.ACCEPTED, S.DECLINED}
    pw.set_status(S.ACCEPTED)
    assert transitions_on(client.get(detail_url(pw.referral))) == {S.STARTED, S.DECLINED, S.NO_SHOW}
    pw.set_status(S.STARTED)
    assert transitions_on(client.get(detail_url(pw.referral))) == {S.COMPLETED, S.NO_SHOW}
    for final in (S.COMPLETED, S.DECLINED, S.NO_SHOW, S.CANCELLED):
        pw.set_status(final)
        assert transitions_on(client.get(detail_url(pw.referral))) == set(), final
    # Without a consent in force the member cannot be taken on; declining or closing stays possible.
    pw.set_status(S.SENT)
    pw.withdraw(by=world.worker)
    assert transitions_on(client.get(detail_url(pw.referral))) == {S.DECLINED}
    pw.set_status(S.ACCEPTED)
    assert transitions_on(client.get(detail_url(pw.referral))) == {S.DECLINED, S.NO_SHOW}


# --- answering --------------------------------------------------------------------------------------------


def test_accept_start_complete(pw, client):
    client.force_login(pw.partner)
    for status in (S.ACCEPTED, S.STARTED, S.COMPLETED):
        pw.referral.refresh_from_db()
        response = answer(client, pw.referral, status)
        assert levels(response) == [constants.SUCCESS]
        assert Referral.objects.get(id=pw.referral.id).status == status
    referral = Referral.objects.get(id=pw.referral.id)
    assert referral.answered_at is not None
    assert list(referral.events.values_list("status", "by")) == [
        (S.ACCEPTED, pw.partner.id),
        (S.STARTED, pw.partner.id),
        (S.COMPLETED, pw.partner.id),
    ]


def test_accepting_shows_the_referral_status_label_on_the_page_the_list_and_the_team_page(pw, world, client):
    """The referral's own status label on the partner's page, the list's filter and the team's page (as the button
    and the message say it), not a plan suggestion's "Overgenomen"."""
    client.force_login(pw.partner)
    response = answer(client, pw.referral, S.ACCEPTED)
    with translation.override("nl"):
        label = str(S.ACCEPTED.label)
    html = response.content.decode()
    assert f'data-status="accepted">{label}</span>' in html
    assert f">{label} (1)</option>" in client.get(LIST).content.decode()
    client.force_login(world.worker)
    team = client.get(reverse("referrals:detail", args=[pw.referral.household_id, pw.referral.id])).content.decode()
    for page in (html, team):
        assert label in page and "Overgenomen" not in page


def test_accepting_twice_is_refused_with_a_message_and_nothing_changes(pw, client):
    client.force_login(pw.partner)
    answer(client, pw.referral, S.ACCEPTED)
    after_first = state(pw.referral)
    # The same form again (a double click, a second tab): the version it showed is now stale.
    response = answer(client, pw.referral, S.ACCEPTED)
    assert levels(response) == [constants.ERROR]
    assert state(pw.referral) == after_first
    # And with the current version.
    pw.referral.refresh_from_db()
    response = answer(client, pw.referral, S.ACCEPTED)
    assert levels(response) == [constants.ERROR]
    assert state(pw.referral) == after_first


def test_declining_needs_a_reason(pw, client):
    client.force_login(pw.partner)
    before = state(pw.referral)
    for empty in ("", "   "):
        response = answer(client, pw.referral, S.DECLINED, reason=empty)
        assert levels(response) == [constants.ERROR]
        assert state(pw.referral) == before
    response = answer(client, pw.referral, S.DECLINED, reason="Geen plek tot maart")
    assert levels(response) == [constants.SUCCESS]
    referral = Referral.objects.get(id=pw.referral.id)
    assert (referral.status, referral.status_reason) == (S.DECLINED, "Geen plek tot maart")
    assert ReferralEvent.objects.filter(referral=referral, status=S.DECLINED, reason="Geen plek tot maart").exists()


def test_did_not_attend(pw, client):
    client.force_login(pw.partner)
    answer(client, pw.referral, S.ACCEPTED)
    pw.referral.refresh_from_db()
    response = answer(client, pw.referral, S.NO_SHOW)
    assert levels(response) == [constants.SUCCESS]
    assert Referral.objects.get(id=pw.referral.id).status == S.NO_SHOW


def test_moves_out_of_order_or_unknown_are_refused_and_change_nothing(pw, world, client):
    client.force_login(pw.partner)
    before = state(pw.referral)
    for status in (S.COMPLETED, S.STARTED, S.NO_SHOW):  # not from "sent"
        assert levels(answer(client, pw.referral, status)) == [constants.ERROR], status
    for status in (S.CANCELLED, "deleted", ""):  # not a partner's status at all: the form refuses it
        assert levels(answer(client, pw.referral, status)) == [constants.ERROR], status
    assert levels(answer(client, pw.referral, S.ACCEPTED, lock_version="x")) == [constants.ERROR]
    assert state(pw.referral) == before
    # Accepting once the consent is withdrawn.
    pw.withdraw(by=world.worker)
    assert levels(answer(client, pw.referral, S.ACCEPTED)) == [constants.ERROR]
    assert state(pw.referral) == before


def test_a_get_on_the_answer_url_changes_nothing(pw, client):
    client.force_login(pw.partner)
    before = state(pw.referral)
    assert client.get(status_url(pw.referral), {"status": S.ACCEPTED, "lock_version": 1}).status_code == 405
    assert state(pw.referral) == before


# --- who gets in ------------------------------------------------------------------------------------------


def test_another_organisations_partner_gets_404_on_the_page_and_the_answer(pw, client):
    client.force_login(pw.other_partner)
    before = state(pw.referral)
    assert client.get(detail_url(pw.referral)).status_code == 404
    response = client.post(status_url(pw.referral), {"status": S.ACCEPTED, "lock_version": pw.referral.lock_version})
    assert response.status_code == 404
    assert state(pw.referral) == before
    assert pw.referral.id not in [referral.id for referral, _f in client.get(LIST).context["rows"]]
    assert not AccessLogEntry.objects.filter(action="disclose").exists()
    refused = AccessLogEntry.objects.filter(action="refused", user=pw.other_partner)
    assert refused.count() == 2


@pytest.mark.parametrize(
    "who", ["worker", "coordinator", "regisseur", "policy_officer", "functional_admin", "privacy_officer"]
)
def test_other_roles_get_403_on_the_partner_pages(pw, world, client, who):
    user = UserFactory(privacy_officer=True) if who == "privacy_officer" else getattr(world, who)
    login_verified(client, user)
    before = state(pw.referral)
    for url in (LIST, detail_url(pw.referral)):
        assert client.get(url).status_code == 403, url
    post = client.post(status_url(pw.referral), {"status": S.ACCEPTED, "lock_version": pw.referral.lock_version})
    assert post.status_code == 403
    assert state(pw.referral) == before
    assert not AccessLogEntry.objects.filter(action="disclose").exists()
    assert AccessLogEntry.objects.filter(action="refused", user=user).count() == 3


def test_signed_out_visitors_are_sent_to_sign_in(pw, client):
    for url in (LIST, detail_url(pw.referral)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_partner_account_made_as_the_demo_makes_it_works(pw, client):
    """User(role=partner) + PartnerAccount, nothing else: the pages work."""
    user = UserFactory(username="demo_partner", role="partner")
    PartnerAccount.objects.create(user=user, organization=pw.organization)
    client.force_login(user)
    assert client.get(LIST).status_code == 200
    assert client.get(detail_url(pw.referral)).status_code == 200


def test_the_lists_queries_do_not_grow_with_its_rows(pw, world, client):
    client.force_login(pw.partner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    few = queries()
    for number in range(5):
        referral_of(
            world,
            household=pw.household,
            person=pw.anna,
            action=pw.covered_action,
            service=pw.service,
            consent=pw.consent,
            domains=COVERED,
            question=f"Vraag {number}",
        )
    assert queries() == few
