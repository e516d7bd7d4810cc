import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import (
    BaseGenericSetting,
    BaseSiteSetting,
    register_setting,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.pagecache import stamped

from . import url_patterns
from .blocks import PageStreamBlock
from .extensions import POLICY_PAGE_SECTIONS
from .forms import PolicyPageForm


class HomePage(Page):
    """The front door: what Spoke is, and the way in."""

    headline = models.CharField(
        _("headline"), max_length=160, default="Learn to speak for your company online"
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(PageStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("headline"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    # No subpage_types here: apps above cms (courses, ...) put their pages under the home
    # page by declaring parent_page_types = ["cms.HomePage"]; cms must not name them.
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    """A plain page: about, help, contacts."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(PageStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@cache
def company_time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
    return [(name, name.replace("_", " ")) for name in names]


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """What the site says about the company that runs it."""

    company_name = models.CharField(_("company name"), max_length=120, default="Spoke")
    help_email = models.EmailField(
        _("help address"),
        blank=True,
        help_text=_("Where people write when they are stuck. Shown in the footer."),
    )

    time_zone = models.CharField(
        _("company time zone"),
        max_length=64,
        default="UTC",
        choices=company_time_zone_choices,
        help_text=_("Reports count months, weeks and dates in this time zone, whoever reads them."),
    )

    panels = [FieldPanel("company_name"), FieldPanel("help_email"), FieldPanel("time_zone")]

    class Meta:
        verbose_name = _("site settings")

    @classmethod
    def for_site(cls, site):
        """The site's settings, kept until the content stamp changes (saving them changes
        it: see cms.apps)."""
        if site is None:
            return super().for_site(site)
        return stamped(f"site-settings:{site.pk}", lambda: super(SiteSettings, cls).for_site(site))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The company's time zone (UTC if the stored name is no longer known)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


@register_setting(icon="doc-full")
class DocumentSettings(BaseGenericSetting):
    """Who may download the documents uploaded in the admin: signed-in people, unless a
    document's collection (or one it sits in) is public."""

    public_collections = models.ManyToManyField(
        "wagtailcore.Collection",
        blank=True,
        related_name="+",
        verbose_name=_("public collections"),
        help_text=_(
            "Anyone with the link may download the documents in these collections and in "
            "the collections inside them, without signing in. Every other document is for "
            "signed-in people only."
        ),
    )

    panels = [FieldPanel("public_collections", widget=forms.CheckboxSelectMultiple)]

    class Meta:
        verbose_name = _("document access")


def validate_url_patterns(value: str) -> None:
    """Each line must compile and must not backtrack for long (see ``cms.url_patterns``)."""
    errors = []
    for number, line in enumerate(value.splitlines(), start=1):
        pattern = line.strip()
        if not pattern:
            continue
        try:
            url_patterns.check_pattern(pattern)
        except ValidationError as exc:
            errors.extend(
                ValidationError(
                    _("Line %(number)s: %(problem)s"),
                    params={"number": number, "problem": message},
                )
                for message in exc.messages
            )
    if errors:
        raise ValidationError(errors)


def validate_share_url_template(value: str) -> None:
    if not value:
        return
    if not value.startswith("https://") or "{url}" not in value:
        raise ValidationError(_("Use an https address with {url} in it."))
    leftover = value.replace("{url}", "").replace("{text}", "")
    if "{" in leftover or "}" in leftover:
        raise ValidationError(_("Only {url} and {text} can be filled in."))


def share_link(template: str, *, url: str, text: str) -> str:
    """``template`` with the page's address and a text filled in, each URL-encoded."""
    from urllib.parse import quote

    return template.replace("{url}", quote(url, safe="")).replace("{text}", quote(text, safe=""))


class Platform(index.Indexed, models.Model):
    """A social platform where people practise, and how to recognise its public URLs.

    Patterns are regular expressions, one per line, matched against the host and path of
    an ``https`` URL written as ``host/path`` (no scheme, no query), for example
    ``(www\\.)?linkedin\\.com/posts/[^/]+``.
    """

    class Kind(models.TextChoices):
        POST = "post", _("post")
        PROFILE = "profile", _("profile")

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    home_url = models.URLField(_("home page"), blank=True)
    post_patterns = models.TextField(
        _("post URL patterns"),
        validators=[validate_url_patterns],
        help_text=_("One regular expression per line, matched against host/path."),
    )
    profile_patterns = models.TextField(
        _("profile URL patterns"),
        validators=[validate_url_patterns],
        help_text=_("One regular expression per line, matched against host/path."),
    )
    example_post_url = models.URLField(_("example post URL"), blank=True)
    example_profile_url = models.URLField(_("example profile URL"), blank=True)
    share_url_template = models.CharField(
        _("share link"),
        max_length=300,
        blank=True,
        validators=[validate_share_url_template],
        help_text=_(
            "An https address that shares a page, with {url} where the page's address goes "
            "and, optionally, {text} for a short text. Empty: no share link for this platform."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("home_url"),
        MultiFieldPanel(
            [FieldPanel("post_patterns"), FieldPanel("example_post_url")], heading=_("Posts")
        ),
        MultiFieldPanel(
            [FieldPanel("profile_patterns"), FieldPanel("example_profile_url")],
            heading=_("Profiles"),
        ),
        FieldPanel("share_url_template"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for kind, example in ((self.Kind.POST, self.example_post_url),
                              (self.Kind.PROFILE, self.example_profile_url)):  # fmt: skip
            if example and self.classify_url(example) != kind:
                field = f"example_{kind}_url"
                raise ValidationError({field: _("The example does not match the patterns.")})

    @staticmethod
    def _patterns(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def share_url(self, *, url: str, text: str) -> str:
        """The link that shares ``url`` on this platform, or "" when it has none."""
        return (
            share_link(self.share_url_template, url=url, text=text)
            if self.share_url_template
            else ""
        )

    def classify_url(self, url: str) -> str | None:
        """Return ``"post"`` or ``"profile"`` when ``url`` is a public URL of this platform."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
            return None
        target = f"{parts.hostname}{parts.path}".rstrip("/")
        for kind, text in ((self.Kind.POST, self.post_patterns),
                           (self.Kind.PROFILE, self.profile_patterns)):  # fmt: skip
            if url_patterns.matches_any(self._patterns(text), target):
                return kind
        return None


class PolicyPage(Page):
    """The company's social media policy: one page, read by everyone who speaks for the
    company, with a short check that it was understood.

    Publishing with "material change" ticked starts a new :class:`PolicyVersion`, which
    everyone on the advocacy roster must acknowledge again; an editorial fix (unticked)
    keeps the current version. The box starts unticked on every edit (see
    ``PolicyPageForm``), so a change is material only when the editor says so.
    """

    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("Two or three sentences: what the policy asks, in plain words."),
    )
    body = StreamField(PageStreamBlock(), verbose_name=_("policy"))
    material_change = models.BooleanField(
        _("this change is material"),
        default=False,
        help_text=_(
            "Tick when the change alters what people must or must not do: publishing "
            "starts a new version that everyone on the roster acknowledges again. Leave "
            "unticked for wording and typo fixes."
        ),
    )
    change_note = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("Shown to people asked to acknowledge the new version."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel(
            "questions",
            label=_("Understanding check question"),
            heading=_("Understanding check"),
            min_num=1,
            max_num=10,
        ),
        MultiFieldPanel(
            [FieldPanel("material_change"), FieldPanel("change_note")],
            heading=_("This change"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    base_form_class = PolicyPageForm

    class Meta:
        verbose_name = _("social media policy")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The current version (none yet in a preview before the first publication) and
        # what other apps add for this reader (see ``cms.extensions``).
        version = self.versions.order_by("-number").first() if self.pk else None
        context["version"] = version
        context["sections"] = (
            []
            if request is None
            else POLICY_PAGE_SECTIONS.collect(request=request, page=self, version=version)
        )
        return context


class PolicyQuestion(Orderable):
    """One multiple-choice question of the understanding check; exactly one choice is
    right, and answers are graded on the server."""

    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question"), max_length=300)
    choices = models.TextField(
        _("choices"),
        help_text=_("One choice per line, two to six lines."),
    )
    correct_choice = models.PositiveSmallIntegerField(
        _("number of the right choice"),
        help_text=_("1 for the first line, 2 for the second, and so on."),
    )
    explanation = models.CharField(
        _("why"),
        max_length=300,
        blank=True,
        help_text=_("Shown after a wrong answer, to help the reader find the right one."),
    )

    panels = [
        FieldPanel("prompt"),
        FieldPanel("choices"),
        FieldPanel("correct_choice"),
        FieldPanel("explanation"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("understanding check question")

    def __str__(self) -> str:
        return self.prompt

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        choices = self.choice_list()
        if not 2 <= len(choices) <= 6:
            raise ValidationError({"choices": _("Write two to six choices, one per line.")})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": _("Two choices are the same.")})
        if self.correct_choice is not None and not 1 <= self.correct_choice <= len(choices):
            raise ValidationError(
                {
                    "correct_choice": _("Choose a number from 1 to %(count)d.")
                    % {"count": len(choices)}
                }
            )


class PolicyVersion(models.Model):
    """A version people acknowledge: started by publishing the policy page with a material
    change (or by its first publication). Versions are numbered 1, 2, 3... per page."""

    page = models.ForeignKey(
        PolicyPage, on_delete=models.CASCADE, related_name="versions", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision published"),
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="cms_policyversion_number"),
        ]

    def __str__(self) -> str:
        return _("Policy v%(number)d") % {"number": self.number}
