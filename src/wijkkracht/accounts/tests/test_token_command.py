from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.security.models import ApiToken, hash_token


@pytest.mark.django_db
def test_each_call_creates_a_new_key_printed_once_and_stored_hashed():
    user = UserFactory(username="sanne")
    first, second = StringIO(), StringIO()
    call_command("token", "sanne", "--name", "koppeling", stdout=first, stderr=StringIO())
    call_command("token", "sanne", "--name", "rapportage", "--days", "7", stdout=second, stderr=StringIO())
    secrets = [first.getvalue().strip(), second.getvalue().strip()]
    assert secrets[0] != secrets[1]
    tokens = {token.name: token for token in ApiToken.objects.filter(user=user)}
    assert set(tokens) == {"koppeling", "rapportage"}
    assert tokens["koppeling"].key_hash == hash_token(secrets[0])
    assert (tokens["rapportage"].expires_at - tokens["rapportage"].created_at).days == 7
    assert not ApiToken.objects.filter(key_hash__in=secrets).exists()


@pytest.mark.django_db
def test_rotate_revokes_the_key_with_the_same_name():
    user = UserFactory(username="sanne")
    call_command("token", "sanne", "--name", "koppeling", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match=r"already have an API key with this name|API-sleutel met deze naam"):
        call_command("token", "sanne", "--name", "koppeling", stdout=StringIO(), stderr=StringIO())
    rotated = StringIO()
    call_command("token", "sanne", "--name", "koppeling", "--rotate", stdout=rotated, stderr=StringIO())
    active = ApiToken.objects.get(user=user, revoked_at__isnull=True)
    assert active.key_hash == hash_token(rotated.getvalue().strip())
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="Geen actieve gebruiker"):
        call_command("token", "niemand")


@pytest.mark.django_db
def test_bad_days_is_a_clear_error_and_nothing_is_saved():
    UserFactory(username="sanne")
    with pytest.raises(CommandError):
        call_command("token", "sanne", "--days", "0", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()
