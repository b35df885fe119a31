"""The summary of a warm handover (to the second line and back): what the receiving side needs so that the
family is not asked everything again. The system drafts it from the case file; the worker reviews and
completes it before sending (the texts are stored on the handover and can be edited).

- the latest complete measurements (the target picture itself is drawn live from `diagnosis.selectors`);
- the plan and its progress: the active (or latest) version's goals and actions, and the progress between
  the first and the latest measurement;
- the contacts of the last months;
- risks: drafted from the life domains whose latest score is severe (red), for the worker to rewrite;
- consent in force (`consent.selectors.consents_in_force`).

Called by services and pages that have checked access to the household and logged their read."""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkkracht.casefile.models import SUMMARY_TEXT_MAX
from wijkkracht.consent.selectors import consents_in_force
from wijkkracht.diagnosis.progress import scores_of
from wijkkracht.diagnosis.selectors import Picture, diagnosis_overview
from wijkkracht.households.models import Contact, Household
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import Plan, PlanStatus
from wijkkracht.plans.rules import domain_severities, latest_complete_measurements

#: The contacts of this many days before the handover are summarised.
CONTACT_DAYS = 92
#: At most this many contacts are listed.
CONTACTS_MAX = 20
NOTE_EXCERPT = 160


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _fit(lines: list[str]) -> str:
    """The lines as one text that fits the summary's field (the worker can shorten it further)."""
    text = "\n".join(lines)
    if len(text) <= SUMMARY_TEXT_MAX:
        return text
    return text[: SUMMARY_TEXT_MAX - 1].rstrip() + "…"


@dataclass(frozen=True)
class SummaryDraft:
    measurements_text: str
    plan_text: str
    contacts_text: str
    risks_text: str
    consents_text: str

    def as_dict(self) -> dict[str, str]:
        return {
            "measurements_text": self.measurements_text,
            "plan_text": self.plan_text,
            "contacts_text": self.contacts_text,
            "risks_text": self.risks_text,
            "consents_text": self.consents_text,
        }


def measurements_lines(household: Household) -> list[str]:
    lines = []
    for measurement in sorted(
        latest_complete_measurements(household), key=lambda m: (m.person_id is not None, m.instrument_code)
    ):
        definition = measurement.instrument.parsed
        subject = measurement.person.full_name if measurement.person is not None else _("the household")
        scores = scores_of(measurement)
        scored = "; ".join(
            f"{domain.label}: {definition.scale_value(scores[domain.code]).label}"
            for domain in definition.domains
            if domain.code in scores
        )
        lines.append(f"{definition.name} – {subject} ({_day(measurement.date)}): {scored}")
    return lines or [_("No complete measurement yet.")]


def plan_lines(household: Household) -> list[str]:
    plan = (
        Plan.objects.filter(household=household, status=PlanStatus.ACTIVE).first()
        or Plan.objects.filter(household=household).order_by("-number").first()
    )
    lines: list[str] = []
    if plan is None:
        lines.append(_("No plan yet."))
    else:
        catalogue = plan_catalogue()
        lines.append(
            _("Plan version %(number)s (%(status)s), plan date %(plan_date)s, evaluation %(evaluation_date)s.")
            % {
                "number": plan.number,
                "status": plan.get_status_display(),
                "plan_date": _day(plan.plan_date),
                "evaluation_date": _day(plan.evaluation_date),
            }
        )
        for goal in plan.goals.prefetch_related("actions").order_by("id"):
            domain = catalogue.domain(goal.domain_code)
            outcome = f" – {goal.get_outcome_display()}" if goal.outcome else ""
            lines.append(f"- {domain.label if domain else goal.domain_code}: {goal.what}{outcome}")
            for action in goal.actions.all():
                lines.append(f"  · {action.description} ({action.get_status_display()})")
    for series in diagnosis_overview(household=household).series:
        progress = series.progress
        if progress is None:
            continue
        lines.append(
            _("Progress %(instrument)s – %(subject)s: %(improved)d better, %(same)d the same, %(worse)d worse.")
            % {
                "instrument": series.definition.name,
                "subject": series.subject_label,
                "improved": progress.improved,
                "same": progress.same,
                "worse": progress.worse,
            }
        )
    return lines


def contact_lines(household: Household, today: datetime.date) -> list[str]:
    since = today - datetime.timedelta(days=CONTACT_DAYS)
    contacts = (
        Contact.objects.filter(household=household, date__gte=since, date__lte=today)
        .select_related("worker")
        .order_by("-date", "-id")[:CONTACTS_MAX]
    )
    lines = []
    for contact in contacts:
        duration = (
            ngettext("%(minutes)d minute", "%(minutes)d minutes", contact.duration_minutes)
            % {"minutes": contact.duration_minutes}
            if contact.duration_minutes is not None
            else ""
        )
        note = contact.note.replace("\n", " ")
        if len(note) > NOTE_EXCERPT:
            note = note[: NOTE_EXCERPT - 1].rstrip() + "…"
        parts = [_day(contact.date), contact.get_kind_display(), str(contact.worker), duration, note]
        lines.append(" – ".join(part for part in parts if part))
    return lines or [_("No contacts in the last three months.")]


def risk_lines(household: Household) -> list[str]:
    """The life domains whose latest score is severe (red), as a start for the worker's own account of the
    risks (safety, debts, housing…), which the worker writes."""
    catalogue = plan_catalogue()
    lines = []
    for code, severity in domain_severities(household, catalogue).items():
        if severity.tone != "red":
            continue
        domain = catalogue.domain(code)
        who = f", {severity.person_name}" if severity.person_name else ""
        lines.append(f"- {domain.label if domain else code}: {severity.label} ({severity.instrument_name}{who})")
    if not lines:
        return [_("No life domain scores severe in the latest measurements. Describe the risks you see.")]
    return [_("Severe in the latest measurements:"), *lines]


def consent_lines(household: Household, today: datetime.date) -> list[str]:
    catalogue = plan_catalogue()
    lines = []
    for consent in consents_in_force(household=household, day=today):
        domains = ", ".join((domain.label if (domain := catalogue.domain(code)) else code) for code in consent.domains)
        until = (
            _("until %(date)s") % {"date": _day(consent.valid_until)} if consent.valid_until else _("until withdrawn")
        )
        lines.append(
            f"- {consent.person.full_name} → {consent.organization.name}: {consent.get_purpose_display()}, "
            f"{consent.get_ground_display()} ({domains}; {until})"
        )
    return lines or [_("No consent in force.")]


def build_summary(household: Household, today: datetime.date) -> SummaryDraft:
    return SummaryDraft(
        measurements_text=_fit(measurements_lines(household)),
        plan_text=_fit(plan_lines(household)),
        contacts_text=_fit(contact_lines(household, today)),
        risks_text=_fit(risk_lines(household)),
        consents_text=_fit(consent_lines(household, today)),
    )


def target_pictures(household: Household) -> list[Picture]:
    """The household's target pictures (first against latest measurement), drawn by the diagnosis."""
    return [picture for picture in diagnosis_overview(household=household).pictures if picture.kind == "target"]
