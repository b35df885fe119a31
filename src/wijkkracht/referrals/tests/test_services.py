"""The rules of referrals: consent enforcement, transitions, and the access log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from wijkkracht.consent.models import ConsentGround, ConsentPurpose
from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.referrals import services
from wijkkracht.referrals.models import Referral, ReferralEvent, ReferralStatus
from wijkkracht.referrals.tests.helpers import consent, organization, partner, plan_action, send, service

pytestmark = pytest.mark.django_db


def _send(world, svc, grant, person=None, domains=("verslaving",), action=None):
    person = person or world.household.members.first()
    return services.referral_send(
        access=world.access(),
        action_id=(action or plan_action(world)).id,
        person_id=person.id,
        service_id=svc.id,
        consent_id=grant.id if grant else None,
        domains=list(domains),
        question="Hulp bij alcoholgebruik.",
    )


def _refused(world, svc, grant, **kwargs):
    """The refusal's messages in English (the msgids), whatever language is compiled; nothing saved, nothing logged."""
    action = plan_action(world)
    before = AccessLogEntry.objects.filter(action="disclose").count()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _send(world, svc, grant, action=action, **kwargs)
    assert not Referral.objects.exists()
    assert not ReferralEvent.objects.exists()
    assert AccessLogEntry.objects.filter(action="disclose").count() == before
    return caught.value.message_dict


def test_sending_with_consent_saves_the_referral_its_history_and_one_disclose_row(world):
    svc = service()
    grant = consent(world, svc.organization)
    referral = _send(world, svc, grant, domains=("verslaving", "gezondheid"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.organization == svc.organization
    assert referral.domains == ["verslaving", "gezondheid"]
    assert list(referral.events.values_list("status", flat=True)) == ["sent"]
    rows = AccessLogEntry.objects.filter(action="disclose")
    assert rows.count() == 1
    row = rows.get()
    assert row.household_id == world.household.id
    assert row.person_id == referral.person_id
    assert f"consent {grant.id}" in row.what


def test_without_consent_nothing_is_sent(world):
    errors = _refused(world, service(), None)
    assert "consent register" in " ".join(errors["consent"])


def test_consent_for_another_organisation_is_refused(world):
    svc = service()
    grant = consent(world, organization("Schuldhulp Zuid"))
    errors = _refused(world, svc, grant)
    assert any("Schuldhulp Zuid" in message for message in errors["consent"])


def test_consent_of_another_member_is_refused(world):
    svc = service()
    brother = PersonFactory(household=world.household, first_name="Bram")
    grant = consent(world, svc.organization, brother)
    errors = _refused(world, svc, grant)
    assert any("another member" in message for message in errors["consent"])


def test_a_domain_the_consent_does_not_cover_is_refused_and_named(world):
    svc = service()
    grant = consent(world, svc.organization, domains=("verslaving", "gezondheid"))
    errors = _refused(world, svc, grant, domains=("verslaving", "financien"))
    assert any("Financiën en schulden" in message for message in errors["consent"])


def test_an_expired_consent_is_refused(world):
    svc = service()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    grant = consent(world, svc.organization, valid_from=yesterday - datetime.timedelta(days=30), valid_until=yesterday)
    errors = _refused(world, svc, grant)
    assert any("ended" in message for message in errors["consent"])


def test_a_withdrawn_consent_is_refused(world):
    svc = service()
    grant = consent(world, svc.organization)
    grant.withdrawn_at, grant.withdrawn_by = timezone.now(), world.worker
    grant.save()
    errors = _refused(world, svc, grant)
    assert any("withdrawn" in message for message in errors["consent"])


def test_consent_for_a_joint_plan_does_not_carry_a_referral(world):
    svc = service()
    grant = consent(world, svc.organization, purpose=ConsentPurpose.JOINT_PLAN)
    errors = _refused(world, svc, grant)
    assert any("purpose" in message for message in errors["consent"])


@pytest.mark.parametrize("ground", [ConsentGround.MELDCODE_SAFETY, ConsentGround.LEGAL_DUTY])
def test_a_legal_ground_allows_sending_and_is_logged(world, ground):
    svc = service()
    grant = consent(world, svc.organization, ground=ground, purpose=ConsentPurpose.JOINT_PLAN)
    referral = _send(world, svc, grant)
    row = AccessLogEntry.objects.get(action="disclose")
    assert row.what.startswith(f"referral {referral.id}")
    assert f"{ground} {grant.id}" in row.what


def test_bad_input_is_listed_at_once(world):
    svc = service(status="inactive")
    grant = consent(world, svc.organization)
    action = plan_action(world)
    with pytest.raises(ValidationError) as caught:
        services.referral_send(
            access=world.access(),
            action_id=action.id,
            person_id=world.other_household.members.first().id,
            service_id=svc.id,
            consent_id=grant.id,
            domains=["nonsense"],
            question="   ",
        )
    assert {"person", "service", "domains", "question"} <= set(caught.value.message_dict)
    assert not Referral.objects.exists()


def test_an_action_of_another_team_is_not_found(world):
    svc = service()
    grant = consent(world, svc.organization)
    action = plan_action(world)
    with pytest.raises(Http404):
        services.referral_send(
            access=world.access(world.other_worker),
            action_id=action.id,
            person_id=grant.person_id,
            service_id=svc.id,
            consent_id=grant.id,
            domains=["verslaving"],
            question="Hulp.",
        )
    assert not Referral.objects.exists()


def _change(world, user, referral, status, reason="", version=None):
    """Messages of a refusal come in English (the msgids), whatever language is compiled."""
    with translation.override("en"):
        return services.referral_status_change(
            access=world.access(user),
            referral_id=referral.id,
            status=status,
            reason=reason,
            lock_version=version if version is not None else Referral.objects.get(id=referral.id).lock_version,
        )


def test_the_partner_walks_the_referral_to_completed_and_the_first_answer_is_kept(world):
    referral = send(world)
    agent = partner(referral.organization)
    accepted = _change(world, agent, referral, "accepted")
    assert accepted.answered_at is not None
    started = _change(world, agent, referral, "started")
    assert started.answered_at == accepted.answered_at
    done = _change(world, agent, referral, "completed")
    assert done.status == "completed"
    assert list(done.events.values_list("status", flat=True)) == ["sent", "accepted", "started", "completed"]
    assert AccessLogEntry.objects.filter(action="update", household_id=world.household.id, user=agent).count() == 3


def test_accepting_twice_is_refused_with_who_and_nothing_changes(world):
    referral = send(world)
    agent = partner(referral.organization)
    _change(world, agent, referral, "accepted")
    version = Referral.objects.get(id=referral.id).lock_version
    with pytest.raises(ValidationError) as caught:
        _change(world, agent, referral, "accepted")
    assert caught.value.error_dict["status"][0].code == "already"
    assert str(agent) in caught.value.message_dict["status"][0]
    assert Referral.objects.get(id=referral.id).lock_version == version
    assert referral.events.filter(status="accepted").count() == 1


def test_declining_needs_a_reason(world):
    referral = send(world)
    agent = partner(referral.organization)
    with pytest.raises(ValidationError) as caught:
        _change(world, agent, referral, "declined", reason="  ")
    assert "reason" in caught.value.message_dict
    assert Referral.objects.get(id=referral.id).status == "sent"
    declined = _change(world, agent, referral, "declined", reason="Geen plek; probeer de GGZ.")
    assert declined.status_reason == "Geen plek; probeer de GGZ."


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), "started"),
        ((), "completed"),
        (("accepted",), "sent"),
        (("accepted", "started"), "accepted"),
        (("accepted", "started", "completed"), "no_show"),
        ((), "bogus"),
    ],
)
def test_moves_the_rules_do_not_allow_are_refused(world, path, refused):
    referral = send(world)
    agent = partner(referral.organization)
    for status in path:
        _change(world, agent, referral, status)
    before = Referral.objects.get(id=referral.id)
    with pytest.raises(ValidationError):
        _change(world, agent, referral, refused)
    after = Referral.objects.get(id=referral.id)
    assert (after.status, after.lock_version) == (before.status, before.lock_version)


