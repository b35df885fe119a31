import factory

from wijkkracht.teams.models import Team, TeamMembership, Wijk, WijkPostcode


class WijkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wijk

    name = factory.Sequence(lambda n: f"Wijk {n}")
    code = factory.Sequence(lambda n: f"WK{990000 + n:06d}")
    residents = 10000


class WijkPostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WijkPostcode

    wijk = factory.SubFactory(WijkFactory)
    digits = factory.Sequence(lambda n: f"{5000 + n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Wijkteam {n}")

    @factory.post_generation
    def wijken(self, create: bool, extracted: list[Wijk] | None, **kwargs: object) -> None:
        if create:
            self.wijken.set(extracted if extracted is not None else [WijkPostcodeFactory().wijk])


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory("wijkkracht.accounts.tests.factories.UserFactory")
