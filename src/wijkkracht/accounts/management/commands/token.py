from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wijkkracht.accounts.models import User
from wijkkracht.security.models import ApiToken
from wijkkracht.security.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "Create a new API key for a user and print it once (only its hash is stored). "
        "Keys are listed and revoked on the page 'Mijn API-sleutels'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", help="What the key is for (default: 'command line' with date and time).")
        parser.add_argument("--days", type=int, help="Days the key is valid (default: API_TOKEN_DAYS, 90).")
        parser.add_argument(
            "--rotate", action="store_true", help="First revoke the user's active key with this name, if any."
        )

    def handle(
        self, *args: object, username: str, name: str | None, days: int | None, rotate: bool, **options: object
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Geen actieve gebruiker met gebruikersnaam {username!r}.")
        name = name or f"Opdrachtregel {timezone.localtime():%Y-%m-%d %H:%M:%S}"
        if rotate:
            for token in ApiToken.objects.filter(user=user, name=name.strip(), revoked_at__isnull=True):
                api_token_revoke(token=token, by=user)
        try:
            token, secret = api_token_create(user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(" ".join(messages) for messages in error.message_dict.values())) from None
        self.stderr.write(
            f"API-sleutel {token.name!r} voor {username}, geldig tot {timezone.localtime(token.expires_at):%Y-%m-%d}:"
        )
        self.stdout.write(secret)
