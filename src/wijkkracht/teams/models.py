from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.request_memo import forget_request_memo

WIJK_CODE_REGEX = r"^WK[0-9]{6}$"
MUNICIPALITY_CODE_REGEX = r"^GM[0-9]{4}$"

# The municipality's settings and the list of districts are read on nearly every page and change a few times a
# year, so they are kept in Django's cache (CACHES; the default is a cache per process). A change through this
# process (save, delete, a queryset's update or delete) forgets them at once and again at commit; another app
# process sees it once its copy is SETTINGS_CACHE_SECONDS old (settings.WIJKKRACHT_SETTINGS_CACHE_SECONDS,
# default 30), or at once when CACHES names a cache shared by all processes (Redis, memcached).
MUNICIPALITY_CACHE_KEY = "wijkkracht:teams:municipality"
WIJKEN_CACHE_KEY = "wijkkracht:teams:wijken"


def settings_cache_seconds() -> int:
    return int(getattr(settings, "WIJKKRACHT_SETTINGS_CACHE_SECONDS", 30))


def forget_cached_settings() -> None:
    """Forget the cached municipality and districts (the next read fetches them from the database)."""
    cache.delete_many([MUNICIPALITY_CACHE_KEY, WIJKEN_CACHE_KEY])


def _settings_changed(**_kwargs: object) -> None:
    forget_cached_settings()
    # Again at commit: a request that read the old row meanwhile may have cached it.
    transaction.on_commit(forget_cached_settings)


class SettingsQuerySet(models.QuerySet[Any]):
    """A queryset of cached rows: every bulk change forgets the cache, as a save or delete does."""

    def update(self, **kwargs: Any) -> int:
        try:
            return super().update(**kwargs)
        finally:
            _settings_changed()

    def delete(self) -> tuple[int, dict[str, int]]:
        try:
            return super().delete()
        finally:
            _settings_changed()

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return super().bulk_create(*args, **kwargs)
        finally:
            _settings_changed()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        try:
            return super().bulk_update(*args, **kwargs)
        finally:
            _settings_changed()


class Municipality(models.Model):
    """The one municipality this installation serves, and the norms its teams work by."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("CBS municipality code"),
        max_length=6,
        validators=[RegexValidator(MUNICIPALITY_CODE_REGEX, _("A municipality code is GM followed by four digits."))],
        help_text=_("For example GM0363."),
    )
    contact_norm_days = models.PositiveSmallIntegerField(
        _("contact norm (days)"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("An open household without contact for longer than this is flagged in the caseload."),
    )
    no_show_follow_up_working_days = models.PositiveSmallIntegerField(
        _("follow-up after a no-show (working days)"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    referral_answer_working_days = models.PositiveSmallIntegerField(
        _("answer to a referral expected within (working days)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A referral that the partner has not answered within this many working days gives the contact person "
            "a task."
        ),
    )
    regisseur_caseload_norm = models.PositiveSmallIntegerField(
        _("caseload norm of a second-line case director (households)"),
        default=6,
        validators=[MinValueValidator(1)],
        help_text=_("A handover that takes a case director over this number needs the coordinator's approval."),
    )
    two_factor_required_for_all_staff = models.BooleanField(
        _("two-factor authentication for all staff"),
        default=False,
        help_text=_(
            "Administrators, the privacy officer and superusers always sign in with a second factor; "
            "with this on, every staff member does."
        ),
    )

    objects = SettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipality")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="municipality_single_row",
                violation_error_message=_("There is exactly one municipality per installation."),
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=MUNICIPALITY_CODE_REGEX),
                name="municipality_code_format",
                violation_error_message=_("A municipality code is GM followed by four digits."),
            ),
            models.CheckConstraint(
                condition=models.Q(contact_norm_days__gte=1, no_show_follow_up_working_days__gte=1),
                name="municipality_norms_positive",
                violation_error_message=_("Norms must be at least one day."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Municipality":
        """The settings row; defaults apply until the functional administrator fills it in.

        From the cache (see SETTINGS_CACHE_SECONDS above): no query on most requests. Every call returns its
        own copy, so a caller may change and save it."""
        municipality = cache.get(MUNICIPALITY_CACHE_KEY)
        if municipality is None:
            municipality = cls.objects.filter(id=1).first()
            if municipality is None:  # a fresh installation: the row with the defaults, made once
                municipality, _created = cls.objects.get_or_create(
                    id=1, defaults={"name": "Gemeente", "code": "GM0000"}
                )
            cache.set(MUNICIPALITY_CACHE_KEY, municipality, settings_cache_seconds())
        return municipality


class Wijk(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("CBS district code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(WIJK_CODE_REGEX, _("A district code is WK followed by six digits."))],
        help_text=_("For example WK036301."),
    )
    residents = models.PositiveIntegerField(_("number of residents"), default=0)

    objects = SettingsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=WIJK_CODE_REGEX),
                name="wijk_code_format",
                violation_error_message=_("A district code is WK followed by six digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def cached_all(cls) -> list["Wijk"]:
        """All districts by name, from the cache (see SETTINGS_CACHE_SECONDS above), e.g. for a filter's choices."""
        wijken = cache.get(WIJKEN_CACHE_KEY)
        if wijken is None:
            wijken = list(cls.objects.all())
            cache.set(WIJKEN_CACHE_KEY, wijken, settings_cache_seconds())
        return wijken


class WijkPostcode(models.Model):
    """A four-digit postcode area that lies in a district, so the district follows from the address."""

    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="postcodes", verbose_name=_("district"))
    digits = models.CharField(
        _("postcode digits"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("Enter the four digits of a postcode."))],
    )

    class Meta:
        ordering = ["digits"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digits__regex=r"^[1-9][0-9]{3}$"),
                name="wijkpostcode_digits_format",
                violation_error_message=_("Enter the four digits of a postcode."),
            ),
        ]

    def __str__(self) -> str:
        return self.digits


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    wijken = models.ManyToManyField(Wijk, related_name="teams", verbose_name=_("districts"))
    members: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("staff member")
    )

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                name="teammembership_once_per_team",
                violation_error_message=_("This staff member is already in this team."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.team}"


def _memberships_changed(**_kwargs: object) -> None:
    # The request's memo of who is in which team (`privacy.access.memberships_of`) starts again.
    forget_request_memo()


for _model in (Municipality, Wijk):
    post_save.connect(_settings_changed, sender=_model, dispatch_uid=f"forget_cached_settings_save_{_model.__name__}")
    post_delete.connect(
        _settings_changed, sender=_model, dispatch_uid=f"forget_cached_settings_delete_{_model.__name__}"
    )
post_save.connect(_memberships_changed, sender=TeamMembership, dispatch_uid="memberships_changed_save")
post_delete.connect(_memberships_changed, sender=TeamMembership, dispatch_uid="memberships_changed_delete")
m2m_changed.connect(_memberships_changed, sender=Team.members.through, dispatch_uid="memberships_changed_m2m")
