"""Teams and districts: configuration of the municipality, no personal data; readable by every signed-in
user. English resource and field names (``districts``); the Dutch word *wijk* is for what users read."""

from django.db.models import QuerySet
from rest_framework import serializers

from wijkkracht.accounts.models import Role
from wijkkracht.common.api import ApiReadOnlyModelViewSet
from wijkkracht.teams.models import Team, Wijk, WijkPostcode


class DistrictSerializer(serializers.ModelSerializer):
    postcodes: serializers.SlugRelatedField[WijkPostcode] = serializers.SlugRelatedField(
        slug_field="digits", many=True, read_only=True, help_text="The four digits of the postcodes it covers."
    )

    class Meta:
        model = Wijk
        fields = ["id", "name", "code", "residents", "postcodes"]


class TeamMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.__str__")
    role = serializers.CharField(source="user.role")


class TeamSerializer(serializers.ModelSerializer):
    districts: serializers.PrimaryKeyRelatedField[Wijk] = serializers.PrimaryKeyRelatedField(
        source="wijken", many=True, read_only=True, help_text="Ids of the districts the team covers."
    )
    members = TeamMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "districts", "members"]


class DistrictViewSet(ApiReadOnlyModelViewSet):
    """Districts (wijken) of the municipality: configuration, no personal data."""

    serializer_class = DistrictSerializer

    def get_queryset(self) -> QuerySet[Wijk]:
        return Wijk.objects.prefetch_related("postcodes").order_by("name", "id")


class TeamViewSet(ApiReadOnlyModelViewSet):
    """Teams with the districts they cover and their staff."""

    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        # Staff of a partner organisation work with their referrals, not with the municipality's teams: the
        # staff list (names and roles) is not theirs to read.
        if getattr(self.request.user, "role", None) == Role.PARTNER:
            return Team.objects.none()
        return Team.objects.prefetch_related("wijken", "memberships__user").order_by("name", "id")
