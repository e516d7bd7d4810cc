"""The advocate and ambassador roster.

A tier's rules (:class:`RosterTier` with its :class:`RosterRule` rows) say what a person
must have shown to be eligible; membership (:class:`RosterMembership`) is always the
person's own choice, and every change of its state is written to :class:`RosterEvent`
with who made it and why. :class:`PolicyAcknowledgement` records that someone read a
version of the social media policy and passed its understanding check;
:class:`PlatformAccount` is where a person is on social platforms (their inventory).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page

from competencies.levels import Level
from core.models import TimeStampedModel


class Tier(models.TextChoices):
    ADVOCATE = "advocate", _("Advocate")
    AMBASSADOR = "ambassador", _("Ambassador")


class RosterTier(ClusterableModel):
    """One tier's requirements, edited by advocacy leads: its competency rules, whether
    the current policy must be acknowledged, whether recent accepted practice is needed,
    and whether a lead approves who joins."""

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, unique=True)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("What people in this tier do, shown with the invitation."),
    )
    needs_policy = models.BooleanField(
        _("current policy acknowledged"),
        default=True,
        help_text=_("People must have acknowledged the current version of the policy."),
    )
    practice_within_days = models.PositiveSmallIntegerField(
        _("accepted practice within (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_(
            "An accepted practice submission reviewed within this many days. Empty: no "
            "recent practice needed."
        ),
    )
    needs_approval = models.BooleanField(
        _("a lead approves who joins"),
        default=False,
        help_text=_("Unticked: people join as soon as they opt in."),
    )

    class Meta:
        verbose_name = _("roster tier")
        verbose_name_plural = _("roster tiers")
        ordering = ["tier"]

    def __str__(self) -> str:
        return self.get_tier_display()


class RosterRule(Orderable):
    """One competency requirement of a tier."""

    class Scope(models.TextChoices):
        EVERY_CORE = "every_core", _("in every core competency")
        COMPETENCY = "competency", _("in this competency")
        ANY = "any", _("in at least one competency")

    roster_tier = ParentalKey(RosterTier, on_delete=models.CASCADE, related_name="rules")
    scope = models.CharField(
        _("where"), max_length=20, choices=Scope.choices, default=Scope.EVERY_CORE
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competency"),
        help_text=_("Only for “in this competency”."),
    )
    min_level = models.PositiveSmallIntegerField(
        _("at least"),
        choices=[(level.value, level.label) for level in Level if level > Level.NOT_YET],
        validators=[MinValueValidator(Level.AWARE), MaxValueValidator(Level.COACH)],
    )

    class Meta(Orderable.Meta):
        verbose_name = _("roster rule")
        verbose_name_plural = _("roster rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_level__gte=Level.AWARE, min_level__lte=Level.COACH),
                name="advocacy_rosterrule_level_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(scope="competency") & Q(competency__isnull=False))
                | (~Q(scope="competency") & Q(competency__isnull=True)),
                name="advocacy_rosterrule_competency_iff_scope",
            ),
        ]

    def __str__(self) -> str:
        level = Level(self.min_level).label
        if self.scope == self.Scope.COMPETENCY and self.competency_id:
            return f"{level} {self.get_scope_display()}: {self.competency}"
        return f"{level} {self.get_scope_display()}"

    def clean(self) -> None:
        super().clean()
        if self.scope == self.Scope.COMPETENCY and self.competency_id is None:
            raise ValidationError({"competency": _("Choose the competency.")})
        if self.scope != self.Scope.COMPETENCY and self.competency_id is not None:
            raise ValidationError(
                {"competency": _("Leave empty: this rule is about several competencies.")}
            )


class PolicyAcknowledgement(models.Model):
    """``user`` read policy ``version`` and passed its understanding check."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
        verbose_name=_("person"),
    )
    version = models.ForeignKey(
        "cms.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("policy version"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), db_index=True)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="advocacy_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"


class PlatformAccount(TimeStampedModel):
    """Where a person is on a social platform: their inventory, from which they choose the
    platforms they speak on as an advocate. (It lives here, not in ``people``, because
    platforms are a ``cms`` snippet and ``people`` sits below ``cms``.)"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="platform_accounts",
        verbose_name=_("person"),
    )
    platform = models.ForeignKey(
        "cms.Platform", on_delete=models.CASCADE, related_name="+", verbose_name=_("platform")
    )
    handle = models.CharField(
        _("handle or profile address"),
        max_length=200,
        help_text=_("Your name there, or the https address of your public profile."),
    )

    class Meta:
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        ordering = ["platform__name", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "platform"], name="advocacy_platformaccount_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform}: {self.handle}"


class RosterMembership(TimeStampedModel):
    """A person's place in one tier. Rows appear when someone first becomes eligible; every
    change of ``status`` goes through ``advocacy.services`` and writes a RosterEvent."""

    class Status(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible, not joined")
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LAPSED = "lapsed", _("Lapsed")
        DECLINED = "declined", _("Declined")
        REMOVED = "removed", _("Removed")

    # Statuses that count as "on the roster" (for reports and for policy re-acknowledgement).
    ON_ROSTER = (Status.ACTIVE, Status.PAUSED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_memberships",
        verbose_name=_("person"),
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ELIGIBLE
    )
    platforms = models.ManyToManyField(
        PlatformAccount, blank=True, related_name="memberships", verbose_name=_("speaks on")
    )
    eligible_since = models.DateTimeField(_("eligible since"), null=True, blank=True)
    opted_in_at = models.DateTimeField(_("opted in"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), db_index=True)
    reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why it is in this state: a lapse's missing rule, a lead's reason."),
    )

    class Meta:
        verbose_name = _("roster membership")
        verbose_name_plural = _("roster memberships")
        ordering = ["tier", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "tier"], name="advocacy_membership_once"),
        ]
        indexes = [models.Index(fields=["tier", "status"], name="advocacy_mem_tier_status")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_tier_display()} · {self.get_status_display()}"


class RosterEvent(models.Model):
    """One change of a membership: from which status to which, by whom (empty: the rules,
    checked by the system) and why. Append-only."""

    membership = models.ForeignKey(
        RosterMembership,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("membership"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=RosterMembership.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=RosterMembership.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("why"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("roster event")
        verbose_name_plural = _("roster events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.membership}: {self.from_status or '—'} → {self.to_status}"


# --- Plan B call-outs ----------------------------------------------------------------------


class CallOut(TimeStampedModel):
    """The hub calls the people of one or more units when something goes wrong (or as a
    drill): a short brief, how many people each unit wants available, and how long to wait
    before calling the next circle. Kept after closing: drills and real call-outs feed the
    readiness report's "response" column."""

    class Stage(models.IntegerChoices):
        """The last circle called: ready people first, then (for units still short after
        ``escalate_after`` minutes) their advocates, then ready people next door."""

        READY = 0, _("Ready people of the units")
        ADVOCATES = 1, _("Advocates of the units")
        NEIGHBOURS = 2, _("Ready people of neighbouring units")

    title = models.CharField(
        _("what happened"), max_length=160, help_text=_("One line, e.g. “Trains stuck at X”.")
    )
    brief = models.TextField(
        _("brief"), max_length=2000, help_text=_("What we know and what we need, plain text.")
    )
    channels = models.CharField(
        _("channels"),
        max_length=300,
        help_text=_("Where people are asking, e.g. “X replies, the Facebook page”."),
    )
    holding_statement = models.TextField(
        _("holding statement"),
        max_length=2000,
        help_text=_("The words to start from; people adapt them to the channel."),
    )
    playbook_url = models.URLField(
        _("crisis playbook"),
        blank=True,
        max_length=500,
        help_text=_("The address of the crisis playbook page."),
    )
    is_drill = models.BooleanField(
        _("drill"), default=False, help_text=_("Practice: said in every message.")
    )
    wanted = models.PositiveSmallIntegerField(
        _("people wanted per unit"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    escalate_after = models.PositiveSmallIntegerField(
        _("call the next circle after (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    stage = models.PositiveSmallIntegerField(
        _("circle called"), choices=Stage.choices, default=Stage.READY
    )
    # When the next circle is due (empty: none left to call, or closed).
    escalate_at = models.DateTimeField(_("next circle at"), null=True, blank=True, db_index=True)
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("call-out")
        verbose_name_plural = _("call-outs")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CallOutUnit(models.Model):
    """One unit called: when it first had ``wanted`` people available now (empty: not yet,
    or never)."""

    call_out = models.ForeignKey(
        CallOut, on_delete=models.CASCADE, related_name="units", verbose_name=_("call-out")
    )
    unit = models.ForeignKey(
        "people.BusinessUnit",
        on_delete=models.CASCADE,
        related_name="call_outs",
        verbose_name=_("unit"),
    )
    reached_at = models.DateTimeField(_("wanted number reached"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit called")
        verbose_name_plural = _("units called")
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["call_out", "unit"], name="advocacy_callout_unit_once")
        ]

    def __str__(self) -> str:
        return f"{self.call_out} · {self.unit}"


class CallOutResponder(models.Model):
    """One person called, for one of the call-out's units, and their answer. A row is the
    claim that they were called: one per person and call-out (a constraint), so nobody is
    called twice however often escalation runs."""

    class Circle(models.TextChoices):
        READY = "ready", _("Ready in the unit")
        ADVOCATE = "advocate", _("Advocate in the unit")
        NEIGHBOUR = "neighbour", _("Ready in a neighbouring unit")

    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        NOW = "now", _("Available now")
        LATER = "later", _("Available later")
        NOT = "not", _("Not available")

    ANSWERS = (Answer.NOW, Answer.LATER, Answer.NOT)

    call_out = models.ForeignKey(
        CallOut, on_delete=models.CASCADE, related_name="responders", verbose_name=_("call-out")
    )
    called_for = models.ForeignKey(
        CallOutUnit,
        on_delete=models.CASCADE,
        related_name="responders",
        verbose_name=_("called for"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="call_outs",
        verbose_name=_("person"),
    )
    circle = models.CharField(_("circle"), max_length=20, choices=Circle.choices)
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    called_at = models.DateTimeField(_("called"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("person called")
        verbose_name_plural = _("people called")
        ordering = ["called_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_out", "user"], name="advocacy_callout_person_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_out} · {self.user} · {self.get_answer_display()}"


# --- Ambassadors who coach -----------------------------------------------------------------


class CohortCoach(models.Model):
    """An ambassador asked to coach a cohort's learners (by one of its trainers or an
    advocacy lead): they see the cohort's practice work and give feedback on it."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="coaches", verbose_name=_("cohort")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohorts_coached",
        verbose_name=_("coach"),
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    appointed_at = models.DateTimeField(_("asked"))

    class Meta:
        verbose_name = _("cohort coach")
        verbose_name_plural = _("cohort coaches")
        ordering = ["coach__last_name", "coach__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "coach"], name="advocacy_coach_once")
        ]

    def __str__(self) -> str:
        return f"{self.coach} · {self.cohort}"


class CoachFeedback(TimeStampedModel):
    """A coach's feedback on one attempt, against its rubric: the criteria they think the
    work shows and what they say. The trainer still decides; a trainer's endorsement makes
    it evidence of the coach's coaching (``evidence_source_kind``)."""

    evidence_source_kind = "coaching"

    submission = models.ForeignKey(
        "assessments.Submission",
        on_delete=models.CASCADE,
        related_name="coach_feedback",
        verbose_name=_("work"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coaching_given",
        verbose_name=_("coach"),
    )
    text = models.TextField(_("feedback"), max_length=2000)  # plain text
    criteria_shown = models.ManyToManyField(
        "assessments.RubricCriterion", blank=True, related_name="+", verbose_name=_("shown")
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsed by"),
    )
    endorsed_at = models.DateTimeField(_("endorsed"), null=True, blank=True)

    class Meta:
        verbose_name = _("coach's feedback")
        verbose_name_plural = _("coaches' feedback")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "coach"], name="advocacy_coach_feedback_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coach} on {self.submission_id}"


# --- The sharing kit -----------------------------------------------------------------------


def validate_https(value: str) -> None:
    """The target of a shared post: an https address, nothing else (no redirect elsewhere)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme != "https" or not parts.hostname or parts.username:
        raise ValidationError(_("Use an https address."))


class SharePostIndexPage(Page):
    """The one folder that holds the posts for advocates, right under the home page. HR and
    advocacy leads hold Wagtail's add, change and publish permissions on this page only
    (``migrations/0006``, :func:`advocacy.sharing.share_post_index_ensure`), so they write
    posts without reaching the courses beside it. It is not a page anyone reads: visitors
    are sent to the kit."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["advocacy.SharePostPage"]
    max_count = 1

    class Meta:
        verbose_name = _("posts for advocates (folder)")
        verbose_name_plural = _("posts for advocates (folders)")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("advocacy:share_kit")


class SharePostPage(Page):
    """A post the hub offers advocates to share: suggested words (one default, and one per
    platform where it should differ), an image, the https page it points to, the platforms
    it suits and when it stops being offered. Only HR, advocacy leads and site admins write
    them, under the :class:`SharePostIndexPage` (``wagtail_hooks``). Advocates share Spoke's
    own short link (``ShareLink``), which counts the click and sends the reader on to ``link``."""

    text = models.TextField(
        _("suggested text"),
        max_length=1000,
        help_text=_("The words to start from, plain text; advocates adapt them."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
    )
    link = models.URLField(
        _("link"),
        max_length=500,
        validators=[validate_https],
        help_text=_("The https page the post points to."),
    )
    platforms = ParentalManyToManyField(
        "cms.Platform", related_name="+", verbose_name=_("suits"), blank=False
    )
    expires_at = models.DateTimeField(
        _("offered until"), help_text=_("After this, the post leaves the kit.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("text"),
        InlinePanel("suggestions", label=_("Text for one platform"), heading=_("Per platform")),
        FieldPanel("image"),
        FieldPanel("link"),
        FieldPanel("platforms", widget=forms.CheckboxSelectMultiple),
        FieldPanel("expires_at"),
    ]
    parent_page_types = ["advocacy.SharePostIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("post for advocates")
        verbose_name_plural = _("posts for advocates")

    def clean(self):
        super().clean()
        # A new end in the past would leave the kit before anyone saw it; a post that has
        # ended may still be edited as it is (its links keep redirecting).
        if self.expires_at is None or self.expires_at > timezone.now():
            return
        saved = (
            SharePostPage.objects.filter(pk=self.pk).values_list("expires_at", flat=True).first()
            if self.pk
            else None
        )

        def to_minute(moment):  # the admin's field shows and sends whole minutes
            return moment.replace(second=0, microsecond=0) if moment else None

        if to_minute(saved) != to_minute(self.expires_at):
            raise ValidationError(
                {"expires_at": _("Choose a time still to come: the post leaves the kit then.")}
            )

    def serve(self, request, *args, **kwargs):
        # Posts are read in the kit (/roster/share/), never as public pages.
        from django.http import Http404

        raise Http404

    def text_for(self, platform_id: int) -> str:
        for suggestion in self.suggestions.all():
            if suggestion.platform_id == platform_id:
                return suggestion.text
        return self.text


class ShareSuggestion(Orderable):
    """The words suggested for one platform, when they should differ from the default."""

    page = ParentalKey(SharePostPage, on_delete=models.CASCADE, related_name="suggestions")
    platform = models.ForeignKey(
        "cms.Platform", on_delete=models.CASCADE, related_name="+", verbose_name=_("platform")
    )
    text = models.TextField(_("text"), max_length=1000)

    panels = [FieldPanel("platform"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("text for one platform")


class ShareLink(models.Model):
    """One advocate's tracked link for one post: ``/s/<code>/``. Rows are made when the post
    is published (for everyone then on the roster) and when someone joins the roster (for
    the live posts), never when a page is read."""

    post = models.ForeignKey(
        SharePostPage, on_delete=models.CASCADE, related_name="share_links", verbose_name=_("post")
    )
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="share_links",
        verbose_name=_("advocate"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        constraints = [
            models.UniqueConstraint(fields=["post", "advocate"], name="advocacy_sharelink_once")
        ]

    def __str__(self) -> str:
        return self.code


class ShareClick(models.Model):
    """How many readers followed one link on one day (once per reader and hour)."""

    link = models.ForeignKey(
        ShareLink, on_delete=models.CASCADE, related_name="clicks", verbose_name=_("link")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("clicks on a share link")
        verbose_name_plural = _("clicks on share links")
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="advocacy_shareclick_once")
        ]

    def __str__(self) -> str:
        return f"{self.link} · {self.day}: {self.count}"


class SharingChoice(models.Model):
    """An advocate's choice to let the hub see their name beside their clicks (otherwise
    the hub sees counts per post and per unit only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sharing_choice",
        verbose_name=_("person"),
    )
    show_name = models.BooleanField(_("show my name with my clicks"), default=False)

    class Meta:
        verbose_name = _("sharing choice")

    def __str__(self) -> str:
        return f"{self.user} · {self.show_name}"
