"""The warm handover to the second line and back (issue 9, part 5): the summary, the caseload norm and the
coordinator's approval, the shared ownership, the joint conversation, the case director working the case
while the team reads it, the way back (afschalen), the API, isolation and the access log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.casefile import handover_services
from wijkkracht.casefile import services as lifecycle
from wijkkracht.casefile.models import Handover, HandoverDirection, HandoverStatus
from wijkkracht.casefile.tests.handover_helpers import finish_handover, hand_over, send_handover, start_handover
from wijkkracht.consent.tests.helpers import organization as consent_organization
from wijkkracht.consent.tests.helpers import partner_of
from wijkkracht.consent.tests.helpers import record as consent_record
from wijkkracht.diagnosis import services as diagnosis_services
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households import services as household_services
from wijkkracht.households.models import (
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    StatusChange,
    Task,
    TaskStatus,
)
from wijkkracht.households.tests.factories import HouseholdFactory, TaskFactory
from wijkkracht.plans.models import Goal, PlanStatus
from wijkkracht.plans.tests.helpers import add_goal, start_plan
from wijkkracht.privacy.access import may_write, visible_households
from wijkkracht.privacy.models import AccessAction, AccessLogEntry
from wijkkracht.security.testing import login_verified
from wijkkracht.teams.models import Municipality

TODAY = timezone.localdate


def _snapshot(handover: Handover) -> tuple:
    handover.refresh_from_db()
    household = Household.objects.get(id=handover.household_id)
    return (
        handover.status,
        handover.lock_version,
        handover.regisseur_id,
        handover.approved_by_id,
        handover.conversation_date,
        household.status,
        household.second_line_regisseur_id,
        StatusChange.objects.filter(household=household).count(),
    )


def _norm(value: int) -> None:
    Municipality.objects.filter(id=1).update(regisseur_caseload_norm=value)


def _messages(error: ValidationError) -> str:
    return " ".join(" ".join(str(m) for m in messages) for messages in error.message_dict.values())


# --- the whole way: to the second line and back ----------------------------------------------------------


def test_the_whole_way_to_the_second_line_and_back(world):
    plan = start_plan(world)
    add_goal(world, plan)
    call = TaskFactory(household=world.household, title="Huisbaas bellen", assigned_to=world.worker)
    household_services.contact_log(
        access=world.access(),
        household=world.household,
        kind=ContactKind.HOME_VISIT,
        date=TODAY(),
        duration_minutes=45,
        note="Gesprek over de schulden",
    )
    org = consent_organization()
    consent_record(world, org, person_id=world.household.members.get().id)

    handover = start_handover(world)
    # The drafted summary: measurements, plan and progress, contacts, risks from severe domains, consent.
    assert handover.status == HandoverStatus.DRAFT and handover.regisseur == world.regisseur
    assert "Integrale nulmeting" in handover.measurements_text or "nulmeting" in handover.measurements_text.lower()
    assert "Huurachterstand oplossen" in handover.plan_text
    assert "Gesprek over de schulden" in handover.contacts_text
    assert handover.risks_text.strip() and ("Wonen" in handover.risks_text or "wonen" in handover.risks_text.lower())
    assert org.name in handover.consents_text
    # Before sending the case director sees nothing.
    assert world.household not in visible_households(world.regisseur)

    handover = handover_services.handover_update(
        access=world.access(),
        handover=handover,
        expected_version=handover.lock_version,
        texts={"risks_text": "Dreigende huisuitzetting; zorgen om de veiligheid van de kinderen."},
    )
    send_handover(world, handover)
    world.household.refresh_from_db()
    # Shared ownership: the household is still open, both the team and the case director may write.
    assert world.household.status == HouseholdStatus.PLAN or world.household.is_open
    assert world.household in visible_households(world.regisseur)
    assert may_write(world.worker, world.household) and may_write(world.regisseur, world.household)
    status_before = world.household.status

    finish_handover(world, handover, user=world.regisseur)
    handover.refresh_from_db()
    world.household.refresh_from_db()
    assert handover.status == HandoverStatus.COMPLETED and handover.family_present is True
    assert world.household.status == HouseholdStatus.HANDED_OVER
    assert world.household.second_line_regisseur == world.regisseur
    call.refresh_from_db()
    assert call.assigned_to == world.regisseur and call.status == TaskStatus.OPEN  # the work goes along
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE  # the case director works with the plan
    assert not may_write(world.worker, world.household) and may_write(world.regisseur, world.household)

    back = handover_services.handover_back(
        access=world.access(world.regisseur),
        household=world.household,
        reason="Situatie stabiel; terug naar het wijkteam",
        contact_person_id=world.colleague.id,
        texts={"question_text": "Vinger aan de pols houden"},
    )
    world.household.refresh_from_db()
    assert back.direction == HandoverDirection.BACK_TO_TEAM and back.status == HandoverStatus.COMPLETED
    assert back.question_text == "Vinger aan de pols houden" and "Huurachterstand oplossen" in back.plan_text
    assert world.household.status == HouseholdStatus.IN_PROGRESS  # an active plan: in progress
    assert world.household.second_line_regisseur is None and world.household.contact_person == world.colleague
    assert world.household not in visible_households(world.regisseur)
    call.refresh_from_db()
    assert call.assigned_to == world.colleague
    steps = list(StatusChange.objects.filter(household=world.household).values_list("from_status", "to_status"))
    assert steps[-2:] == [(status_before, HouseholdStatus.HANDED_OVER), (HouseholdStatus.HANDED_OVER, "in_progress")]
    assert may_write(world.worker, world.household)


def test_the_way_back_without_a_plan_goes_to_intake_and_the_coordinator_names_the_contact_person(world):
    hand_over(world)
    with translation.override("en"):  # the task's title is written in the language of the moment
        handover_services.handover_back(
            access=world.access(world.regisseur), household=world.household, reason="Terug naar de eerste lijn"
        )
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.INTAKE
    assert world.household.contact_person == world.coordinator
    task = Task.objects.get(
        household=world.household,
        assigned_to=world.coordinator,
        status=TaskStatus.OPEN,
        title=f"{world.household.name} is back from the second line: name its contact person",
    )
    assert task.team == world.team


def test_only_the_case_director_hands_back_and_bad_input_saves_nothing(world):
    handover = hand_over(world)
    for user in (world.worker, world.coordinator):
        with pytest.raises(ValidationError):
            handover_services.handover_back(access=world.access(user), household=world.household, reason="Terug")
    before = _snapshot(handover)
    with pytest.raises(ValidationError) as refused:
        handover_services.handover_back(
            access=world.access(world.regisseur),
            household=world.household,
            reason=" ",
            contact_person_id=world.other_worker.id,  # not of the household's team
            date=TODAY() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"reason", "contact_person", "date"}
    assert _snapshot(handover) == before
    assert Handover.objects.filter(household=world.household).count() == 1


def test_the_case_director_can_close_the_case_and_the_status_form_offers_only_that(world, client):
    hand_over(world)
    client.force_login(world.regisseur)
    form = client.get(f"/huishoudens/{world.household.id}/status/").context["form"]
    assert [value for value, _label in form.fields["to_status"].choices] == ["closed"]
    client.force_login(world.worker)
    response = client.get(f"/huishoudens/{world.household.id}/status/")
    assert response.context["form"].fields["to_status"].choices == []
    lifecycle.household_status_change(
        access=world.access(world.regisseur), household=world.household, to_status="closed", reason="Afgerond"
    )
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.CLOSED
    assert not may_write(world.regisseur, world.household)


# --- the norm -----------------------------------------------------------------------------------------------


def test_over_the_norm_a_worker_is_refused_and_nothing_is_saved(world):
    _norm(1)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    assert handover_services.regisseur_caseload(world.regisseur) == 1
    handover = start_handover(world)
    before = _snapshot(handover)
    with pytest.raises(ValidationError) as refused:
        send_handover(world, handover)
    assert set(refused.value.message_dict) == {"regisseur"}
    assert "norm" in _messages(refused.value)
    assert _snapshot(handover) == before
    assert world.household not in visible_households(world.regisseur)


def test_over_the_norm_with_the_coordinators_approval(world):
    _norm(1)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    handover = start_handover(world)
    handover = handover_services.handover_request_approval(
        access=world.access(), handover=handover, expected_version=handover.lock_version
    )
    assert handover.status == HandoverStatus.AWAITING_APPROVAL
    task = Task.objects.get(household=world.household, assigned_to=world.coordinator, status=TaskStatus.OPEN)
    # The worker cannot approve, nor send while it waits.
    before = _snapshot(handover)
    for step in (handover_services.handover_approve, handover_services.handover_send):
        with pytest.raises(ValidationError):
            step(access=world.access(), handover=handover, expected_version=handover.lock_version)
    assert _snapshot(handover) == before
    handover = handover_services.handover_approve(
        access=world.access(world.coordinator), handover=handover, expected_version=handover.lock_version
    )
    assert handover.status == HandoverStatus.SENT and handover.approved_by == world.coordinator
    assert (handover.caseload_at_send, handover.norm_at_send) == (1, 1)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert handover_services.regisseur_caseload(world.regisseur) == 2
    loads = {load.regisseur: load for load in handover_services.regisseur_loads()}
    assert loads[world.regisseur].caseload == 2 and not loads[world.regisseur].has_room


def test_a_coordinator_who_sends_over_the_norm_approves_it(world):
    _norm(1)
    other = UserFactory(username="regisseur2", regisseur=True)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    handover = start_handover(world, user=world.coordinator)
    send_handover(world, handover, user=world.coordinator)
    handover.refresh_from_db()
    assert handover.approved_by == world.coordinator
    loads = [load.regisseur for load in handover_services.regisseur_loads()]
    assert loads[0] == other  # the one with room comes first


def test_within_the_norm_no_approval_is_asked(world):
    handover = start_handover(world)
    before = _snapshot(handover)
    with pytest.raises(ValidationError) as refused:
        handover_services.handover_request_approval(
            access=world.access(), handover=handover, expected_version=handover.lock_version
        )
    assert "regisseur" in refused.value.message_dict
    assert _snapshot(handover) == before


# --- the case director works the case; the team reads ---------------------------------------------------


def test_the_case_director_logs_contacts_tasks_plan_measurements_after_the_handover(world):
    plan = start_plan(world)
    hand_over(world)
    access = world.access(world.regisseur)
    contact = household_services.contact_log(
        access=access, household=world.household, kind=ContactKind.PHONE, date=TODAY(), duration_minutes=20
    )
    assert contact.worker == world.regisseur
    task = household_services.task_create(
        access=access,
        household=world.household,
        title="Schuldhulp bellen",
        due_date=TODAY(),
        assigned_to_id=world.regisseur.id,
    )
    household_services.task_complete(access=access, task=task)
    with pytest.raises(ValidationError) as refused:  # tasks on a handed-over household are the case director's
        household_services.task_create(
            access=access,
            household=world.household,
            title="Voor het team",
            due_date=TODAY(),
            assigned_to_id=world.worker.id,
        )
    assert "assigned_to" in refused.value.message_dict
    plan.refresh_from_db()
    goal = add_goal(world, plan, access=access, what="Schulden in beeld")
    assert Goal.objects.filter(id=goal.id, plan=plan).exists()
    measurement = take(world, "integrale-nulmeting", 2, user=world.regisseur)
    assert measurement.status == "complete"
    no_show = household_services.contact_log(
        access=access, household=world.household, kind=ContactKind.NO_SHOW, date=TODAY()
    )
    assert no_show.follow_up_task.assigned_to == world.regisseur  # the follow-up is the case director's


def test_the_team_keeps_reading_but_cannot_write(world, client, api):
    plan = start_plan(world)
    hand_over(world)
    world.household.refresh_from_db()
    access = world.access(world.worker)
    counts = (Contact.objects.count(), Task.objects.count(), Goal.objects.count(), Measurement.objects.count())
    attempts = [
        lambda: household_services.contact_log(
            access=access, household=world.household, kind=ContactKind.PHONE, date=TODAY(), duration_minutes=5
        ),
        lambda: household_services.task_create(
            access=access, household=world.household, title="x", due_date=TODAY(), assigned_to_id=world.regisseur.id
        ),
        lambda: add_goal(world, plan),
        lambda: diagnosis_services.measurement_start(
            access=access, household=world.household, instrument_code="integrale-nulmeting", date=TODAY()
        ),
        lambda: lifecycle.household_status_change(
            access=access, household=world.household, to_status="closed", reason="x"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "tweede lijn" in _messages(refused.value) or "second line" in _messages(refused.value)
    assert (Contact.objects.count(), Task.objects.count(), Goal.objects.count(), Measurement.objects.count()) == counts

    client.force_login(world.worker)
    page = client.get(f"/huishoudens/{world.household.id}/")
    assert page.status_code == 200
    assert f"/huishoudens/{world.household.id}/contacten/nieuw/" not in page.content.decode()
    response = client.get(f"/huishoudens/{world.household.id}/contacten/nieuw/")
    assert response.status_code == 302  # back to the case file with the reason
    plan_page = client.get(f"/huishoudens/{world.household.id}/plan/{plan.id}/")
    assert plan_page.status_code == 200 and "/doelen/nieuw/" not in plan_page.content.decode()
    api.force_authenticate(world.worker)
    assert api.get(f"/api/v1/households/{world.household.id}/").status_code == 200
    response = api.post(
        "/api/v1/contacts/",
        {"household": world.household.id, "kind": "phone", "date": TODAY().isoformat(), "duration_minutes": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "tweede lijn" in str(response.json()) or "second line" in str(response.json())
    assert Contact.objects.count() == counts[0]


def test_during_shared_ownership_both_work_and_cancelling_takes_the_access_back(world):
    handover = start_handover(world)
    send_handover(world, handover)
    world.household.refresh_from_db()
    household_services.contact_log(
        access=world.access(world.regisseur),
        household=world.household,
        kind=ContactKind.PHONE,
        date=TODAY(),
        duration_minutes=10,
    )
    task = household_services.task_create(
        access=world.access(world.regisseur),
        household=world.household,
        title="Kennismaken",
        due_date=TODAY(),
        assigned_to_id=world.regisseur.id,
    )
    handover.refresh_from_db()
    before = _snapshot(handover)
    with pytest.raises(ValidationError) as refused:
        handover_services.handover_cancel(
            access=world.access(), handover=handover, expected_version=handover.lock_version, reason=" "
        )
    assert set(refused.value.message_dict) == {"reason"}
    assert _snapshot(handover) == before
    handover_services.handover_cancel(
        access=world.access(), handover=handover, expected_version=handover.lock_version, reason="Gezin wil niet"
    )
    world.household.refresh_from_db()
    assert world.household.second_line_regisseur is None and world.household.is_open
    assert world.household not in visible_households(world.regisseur)
    task.refresh_from_db()
    assert task.assigned_to == world.household.contact_person


def test_completing_needs_the_conversation_and_bad_conversations_save_nothing(world):
    handover = start_handover(world)
    send_handover(world, handover)
    handover.refresh_from_db()
    before = _snapshot(handover)
    with pytest.raises(ValidationError) as refused:
        handover_services.handover_complete(
            access=world.access(), handover=handover, expected_version=handover.lock_version
        )
    assert "non_field_errors" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        handover_services.handover_conversation_record(
            access=world.access(),
            handover=handover,
            expected_version=handover.lock_version,
            date=TODAY() + datetime.timedelta(days=2),
            attendees="  ",
            family_present=None,
        )
    assert set(refused.value.message_dict) == {"conversation_date", "conversation_attendees", "family_present"}
    with pytest.raises(ValidationError):  # a stale version
        handover_services.handover_cancel(
            access=world.access(), handover=handover, expected_version=handover.lock_version - 1, reason="x"
        )
    assert _snapshot(handover) == before


def test_one_handover_at_a_time_and_a_closed_household_gets_none(world):
    start_handover(world)
    with pytest.raises(ValidationError):
        start_handover(world)
    closed = HouseholdFactory(team=world.team, contact_person=world.worker, status=HouseholdStatus.CLOSED)
    with pytest.raises(ValidationError):
        start_handover(world, household=closed)
    with pytest.raises(ValidationError):  # another team's household
        start_handover(world, household=world.other_household)
    assert Handover.objects.count() == 1


# --- pages -------------------------------------------------------------------------------------------------


def test_the_handover_pages_work_the_whole_way(world, client):
    start_plan(world)
    client.force_login(world.worker)
    household = world.household
    page = client.get(f"/huishoudens/{household.id}/overdracht/")
    assert page.status_code == 200 and f'id="load-{world.regisseur.id}"' in page.content.decode()
    response = client.post(
        f"/huishoudens/{household.id}/overdracht/", {"regisseur": world.regisseur.id, "question_text": "Hulp"}
    )
    handover = Handover.objects.get(household=household)
    assert response.status_code == 302 and response.url == f"/huishoudens/{household.id}/overdracht/{handover.id}/"
    html = client.get(response.url).content.decode()
    assert "<svg" in html and 'id="summary-form"' in html and 'id="send-handover"' in html
    response = client.post(
        f"/huishoudens/{household.id}/overdracht/{handover.id}/versturen/", {"lock_version": handover.lock_version}
    )
    assert response.status_code == 302
    client.force_login(world.regisseur)
    url = f"/huishoudens/{household.id}/overdracht/{handover.id}/"
    handover.refresh_from_db()
    response = client.post(
        url + "gesprek/",
        {
            "lock_version": handover.lock_version,
            "conversation_date": TODAY().isoformat(),
            "conversation_attendees": "",
            "family_present": "",
        },
    )
    assert response.status_code == 400  # the errors on the page, nothing saved
    assert "conversation_attendees" in response.context["conversation_form"].errors
    handover.refresh_from_db()
    assert handover.conversation_date is None
    response = client.post(
        url + "gesprek/",
        {
            "lock_version": handover.lock_version,
            "conversation_date": TODAY().isoformat(),
            "conversation_attendees": "Contactpersoon, regisseur, vader",
            "family_present": "yes",
        },
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    response = client.post(url + "afronden/", {"lock_version": handover.lock_version, "date": TODAY().isoformat()})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.HANDED_OVER
    html = client.get(f"/huishoudens/{household.id}/").content.decode()
    assert f"/huishoudens/{household.id}/terug-naar-eerste-lijn/" in html
    page = client.get(f"/huishoudens/{household.id}/terug-naar-eerste-lijn/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"team": world.team.id, "contact_person": world.worker.id, "reason": "Stabiel", "date": TODAY().isoformat()}
    response = client.post(f"/huishoudens/{household.id}/terug-naar-eerste-lijn/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    household.refresh_from_db()
    assert household.status == HouseholdStatus.IN_PROGRESS and household.second_line_regisseur is None


def test_over_the_norm_on_the_page_a_worker_sees_why_and_can_ask_approval(world, client):
    _norm(1)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    handover = start_handover(world)
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/overdracht/{handover.id}/"
    html = client.get(url).content.decode()
    assert 'id="ask-approval"' in html
    response = client.post(url + "versturen/", {"lock_version": handover.lock_version})
    # Refused: back to the handover page (a reload does not post again), the reason as a message.
    assert response.status_code == 302 and response.url == url
    page = client.get(url)
    assert any(message.level_tag == "error" for message in page.context["messages"])
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.DRAFT
    client.post(url + "goedkeuring-vragen/", {"lock_version": handover.lock_version})
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.AWAITING_APPROVAL
    client.force_login(world.coordinator)
    assert 'id="approve-handover"' in client.get(url).content.decode()
    client.post(url + "goedkeuren/", {"lock_version": handover.lock_version})
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT and handover.approved_by == world.coordinator


def test_the_case_directors_menu_offers_what_the_role_does(world, client):
    client.force_login(world.regisseur)
    html = client.get("/huishoudens/mijn/").content.decode()
    nav = html[html.index("<nav aria-label") : html.index("</nav>")]
    assert "/huishoudens/mijn/" in nav and "/huishoudens/mijn-taken/" in nav
    assert "/huishoudens/team/" not in nav and "/huishoudens/aanmelden/" not in nav
    hand_over(world)
    html = client.get("/huishoudens/mijn/").content.decode()
    assert world.household.name in html


# --- isolation and the access log --------------------------------------------------------------------------


def test_others_get_nothing(world, client, api):
    handover = hand_over(world)
    other_regisseur = UserFactory(username="regisseur2", regisseur=True)
    partner = partner_of(consent_organization())
    urls = [
        f"/huishoudens/{world.household.id}/overdracht/{handover.id}/",
        f"/huishoudens/{world.household.id}/overdracht/",
        f"/huishoudens/{world.household.id}/terug-naar-eerste-lijn/",
    ]
    for user in (world.other_worker, world.other_coordinator, other_regisseur):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        api.force_authenticate(user)
        assert api.get(f"/api/v1/handovers/{handover.id}/").status_code == 404
        assert api.get("/api/v1/handovers/").json()["results"] == []
        response = api.post(
            f"/api/v1/handovers/{handover.id}/cancel/", {"lock_version": 1, "reason": "x"}, format="json"
        )
        assert response.status_code == 404
        response = api.post("/api/v1/handovers/back/", {"household": world.household.id, "reason": "x"}, format="json")
        assert response.status_code == 404
    for user in (world.policy_officer, world.functional_admin, partner):
        login_verified(client, user)
        for url in urls:
            assert client.get(url).status_code in (403, 404), (user, url)
        api.force_authenticate(user)
        assert api.get(f"/api/v1/handovers/{handover.id}/").status_code in (403, 404)
        assert api.get("/api/v1/handovers/").status_code in (403, 404)
        assert api.get(f"/api/v1/handovers/{handover.id}/case-directors/").status_code in (403, 404)
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.COMPLETED


def test_reads_and_writes_of_handovers_are_access_logged(world, client, api):
    handover = start_handover(world)
    assert AccessLogEntry.objects.filter(
        household_id=world.household.id, action=AccessAction.CREATE, what__contains="handover"
    ).exists()
    client.force_login(world.worker)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    client.get(f"/huishoudens/{world.household.id}/overdracht/{handover.id}/")
    rows = AccessLogEntry.objects.filter(id__gt=since)
    assert rows.filter(action=AccessAction.VIEW, household_id=world.household.id).exists()
    api.force_authenticate(world.worker)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    api.get("/api/v1/handovers/")
    assert AccessLogEntry.objects.filter(
        id__gt=since, action=AccessAction.LIST, subjects__household_id=world.household.id
    ).exists()
    client.force_login(world.other_worker)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    client.get(f"/huishoudens/{world.household.id}/overdracht/{handover.id}/")
    assert AccessLogEntry.objects.filter(id__gt=since, action=AccessAction.REFUSED).exists()


# --- the API -------------------------------------------------------------------------------------------------


def test_the_api_takes_the_whole_way_with_the_same_rules(world, api):
    start_plan(world)
    api.force_authenticate(world.worker)
    response = api.post(
        "/api/v1/handovers/", {"household": world.household.id, "question_text": "Langdurige hulp"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    handover_id = body["id"]
    assert body["status"] == "draft" and body["case_director"] is None and body["risks_text"]
    loads = api.get(f"/api/v1/handovers/{handover_id}/case-directors/").json()["results"]
    assert [(row["case_director"], row["caseload"], row["has_room"]) for row in loads] == [
        (world.regisseur.id, 0, True)
    ]
    response = api.post(f"/api/v1/handovers/{handover_id}/send/", {"lock_version": body["lock_version"]}, format="json")
    assert response.status_code == 400 and "case_director" in response.json()
    response = api.patch(
        f"/api/v1/handovers/{handover_id}/",
        {"lock_version": body["lock_version"], "case_director": world.regisseur.id, "risks_text": "x" * 4001},
        format="json",
    )
    assert response.status_code == 400
    assert api.get(f"/api/v1/handovers/{handover_id}/").json()["case_director"] is None  # nothing saved
    response = api.patch(
        f"/api/v1/handovers/{handover_id}/",
        {"lock_version": body["lock_version"], "case_director": world.regisseur.id},
        format="json",
    )
    assert response.status_code == 200 and response.json()["case_director"] == world.regisseur.id
    version = response.json()["lock_version"]
    response = api.post(f"/api/v1/handovers/{handover_id}/send/", {"lock_version": version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "sent"
    api.force_authenticate(world.regisseur)
    version = response.json()["lock_version"]
    response = api.post(
        f"/api/v1/handovers/{handover_id}/conversation/",
        {"lock_version": version, "date": TODAY().isoformat(), "attendees": "Allen", "family_present": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    response = api.post(
        f"/api/v1/handovers/{handover_id}/complete/", {"lock_version": response.json()["lock_version"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"
    response = api.post(
        "/api/v1/contacts/",
        {"household": world.household.id, "kind": "phone", "date": TODAY().isoformat(), "duration_minutes": 15},
        format="json",
    )
    assert response.status_code == 201
    response = api.post(
        f"/api/v1/households/{world.household.id}/status/", {"to_status": "intake", "reason": "x"}, format="json"
    )
    assert response.status_code == 400  # the way back is its own step
    response = api.post(
        "/api/v1/handovers/back/",
        {"household": world.household.id, "reason": "Stabiel", "contact_person": world.worker.id},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "back_to_team"
    world.household.refresh_from_db()
    assert world.household.status == HouseholdStatus.IN_PROGRESS
    history = api.get(f"/api/v1/households/{world.household.id}/status-history/")
    assert history.status_code == 404  # the case director's access has ended
    api.force_authenticate(world.worker)
    history = api.get(f"/api/v1/households/{world.household.id}/status-history/").json()["results"]
    statuses = [(entry["from_status"], entry["to_status"]) for entry in history if entry["kind"] == "status"]
    assert statuses[:2] == [("handed_over", "in_progress"), ("plan", "handed_over")]