def test_only_the_team_withdraws_and_only_the_partner_answers(world):
    referral = send(world)
    agent = partner(referral.organization)
    with pytest.raises(ValidationError) as caught:
        _change(world, agent, referral, "cancelled", reason="Weg")
    assert "Only the team" in caught.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as caught:
        _change(world, world.worker, referral, "accepted")
    assert "Only the partner" in caught.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        _change(world, world.worker, referral, "cancelled", reason="")
    cancelled = _change(world, world.colleague, referral, "cancelled", reason="Gezin verhuisd.")
    assert cancelled.status == "cancelled" and cancelled.answered_at is None


def test_a_stale_version_is_refused(world):
    referral = send(world)
    agent = partner(referral.organization)
    with pytest.raises(ValidationError) as caught:
        _change(world, agent, referral, "accepted", version=referral.lock_version + 5)
    assert "lock_version" in caught.value.message_dict
    assert Referral.objects.get(id=referral.id).status == "sent"


def test_accepting_after_the_consent_was_withdrawn_is_refused(world):
    referral = send(world)
    grant = referral.consent
    grant.withdrawn_at, grant.withdrawn_by = timezone.now(), world.worker
    grant.save()
    agent = partner(referral.organization)
    with pytest.raises(ValidationError):
        _change(world, agent, referral, "accepted")
    assert _change(world, agent, referral, "declined", reason="Toestemming ingetrokken.").status == "declined"


@pytest.mark.parametrize("who", ["other_worker", "policy_officer", "functional_admin", "other_partner"])
def test_others_cannot_find_the_referral(world, who):
    referral = send(world)
    user = partner(organization("Ander")) if who == "other_partner" else getattr(world, who)
    with pytest.raises(Http404):
        _change(world, user, referral, "cancelled" if who == "other_worker" else "accepted", reason="x")
    assert Referral.objects.get(id=referral.id).status == "sent"
