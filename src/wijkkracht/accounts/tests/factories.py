import factory

from wijkkracht.accounts.models import Role, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed staff names: a random surname could equal a client's and fool the "sees nothing" assertions.
    first_name = "Medewerker"
    last_name = factory.Sequence(lambda n: f"nummer {n}")
    role = Role.SOCIAL_WORKER
    password = factory.django.Password(PASSWORD)

    class Params:
        coordinator = factory.Trait(role=Role.TEAM_COORDINATOR)
        regisseur = factory.Trait(role=Role.SECOND_LINE_REGISSEUR)
        policy_officer = factory.Trait(role=Role.POLICY_OFFICER)
        functional_admin = factory.Trait(role=Role.FUNCTIONAL_ADMIN, is_staff=True)
        privacy_officer = factory.Trait(role=Role.PRIVACY_OFFICER, is_staff=True)
