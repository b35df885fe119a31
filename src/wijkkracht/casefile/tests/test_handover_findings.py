"""What a tester found in the warm handover (issue 9): the question asked of the second line is required and
checked before the coordinator is asked, the summaries stay findable from the case file, the way back
starts from the previous team and contact person, the norm's wording, the cancel label, a refused send goes
back to the handover page, the measurement pages of a read-only case file, and the pages a case director
without a team does not get."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from wijkkracht.casefile import handover_services
from wijkkracht.casefile.handover_forms import HandoverCancelForm, HandoverStartForm, HandoverSummaryForm
from wijkkracht.casefile.models import Handover, HandoverStatus
from wijkkracht.casefile.tests.handover_helpers import hand_over, start_handover
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.households.forms import TaskCancelForm
from wijkkracht.households.models import Household, Task, TaskStatus
from wijkkracht.households.tests.factories import HouseholdFactory, TaskFactory
from wijkkracht.teams.models import Municipality

TODAY = timezone.localdate


def _norm(value: int) -> None:
    Municipality.objects.filter(id=1).update(regisseur_caseload_norm=value)


def _errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.context["messages"] if message.level_tag == "error"]


# --- 1. the question asked of the second line ----------------------------------------------------------


def test_the_question_is_required_on_the_forms_and_an_empty_one_starts_nothing(world, client):
    for form_class in (HandoverStartForm, HandoverSummaryForm):
        assert form_class(loads=[]).fields["question_text"].required
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/overdracht/"
    page = client.get(url).content.decode()
    label = page[page.index('for="id_question_text"') : page.index("</label>", page.index('for="id_question_text"'))]
    assert 'class="optional"' not in label
    response = client.post(url, {"regisseur": world.regisseur.id, "question_text": "  "})
    assert response.status_code == 400 and "question_text" in response.context["form"].errors
    assert not Handover.objects.filter(household=world.household).exists()


def test_asking_approval_checks_what_sending_needs_so_the_coordinator_never_meets_it(world):
    _norm(1)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    handover = start_handover(world)
    Handover.objects.filter(id=handover.id).update(question_text="", risks_text="")
    handover.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        handover_services.handover_request_approval(
            access=world.access(), handover=handover, expected_version=handover.lock_version
        )
    assert {"question_text", "risks_text"} <= set(refused.value.message_dict)
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.DRAFT and handover.approval_requested_by is None
    assert not Task.objects.filter(dedupe_key=f"handover-approval:{handover.id}").exists()


# --- 2. the summaries stay findable -------------------------------------------------------------------------


def test_the_case_file_links_to_the_handovers_there_and_back(world, client):
    there = hand_over(world)
    back = handover_services.handover_back(
        access=world.access(world.regisseur),
        household=world.household,
        reason="Stabiel",
        contact_person_id=world.worker.id,
    )
    client.force_login(world.worker)
    html = client.get(f"/huishoudens/{world.household.id}/?toon=geschiedenis").content.decode()
    assert 'id="handover-list"' in html
    for handover in (there, back):
        assert f'href="/huishoudens/{world.household.id}/overdracht/{handover.id}/"' in html
    assert client.get(f"/huishoudens/{world.household.id}/overdracht/{back.id}/").status_code == 200
    client.force_login(world.other_worker)
    assert client.get(f"/huishoudens/{world.household.id}/").status_code == 404


# --- 3. the way back starts from the previous team and contact person --------------------------------------


def test_the_way_back_is_prefilled_with_the_team_and_previous_contact_person_who_gets_the_tasks(world, client):
    hand_over(world)
    call = TaskFactory(household=world.household, title="Huisbaas bellen", assigned_to=world.regisseur)
    client.force_login(world.regisseur)
    url = f"/huishoudens/{world.household.id}/terug-naar-eerste-lijn/"
    page = client.get(url)
    form = page.context["form"]
    assert form["team"].value() == world.team.id and form["contact_person"].value() == world.worker.id
    html = page.content.decode()
    assert f'<option value="{world.worker.id}" selected>' in html
    assert f'<option value="{world.team.id}" selected>' in html
    # Submitted as offered, without choosing anything.
    data = {name: form[name].value() or "" for name in form.fields} | {"reason": "Stabiel"}
    assert client.post(url, data).status_code == 302
    world.household.refresh_from_db()
    call.refresh_from_db()
    assert world.household.team == world.team and world.household.contact_person == world.worker
    assert call.assigned_to == world.worker and call.status == TaskStatus.OPEN


def test_a_previous_contact_person_who_left_the_team_is_not_offered(world, client):
    hand_over(world)
    world.worker.is_active = False
    world.worker.save(update_fields=["is_active"])
    client.force_login(world.regisseur)
    form = client.get(f"/huishoudens/{world.household.id}/terug-naar-eerste-lijn/").context["form"]
    assert form["contact_person"].value() is None


# --- 5. the caseload norm's wording and count ------------------------------------------------------------


def test_at_the_norm_the_choice_says_one_more_goes_over_it(world):
    _norm(2)
    for _index in range(2):
        hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    loads = handover_services.regisseur_loads()
    (load,) = [load for load in loads if load.regisseur == world.regisseur]
    assert (load.caseload, load.norm, load.has_room) == (2, 2, False)
    assert handover_services._would_go_over(world.regisseur)[0]  # the 3rd needs approval
    with translation.override("en"):
        form = HandoverStartForm(loads=loads)
        label = form.fields["regisseur"].label_from_instance(world.regisseur)  # type: ignore[attr-defined]
    assert label.endswith("2 of 2 households (full: with this handover over the norm, needs approval)")
    _norm(3)
    loads = handover_services.regisseur_loads()
    assert not handover_services._would_go_over(world.regisseur)[0]  # 2 of 3: the 3rd fits
    with translation.override("en"):
        label = HandoverStartForm(loads=loads).fields["regisseur"].label_from_instance(world.regisseur)  # type: ignore[attr-defined]
    assert label.endswith("2 of 3 households")


# --- 6. the cancel label ----------------------------------------------------------------------------------


def test_the_cancel_field_speaks_of_the_handover_not_of_a_task():
    for language in ("en", "nl"):
        with translation.override(language):
            label = str(HandoverCancelForm().fields["reason"].label)
            assert label != str(TaskCancelForm().fields["reason"].label)
            assert "handover" in label.lower() or "overdracht" in label.lower()


# --- 7 and 11. a refused send goes back to the handover page; a form with errors answers 400 --------------


def test_a_refused_send_redirects_to_the_handover_with_the_reason_and_saves_nothing(world, client):
    _norm(1)
    hand_over(world, household=HouseholdFactory(team=world.team, contact_person=world.worker))
    handover = start_handover(world)
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/overdracht/{handover.id}/"
    response = client.post(url + "versturen/", {"lock_version": handover.lock_version})
    assert response.status_code == 302 and response.url == url
    page = client.get(response.url)
    with translation.override("en"):
        expected = handover_services._over_norm_message(world.regisseur, 1, 1)
    assert any(expected in message or "norm" in message for message in _errors(page))
    handover.refresh_from_db()
    world.household.refresh_from_db()
    assert handover.status == HandoverStatus.DRAFT and world.household.second_line_regisseur is None
    # The summary saved without the question: shown again with its errors, 400, nothing saved.
    response = client.post(
        url + "opslaan/",
        {"lock_version": handover.lock_version, "regisseur": world.regisseur.id, "question_text": ""},
    )
    assert response.status_code == 400 and "question_text" in response.context["summary_form"].errors
    handover.refresh_from_db()
    assert handover.question_text  # unchanged


# --- 8. measurement pages of a case file the team only reads ------------------------------------------------


def test_the_measurement_pages_of_a_handed_over_household_redirect_the_team_with_the_reason(world, client):
    hand_over(world)
    client.force_login(world.worker)
    household_url = f"/huishoudens/{world.household.id}/"
    for url in (f"{household_url}metingen/nieuw/", f"{household_url}contacten/nieuw/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == household_url, url
        assert _errors(client.get(household_url))
    before = Measurement.objects.count()
    response = client.post(f"{household_url}metingen/nieuw/", {"date": TODAY().isoformat()})
    assert response.status_code == 302 and Measurement.objects.count() == before
    # The case director works it.
    client.force_login(world.regisseur)
    assert client.get(f"{household_url}metingen/nieuw/").status_code == 200


# --- 9. a case director without a team ------------------------------------------------------------------------


def test_a_case_director_without_a_team_gets_no_registration_or_team_caseload(world, client):
    client.force_login(world.regisseur)
    assert client.get("/huishoudens/nieuw/").status_code == 403
    assert client.get("/huishoudens/team/").status_code == 403
    assert client.post("/huishoudens/nieuw/", {"name": "Nieuw"}).status_code == 403
    assert not Household.objects.filter(name="Nieuw").exists()
    client.force_login(world.worker)
    assert client.get("/huishoudens/nieuw/").status_code == 200
    assert client.get("/huishoudens/team/").status_code == 200
