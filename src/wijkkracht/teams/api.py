from django.db.models import QuerySet
from rest_framework import serializers

from wijkkracht.common.api import ApiReadOnlyModelViewSet
from wijkkracht.teams.models import Team, Wijk, WijkPostcode


class WijkSerializer(serializers.ModelSerializer):
    postcodes: serializers.SlugRelatedField[WijkPostcode] = serializers.SlugRelatedField(
        slug_field="digits", many=True, read_only=True
    )

    class Meta:
        model = Wijk
        fields = ["id", "name", "code", "residents", "postcodes"]


class TeamMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.__str__")
    role = serializers.CharField(source="user.role")


class TeamSerializer(serializers.ModelSerializer):
    wijken: serializers.PrimaryKeyRelatedField[Wijk] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    members = TeamMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "wijken", "members"]


class WijkViewSet(ApiReadOnlyModelViewSet):
    """Districts of the municipality: configuration, no personal data."""

    serializer_class = WijkSerializer

    def get_queryset(self) -> QuerySet[Wijk]:
        return Wijk.objects.prefetch_related("postcodes")


class TeamViewSet(ApiReadOnlyModelViewSet):
    """Teams with the districts they cover and their staff."""

    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return Team.objects.prefetch_related("wijken", "memberships__user")
