"""``wijkkracht outcomes rebuild``: count every household's contributions to the indicators again from its
case file and rebuild the indicator cells from them. Not needed in normal operation (every change keeps them
exact in its own transaction); for after a bulk import, a restore or a change of the outcomes policy file
(`outcomes/data/outcomes.yaml`: a new pyramid rule or instrument changes what is counted).

``wijkkracht outcomes check`` compares the stored contributions and cells with a fresh count and lists
every difference (exit status 1 when there is one)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wijkkracht.outcomes.maintenance import outcome_mismatches, outcomes_rebuild


class Command(BaseCommand):
    help = "Outcomes: rebuild the stored contributions and indicator cells, or check that they are exact."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("rebuild", help="Count every household's contributions again and rebuild the cells.")
        actions.add_parser("check", help="List every stored contribution or cell that differs from a fresh count.")

    def handle(self, *args: object, action: str, **options: Any) -> None:
        if action == "check":
            problems = outcome_mismatches()
            for problem in problems:
                self.stdout.write(problem)
            self.stdout.write(f"Uitkomsten gecontroleerd: {len(problems)} verschillen")
            if problems:
                sys.exit(1)
            return

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\rHuishoudens geteld: {done} van {total}", ending="")
            self.stdout.flush()

        total = outcomes_rebuild(progress=progress)
        self.stdout.write(f"\rUitkomsten opnieuw geteld: {total} huishoudens")
