"""The consent register's rules, proven on the database: every bad input is refused with a message on its
field and nothing is saved (read back), a legal ground is logged as such, a withdrawal holds once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from wijkkracht.consent import selectors, services
from wijkkracht.consent.models import Consent
from wijkkracht.consent.tests.helpers import organization, partner_of, record, yesterday
from wijkkracht.households.models import Household, HouseholdStatus, Task
from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.privacy.models import AccessLogEntry

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def log_rows(household_id):
    return list(AccessLogEntry.objects.filter(household_id=household_id).order_by("id"))


def test_a_consent_is_recorded_with_its_domains_in_catalogue_order_and_logged(world):
    org = organization()
    anna = world.household.members.get()
    consent = record(world, org, domains=["gezondheid", "verslaving", "gezondheid"], given_how="written")

    saved = Consent.objects.get(id=consent.id)
    assert (saved.household_id, saved.person_id, saved.organization_id) == (world.household.id, anna.id, org.id)
    assert saved.domains == ["gezondheid", "verslaving"]  # the plan catalogue's order, once each
    assert (saved.ground, saved.given_how, saved.reason, saved.recorded_by) == ("consent", "written", "", world.worker)
    assert saved.in_force() and saved.withdrawn_at is None
    [row] = log_rows(world.household.id)
    assert (row.action, row.person_id, row.user_id) == ("create", anna.id, world.worker.id)
    assert row.what == f"consent {consent.id} recorded: referral to organisation {org.id}"
    assert not Task.objects.filter(household=world.household).exists()


def test_a_legal_ground_is_logged_as_such_and_the_coordinator_reviews_it(world):
    org = organization("Veilig Thuis")
    consent = record(
        world, org, ground="meldcode_safety", given_how="", reason="Acute onveiligheid: kind meldt geweld thuis."
    )

    saved = Consent.objects.get(id=consent.id)
    assert saved.is_legal_ground and saved.given_how == "" and saved.reason.startswith("Acute onveiligheid")
    [row] = log_rows(world.household.id)
    assert row.action == "create"
    assert row.what.startswith(f"legal ground other than consent (meldcode_safety) {consent.id} recorded")
    [task] = Task.objects.filter(household=world.household)
    assert task.assigned_to == world.coordinator and task.status == "open" and "Veilig Thuis" in task.title
    assert task.due_date > TODAY()


def test_a_coordinator_recording_a_legal_ground_gets_no_task_to_review_themselves(world):
    record(
        world, organization(), user=world.coordinator, ground="legal_duty", given_how="", reason="Wettelijke plicht."
    )
    assert Consent.objects.count() == 1
    assert not Task.objects.exists()


BAD_INPUT = {
    "ends before it starts": (
        {"valid_from": TODAY(), "valid_until": TODAY() - datetime.timedelta(days=1)},
        "valid_until",
    ),
    "legal ground without a reason": ({"ground": "meldcode_safety", "given_how": "", "reason": "  "}, "reason"),
    "legal ground said to be given": ({"ground": "legal_duty", "given_how": "oral", "reason": "Plicht."}, "given_how"),
    "consent without how given": ({"given_how": ""}, "given_how"),
    "consent with a legal reason": ({"reason": "Omdat het moet."}, "reason"),
    "no domains": ({"domains": []}, "domains"),
    "a domain not in the catalogue": ({"domains": ["verslaving", "schulden"]}, "domains"),
    "unknown purpose": ({"purpose": "marketing"}, "purpose"),
    "unknown ground": ({"ground": "because"}, "ground"),
    "organisation not on the social map": ({"organization_id": 987654}, "organization"),
    "member of no household": ({"person_id": 987654}, "person"),
    "starts too far ahead": (
        {"valid_from": TODAY() + datetime.timedelta(days=services.MAX_DAYS_AHEAD + 1)},
        "valid_from",
    ),
    "started more than a year ago": (
        {"valid_from": TODAY() - datetime.timedelta(days=services.MAX_DAYS_BACK + 1)},
        "valid_from",
    ),
    "lasts more than five years": ({"valid_until": TODAY() + datetime.timedelta(days=6 * 366)}, "valid_until"),
    "a reason that is too long": (
        {"ground": "legal_duty", "given_how": "", "reason": "x" * (services.REASON_MAX_LENGTH + 1)},
        "reason",
    ),
    "an invisible character in the reason": (
        {"ground": "legal_duty", "given_how": "", "reason": "Plicht\u200b."},
        "reason",
    ),
}


@pytest.mark.parametrize("overrides, field", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(world, overrides, field):
    org = organization()
    with pytest.raises(ValidationError) as refused:
        record(world, org, **overrides)
    assert field in refused.value.message_dict, refused.value.message_dict
    assert all(refused.value.message_dict[field])
    assert not Consent.objects.exists()
    assert not log_rows(world.household.id)
    assert not Task.objects.exists()


def test_a_consent_that_ends_before_it_starts_says_so(world):
    with pytest.raises(ValidationError) as refused:
        record(world, organization(), valid_from=TODAY(), valid_until=TODAY() - datetime.timedelta(days=1))
    assert refused.value.message_dict["valid_until"] == [str(services._("A consent cannot end before it starts."))]


def test_every_problem_is_reported_at_once(world):
    with pytest.raises(ValidationError) as refused:
        record(world, organization(), domains=[], given_how="", valid_until=TODAY() - datetime.timedelta(days=3))
    assert {"domains", "given_how", "valid_until"} <= set(refused.value.message_dict)


def test_a_member_of_another_household_is_refused(world):
    other_member = world.other_household.members.get()
    with pytest.raises(ValidationError) as refused:
        record(world, organization(), person_id=other_member.id)
    assert "person" in refused.value.message_dict
    assert not Consent.objects.exists()


def test_a_foreign_or_missing_household_is_the_same_404_and_nothing_is_saved(world):
    org = organization()
    other_member = world.other_household.members.get()
    for household_id in (world.other_household.id, 987_654_321):
        with pytest.raises(Http404):
            record(world, org, household_id=household_id, person_id=other_member.id)
    assert not Consent.objects.exists()
    assert not AccessLogEntry.objects.exists()
    # The other team's worker records for their own household without trouble.
    record(world, org, user=world.other_worker, household_id=world.other_household.id, person_id=other_member.id)
    assert Consent.objects.get().household_id == world.other_household.id


def test_roles_without_case_access_record_nothing(world):
    org = organization()
    for user in (world.policy_officer, world.functional_admin, partner_of(org)):
        with pytest.raises(ValidationError):
            record(world, org, user=user)
    assert not Consent.objects.exists()


def test_a_closed_household_takes_no_new_consent(world):
    Household.objects.filter(id=world.household.id).update(status=HouseholdStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        record(world, organization())
    assert "household" in refused.value.message_dict
    assert not Consent.objects.exists()


def test_a_handed_over_household_takes_consents_from_its_case_director_only(world):
    Household.objects.filter(id=world.household.id).update(
        status=HouseholdStatus.HANDED_OVER, second_line_regisseur=world.regisseur
    )
    org = organization()
    with pytest.raises(ValidationError) as refused:
        record(world, org)  # the team keeps reading, no longer writes
    assert "household" in refused.value.message_dict
    consent = record(world, org, user=world.regisseur, ground="meldcode_safety", given_how="", reason="Acuut.")
    assert Consent.objects.get().recorded_by == world.regisseur
    # The team's coordinator no longer works the case: no review task for them.
    assert consent.is_legal_ground and not Task.objects.exists()


# --- withdrawal ------------------------------------------------------------------------------------------


def test_a_withdrawal_takes_effect_at_once_and_is_logged(world):
    consent = record(world, organization(), valid_from=yesterday())
    assert selectors.consents_in_force(household=world.household).count() == 1

    withdrawn = services.consent_withdraw(access=world.access(world.colleague), consent_id=consent.id, note=" Gebeld ")

    saved = Consent.objects.get(id=consent.id)
    assert saved.withdrawn_at == withdrawn.withdrawn_at and saved.withdrawn_at <= timezone.now()
    assert (saved.withdrawn_by, saved.withdrawal_note) == (world.colleague, "Gebeld")
    assert not saved.in_force()
    assert not selectors.consents_in_force(household=world.household).exists()
    row = log_rows(world.household.id)[-1]
    assert (row.action, row.user_id, row.person_id) == ("update", world.colleague.id, consent.person_id)
    assert row.what == f"consent {consent.id} withdrawn: referral to organisation {consent.organization_id}"


def test_a_second_withdrawal_is_refused_and_changes_nothing(world):
    consent = record(world, organization())
    services.consent_withdraw(access=world.access(), consent_id=consent.id, note="Eerste")
    first = Consent.objects.get(id=consent.id)
    rows_before = len(log_rows(world.household.id))

    with pytest.raises(ValidationError) as refused:
        services.consent_withdraw(access=world.access(world.colleague), consent_id=consent.id, note="Tweede")

    assert str(world.worker) in " ".join(refused.value.messages)
    again = Consent.objects.get(id=consent.id)
    assert (again.withdrawn_at, again.withdrawn_by, again.withdrawal_note) == (
        first.withdrawn_at,
        world.worker,
        "Eerste",
    )
    assert len(log_rows(world.household.id)) == rows_before


def test_a_foreign_consent_cannot_be_withdrawn(world):
    consent = record(world, organization())
    for user in (world.other_worker, world.other_coordinator):
        with pytest.raises(Http404):
            services.consent_withdraw(access=world.access(user), consent_id=consent.id)
    for user in (world.policy_officer, world.functional_admin):
        with pytest.raises(ValidationError):
            services.consent_withdraw(access=world.access(user), consent_id=consent.id)
    assert Consent.objects.get(id=consent.id).withdrawn_at is None


def test_a_withdrawal_note_that_is_too_long_is_refused(world):
    consent = record(world, organization())
    with pytest.raises(ValidationError) as refused:
        services.consent_withdraw(access=world.access(), consent_id=consent.id, note="x" * 501)
    assert "note" in refused.value.message_dict
    assert Consent.objects.get(id=consent.id).withdrawn_at is None


def test_a_consent_can_still_be_withdrawn_after_the_household_is_closed(world):
    """Withdrawing only narrows what is shared; the member's right to withdraw outlives the team's work."""
    consent = record(world, organization())
    Household.objects.filter(id=world.household.id).update(status=HouseholdStatus.CLOSED)
    services.consent_withdraw(access=world.access(), consent_id=consent.id)
    assert Consent.objects.get(id=consent.id).withdrawn_at is not None


# --- selectors -------------------------------------------------------------------------------------------


def test_consents_in_force_on_a_day_per_member_and_organisation(world):
    org, other_org = organization(), organization("GGZ Oost")
    anna = world.household.members.get()
    bas = PersonFactory(household=world.household, first_name="Bas")
    today = TODAY()
    current = record(world, org, valid_from=yesterday())
    ended = record(world, org, valid_from=today - datetime.timedelta(days=10), valid_until=yesterday())
    future = record(world, org, valid_from=today + datetime.timedelta(days=5))
    withdrawn = record(world, org)
    services.consent_withdraw(access=world.access(), consent_id=withdrawn.id)
    for_bas = record(world, other_org, person_id=bas.id, ground="legal_duty", given_how="", reason="Plicht.")

    def ids(**kwargs):
        return set(selectors.consents_in_force(household=world.household, **kwargs).values_list("id", flat=True))

    assert ids() == {current.id, for_bas.id}
    assert ids(person=anna) == {current.id}
    assert ids(organization=other_org) == {for_bas.id}
    assert ids(person=anna, organization=other_org) == set()
    assert ids(day=today + datetime.timedelta(days=5)) == {current.id, future.id, for_bas.id}
    assert ids(day=today - datetime.timedelta(days=3)) == {ended.id}
    assert not selectors.consents_in_force(household=world.other_household).exists()


def test_the_list_of_a_household_is_empty_for_someone_who_may_not_see_it(world):
    consent = record(world, organization())
    assert list(selectors.consent_list_for_household(access=world.access(), household=world.household)) == [consent]
    for user in (world.other_worker, world.policy_officer, world.functional_admin):
        assert not selectors.consent_list_for_household(access=world.access(user), household=world.household).exists()


def test_fetching_one_consent_logs_the_read_or_notes_the_refusal(world):
    consent = record(world, organization())
    since = AccessLogEntry.objects.count()
    access = world.access()
    assert selectors.consent_get_for_user(access=access, consent_id=consent.id) == consent
    [row] = AccessLogEntry.objects.order_by("id")[since:]
    assert (row.action, row.household_id, row.person_id, row.what) == (
        "view",
        world.household.id,
        consent.person_id,
        f"consent {consent.id}",
    )
    other = world.access(world.other_worker)
    with pytest.raises(Http404):
        selectors.consent_get_for_user(access=other, consent_id=consent.id)
    assert [(r.kind, r.record_id) for r in other.trail.refusals] == [("consent", consent.id)]
