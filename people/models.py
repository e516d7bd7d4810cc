import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.personcache import new_person_stamp


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
    return [(name, name.replace("_", " ")) for name in names]


def zone_or_utc(name: str | None) -> zoneinfo.ZoneInfo:
    """The named time zone, or UTC when the name is empty or unknown (never an error page)."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


class BusinessUnit(TimeStampedModel):
    """A part of the company. The hub enables; the spokes run their own presence.

    Units form a tree through ``parent``. There are few of them (tens), so code that needs
    a unit's descendants reads all units once and walks the tree in memory
    (:func:`people.selectors.unit_descendant_ids`).
    """

    class Kind(models.TextChoices):
        HUB = "hub", _("Hub")
        SPOKE = "spoke", _("Spoke")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SPOKE)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("business unit")
        verbose_name_plural = _("business units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="people_unit_name_unique_ci"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="people_unit_not_own_parent"
            ),
            # One hub: the centre that enables the spokes.
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="hub"), name="people_unit_one_hub"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": _("A unit cannot be part of itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class PersonManager(UserManager):
    """Creates people by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("People need an e-mail address.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person at the company. They sign in with their e-mail address."""

    class Role(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        MANAGER = "manager", _("Manager")

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    unit = models.ForeignKey(
        BusinessUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("business unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    # Changes whenever a row shown on the person's own pages is written (core.personcache).
    page_stamp = models.CharField(max_length=32, default=new_person_stamp, editable=False)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        validators=[validate_time_zone],
    )
    # When the person was switched off (they left, or the identity provider said so):
    # reports count them as of any moment before it, and not from then on. Cleared when
    # they are switched on again. Written only by people.services.
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True, editable=False)
    # The identity provider's own id for the person (SCIM ``externalId``), when it sent one.
    scim_external_id = models.CharField(
        _("identity provider id"), max_length=255, blank=True, default="", editable=False
    )

    erased_at = models.DateTimeField(
        _("erased"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a site admin erased this person; the row stays under a pseudonym."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")), name="people_user_not_own_manager"
            ),
            # Addresses are stored lower-case; this keeps "Ana@x" and "ana@x" from coexisting
            # even if something writes around the manager.
            models.UniqueConstraint(Lower("email"), name="people_user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
        boss, seen = self.manager, set()
        while boss is not None and self.pk is not None:
            if boss.pk == self.pk or boss.pk in seen:
                raise ValidationError({"manager": _("A person cannot manage themselves.")})
            seen.add(boss.pk)
            boss = boss.manager


PERSONAL_DATA_FOLDER = "personal-data"


def personal_data_path(instance, filename: str) -> str:
    """A random name: the file is found through its row, never guessed."""
    return f"{PERSONAL_DATA_FOLDER}/{uuid.uuid4().hex}.zip"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class PersonalDataExport(TimeStampedModel):
    """A copy of everything Spoke holds about a person, built in the background for them
    alone, kept for a few days (see ``people.privacy``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_data_exports",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(
        _("file"), storage=_private_storage, upload_to=personal_data_path, blank=True
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("copy of a person's data")
        verbose_name_plural = _("copies of people's data")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"personal data #{self.pk}"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and now >= self.expires_at


class ScimToken(TimeStampedModel):
    """A bearer token that an identity provider uses to provision people through SCIM.

    Only a SHA-256 digest of the token is kept; the token itself is shown once, when
    ``manage.py scim_token_create`` makes it. A revoked token is refused from then on.
    """

    name = models.CharField(_("name"), max_length=120)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    # The first characters of the token, so an admin can tell tokens apart.
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("provisioning token")
        verbose_name_plural = _("provisioning tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
