from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from core.models import TimeStampedModel

from .levels import KNOWLEDGE_CHECK_CAP, LEVEL_DESCRIPTIONS, Level


class Competency(index.Indexed, TimeStampedModel):
    """Something a person can do with social media, that Spoke measures on the level scale."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    area = models.CharField(
        _("area"), max_length=80, help_text=_("A group for reports, e.g. 'Listening'.")
    )
    description = models.TextField(_("description"))
    is_core = models.BooleanField(
        _("core"), default=False, help_text=_("Everyone who speaks for the company needs it.")
    )
    is_crisis_readiness = models.BooleanField(
        _("crisis readiness"),
        default=False,
        help_text=_("Needed to update customers on a bad day (Plan B)."),
    )
    is_coaching = models.BooleanField(
        _("coaching"),
        default=False,
        help_text=_(
            "Coaching others: an ambassador's coaching feedback, endorsed by a trainer, is "
            "evidence here at the “Coach” level."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("area"),
        FieldPanel("description"),
        FieldPanel("is_core"),
        FieldPanel("is_crisis_readiness"),
        FieldPanel("is_coaching"),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("area"),
        index.FilterField("is_core"),
    ]

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class EvidenceQuerySet(models.QuerySet):
    """Bulk writes would slip past the row guards below, so they are refused too.

    Django's own cascades (deleting a person, clearing ``awarded_by``) use lower-level
    paths and still work.
    """

    def update(self, **kwargs):
        raise ValueError("Competency evidence is append-only: add a new row instead.")

    def delete(self):
        raise ValueError("Competency evidence is append-only and cannot be deleted.")

    def notes_erase(self) -> int:
        """Blank the free-text notes: the one change the ledger allows, when the person is
        erased (``competencies.privacy``); levels, sources and dates never change."""
        return models.QuerySet.update(self.exclude(note=""), note="")


class CompetencyEvidence(models.Model):
    """One line of the append-only ledger: who showed what level, from what, awarded by whom.

    Rows are only ever added, through ``competencies.services.evidence_record``; they are
    never changed or deleted, so a person's record can always be explained.
    """

    class Source(models.TextChoices):
        KNOWLEDGE_CHECK = "knowledge_check", _("Knowledge check")
        PRACTICE_REVIEW = "practice_review", _("Practice reviewed by a trainer")
        TRAINER_AWARD = "trainer_award", _("Awarded by a trainer")
        CORRECTION = "correction", _("Corrected by an admin")
        COACHING = "coaching", _("Coaching endorsed by a trainer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competency_evidence",
        verbose_name=_("person"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    source_kind = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="competency_evidence_awarded",
        verbose_name=_("awarded by"),
    )
    note = models.TextField(_("note"), blank=True)
    # When the evidence was shown: now, or an earlier date for records brought in from
    # before Spoke (see ``evidence_record(recorded_at=...)``).
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("competency evidence")
        verbose_name_plural = _("competency evidence")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "competency"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=Level.NOT_YET, level__lte=Level.COACH),
                name="competencies_evidence_level_on_scale",
            ),
            models.CheckConstraint(
                condition=~models.Q(source_kind="knowledge_check")
                | models.Q(level__lte=KNOWLEDGE_CHECK_CAP),
                name="competencies_evidence_knowledge_check_capped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.competency} · {self.get_level_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Competency evidence is append-only: add a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Competency evidence is append-only and cannot be deleted.")


class CompetencyStanding(models.Model):
    """A person's current level in one competency, kept in step with the ledger."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competency_standings",
        verbose_name=_("person"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="standings", verbose_name=_("competency")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=0)
    evidence_count = models.PositiveIntegerField(_("evidence"), default=0)
    last_evidence_at = models.DateTimeField(_("last evidence"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("competency standing")
        verbose_name_plural = _("competency standings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competency"], name="competencies_one_standing_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=Level.NOT_YET, level__lte=Level.COACH),
                name="competencies_standing_level_on_scale",
            ),
        ]
        indexes = [models.Index(fields=["competency", "level"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.competency} · {self.get_level_display()}"

    @property
    def level_description(self) -> str:
        return LEVEL_DESCRIPTIONS[Level(self.level)]
