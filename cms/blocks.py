"""Blocks for the site's editorial pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        label = _("Heading")
        preview_value = "What Spoke is for"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        template = "blocks/callout.html"
        label = _("Callout")
        preview_value = {
            "title": "Before you post",
            "text": "<p>Would you be happy to see it quoted in tomorrow's news?</p>",
        }


class PageStreamBlock(blocks.StreamBlock):
    """The one stream used by the site's standard pages."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "link", "ol", "ul"],
        icon="pilcrow",
        label=_("Text"),
        template="blocks/paragraph.html",
        preview_value="<p>Spoke helps people learn to speak well online.</p>",
    )
    callout = CalloutBlock()
