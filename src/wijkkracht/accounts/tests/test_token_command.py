from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from wijkkracht.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_prints_the_same_token_until_rotated(client):
    user = UserFactory(username="sanne")
    first, again, rotated = StringIO(), StringIO(), StringIO()
    call_command("token", "sanne", stdout=first)
    call_command("token", "sanne", stdout=again)
    call_command("token", "sanne", "--rotate", stdout=rotated)
    assert first.getvalue() == again.getvalue() != rotated.getvalue()
    assert Token.objects.get(user=user).key == rotated.getvalue().strip()


@pytest.mark.django_db
def test_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="Geen actieve gebruiker"):
        call_command("token", "niemand")
