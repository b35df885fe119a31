"""Test helpers: hand a household over to the second line through the real services (start, send,
the joint conversation, complete), as a worker of its team would."""

from django.utils import timezone

from wijkkracht.casefile import handover_services
from wijkkracht.casefile.models import Handover


def start_handover(world, household=None, user=None, regisseur=None) -> Handover:
    household = household or world.household
    household.refresh_from_db()
    return handover_services.handover_start(
        access=world.access(user),
        household=household,
        regisseur_id=(regisseur or world.regisseur).id,
        question_text="Langdurige begeleiding bij schulden en opvoeding",
    )


def send_handover(world, handover: Handover, user=None) -> Handover:
    handover.refresh_from_db()
    return handover_services.handover_send(
        access=world.access(user), handover=handover, expected_version=handover.lock_version
    )


def finish_handover(world, handover: Handover, user=None) -> Handover:
    """The conversation and the completion, after sending."""
    handover.refresh_from_db()
    handover = handover_services.handover_conversation_record(
        access=world.access(user),
        handover=handover,
        expected_version=handover.lock_version,
        date=timezone.localdate(),
        attendees="Contactpersoon, regisseur, moeder",
        family_present=True,
    )
    return handover_services.handover_complete(
        access=world.access(user), handover=handover, expected_version=handover.lock_version
    )


def hand_over(world, household=None, user=None, regisseur=None) -> Handover:
    """The whole way to the second line: the household ends "handed over" to `regisseur`."""
    handover = start_handover(world, household, user, regisseur)
    send_handover(world, handover, user)
    handover = finish_handover(world, handover, user)
    (household or world.household).refresh_from_db()
    return handover
