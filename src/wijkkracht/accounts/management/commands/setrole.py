import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.services import staff_role_set_on_command_line


class Command(BaseCommand):
    help = (
        "Give a staff member a role, also functional administrator or privacy officer (which the management "
        "site cannot give). Recorded in the staff-audit log with the operating-system user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: object, **options: str) -> None:
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):
            operator = "unknown"
        try:
            account = staff_role_set_on_command_line(
                username=options["username"], role=options["role"], operator=operator
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{account.username}: {account.get_role_display()}")
