"""``wijkkracht monitoring refresh``: count the policy overview's figures again and store them as the latest
snapshot. Run it from cron a little more often than `MONITORING_OVERVIEW_MAX_AGE_MINUTES` (default 10), e.g.
every 5 minutes (`*/5 * * * *`), so that no page view has to count. Without cron the overview still shows
correct figures: the page counts them itself when the latest snapshot is missing, of another day or too old."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import formats, timezone

from wijkkracht.monitoring.services import overview_snapshot_refresh


class Command(BaseCommand):
    help = "Monitoring: count the policy overview's figures again (a snapshot the overview page shows)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("refresh", help="Count the overview's figures now and store them.")

    def handle(self, *args: object, action: str, **options: Any) -> None:
        snapshot = overview_snapshot_refresh()
        moment = formats.date_format(timezone.localtime(snapshot.computed_at), "j F Y H:i")
        self.stdout.write(f"Overzicht per team geteld: {moment}, {len(snapshot.figures['teams'])} teams")
