import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import PageStreamBlock


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


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """What the site says about the company that runs it."""

    company_name = models.CharField(_("company name"), max_length=120, default="Spoke")
    help_email = models.EmailField(
        _("help address"),
        blank=True,
        help_text=_("Where people write when they are stuck. Shown in the footer."),
    )

    panels = [FieldPanel("company_name"), FieldPanel("help_email")]

    class Meta:
        verbose_name = _("site settings")


def validate_url_patterns(value: str) -> None:
    for number, line in enumerate(value.splitlines(), start=1):
        pattern = line.strip()
        if not pattern:
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValidationError(
                _("Line %(number)s is not a valid pattern: %(error)s"),
                params={"number": number, "error": exc},
            ) from exc


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
    def _patterns(text: str) -> list[re.Pattern]:
        return [
            re.compile(line.strip(), re.IGNORECASE) for line in text.splitlines() if line.strip()
        ]

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
            if any(pattern.fullmatch(target) for pattern in self._patterns(text)):
                return kind
        return None
