"""Credentials people earn and can show: what they say, who holds them, and the keys
that sign them.

A :class:`Credential` is issued once per person and achievement (a course completed, a
competency level reached, a roster tier joined) and frozen at issue: its Open Badges 3.0
document and the VC-JWT that secures it are stored as issued, so what a verifier fetched
yesterday is what they fetch today. Revocation does not change the document; it sets the
credential's bit in the published status list (``status_index``).
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from competencies.levels import Level
from core.models import TimeStampedModel

# One status list holds this many credentials: the W3C minimum (16 KiB of bits), large
# enough that one credential's bit says nothing about who else holds one.
STATUS_LIST_SIZE = 131_072
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CompetencyCredentialLevel(models.Model):
    """A level of a competency that earns a credential (for example Proficient and Coach).

    Kept by trainers and admins in the Wagtail admin; a competency with no row earns none.
    """

    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.CASCADE,
        related_name="credential_levels",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=[(level.value, level.label) for level in Level if level > Level.AWARE],
        validators=[MinValueValidator(Level.PRACTISING), MaxValueValidator(Level.COACH)],
        help_text=_("Reaching this level earns the credential."),
    )

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta:
        verbose_name = _("competency credential")
        verbose_name_plural = _("competency credentials")
        ordering = ["competency__sort_order", "competency__name", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level"], name="credentials_level_once_per_competency"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=Level.PRACTISING, level__lte=Level.COACH),
                name="credentials_level_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} · {Level(self.level).label}"


class SigningKey(models.Model):
    """The public half of one Ed25519 signing key. The private half is a PEM file in
    ``SPOKE_CREDENTIALS_KEY_DIR`` named after ``kid``, never in the database."""

    kid = models.CharField(_("key id"), max_length=40, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    created_at = models.DateTimeField(_("created"))
    retired_at = models.DateTimeField(
        _("retired"),
        null=True,
        blank=True,
        help_text=_("No longer signs; still published so older credentials verify."),
    )

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.kid


class Credential(TimeStampedModel):
    """One credential held by one person."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completed")
        COMPETENCY = "competency", _("Competency level reached")
        ROSTER = "roster", _("Roster membership")

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    token = models.CharField(_("public token"), max_length=64, unique=True, default=new_token)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credentials",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What was achieved, as a key: "course:<page id>", "competency:<id>:<level>",
    # "roster:<tier>". One live credential per person and key.
    achievement_key = models.CharField(_("achievement"), max_length=80)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    # Frozen at issue, as shown on the certificate and in the badge.
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria"))
    holder_name = models.CharField(_("holder's name"), max_length=300)
    issuer_name = models.CharField(_("issuer"), max_length=120)
    evidence_kinds = models.JSONField(_("kinds of evidence"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued"), db_index=True)
    status_list = models.PositiveIntegerField(_("status list"), default=1)
    status_index = models.PositiveIntegerField(_("status list index"))
    document = models.JSONField(_("Open Badges credential"))
    jwt = models.TextField(_("VC-JWT"))
    kid = models.CharField(_("signed with key"), max_length=40)
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden credentials answer 404 to everyone.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("why revoked"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "achievement_key"],
                condition=Q(revoked_at__isnull=True),
                name="credentials_one_live_per_achievement",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credentials_one_bit_each"
            ),
            models.CheckConstraint(
                condition=Q(status_index__lt=STATUS_LIST_SIZE),
                name="credentials_status_index_in_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
