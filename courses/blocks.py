"""The blocks a lesson is written with. One stream block, :class:`LessonStreamBlock`."""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"
        preview_value = "Why listening comes before posting"


class TextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=["h3", "bold", "italic", "link", "ol", "ul"], **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "courses/blocks/text.html"
        preview_value = (
            "<p>Before you post, spend ten minutes reading what people already say about "
            "your team.</p>"
        )


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alt text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly embed address of a YouTube or Vimeo video, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = None
    if parts.scheme != "https":
        return None
    if host == "youtu.be":
        video_id = parts.path.strip("/").split("/")[0]
    elif host == "youtube.com":
        if parts.path == "/watch":
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif parts.path.startswith(("/shorts/", "/embed/")):
            video_id = parts.path.split("/")[2]
    elif host == "vimeo.com" and parts.path.strip("/").isdigit():
        return f"https://player.vimeo.com/video/{parts.path.strip('/')}?dnt=1"
    if video_id and all(ch.isalnum() or ch in "-_" for ch in video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return None


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video, embedded without tracking cookies, with a transcript."""

    url = blocks.URLBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo link."))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    transcript = blocks.TextBlock(
        label=_("Transcript or summary"),
        required=False,
        help_text=_("For people who cannot play it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {
            "url": "https://www.youtube.com/watch?v=M7lc1UVf-VE",
            "title": "Listening before you post",
            "transcript": "A two-minute walk through searching for what people say about us.",
        }

    def clean(self, value):
        value = super().clean(value)
        if video_embed_url(value["url"]) is None:
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Use an https YouTube or Vimeo link."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_url"] = video_embed_url(value["url"])
        return context


class TipBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("warning", _("Watch out")), ("example", _("Example"))],
        default="tip",
        label=_("Kind"),
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "help"
        label = _("Tip or callout")
        template = "courses/blocks/tip.html"
        preview_value = {
            "tone": "tip",
            "title": "The newspaper test",
            "text": "<p>Would you be comfortable reading this post quoted in tomorrow's news?</p>",
        }


class TryItBlock(blocks.StructBlock):
    """A short practice prompt: something to do on a real platform, now or this week."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    instructions = blocks.RichTextBlock(
        label=_("What to do"), features=["bold", "italic", "link", "ol", "ul"]
    )
    time_needed = blocks.CharBlock(label=_("Time needed"), required=False, max_length=40)

    class Meta:
        icon = "pick"
        label = _("Try it")
        template = "courses/blocks/try_it.html"
        preview_value = {
            "title": "Search for your company",
            "instructions": "<p>Search for your company's name and read the last ten posts.</p>",
            "time_needed": "10 minutes",
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Who said it"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote.html"
        preview_value = {
            "quote": "We stopped answering every question ourselves and taught the teams.",
            "attribution": "A communications lead",
        }


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer")


class KnowledgeCheckBlock(blocks.StructBlock):
    """A question with choices. Graded on the server; passing records 'aware' evidence."""

    question = blocks.CharBlock(label=_("Question"), max_length=300)
    # A new check starts with as many empty answers as it needs (two), so the editor does
    # not open on "at least 2 items" before anything is typed.
    choices = blocks.ListBlock(
        ChoiceBlock(),
        min_num=2,
        max_num=8,
        default=[{"text": "", "correct": False}, {"text": "", "correct": False}],
        label=_("Answers"),
    )
    explanation = blocks.RichTextBlock(
        label=_("Explanation"),
        features=["bold", "italic", "link"],
        help_text=_("Shown after answering: why the right answers are right."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Knowledge check")
        template = "courses/blocks/knowledge_check.html"
        preview_value = {
            "question": "A customer complains in public. What do you do first?",
            "choices": [
                {"text": "Reply in public that you are looking into it", "correct": True},
                {"text": "Delete the post", "correct": False},
                {"text": "Ignore it until Monday", "correct": False},
            ],
            "explanation": "<p>Acknowledge it quickly in public, then go private.</p>",
        }

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise StructBlockValidationError(
                non_block_errors=ErrorList([_("Mark at least one answer as correct.")])
            )
        return value


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = TextBlock()
    image = ImageBlock()
    video = VideoBlock()
    tip = TipBlock()
    try_it = TryItBlock()
    quote = QuoteBlock()
    knowledge_check = KnowledgeCheckBlock()
