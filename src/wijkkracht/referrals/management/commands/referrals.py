"""``wijkkracht referrals remind``: give the contact person a task for every referral a partner has not
answered within the municipality's term (`referral_answer_working_days`). Idempotent: run it from cron as often
as you like (daily is enough); every referral gets its reminder once. Without cron the reminders still come:
they are made for a worker when they open Mijn taken or their caseload (`referrals.middleware`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from wijkkracht.referrals.services import referral_reminders_create


class Command(BaseCommand):
    help = "Referrals: remind contact persons of referrals that a partner has not answered in time."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("remind", help="Make the reminder tasks of unanswered referrals (idempotent).")

    def handle(self, *args: object, action: str, **options: Any) -> None:
        made = referral_reminders_create(today=timezone.localdate())
        self.stdout.write(f"Herinneringen gemaakt: {made}")
