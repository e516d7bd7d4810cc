"""The one place that cleans untrusted HTML.

Everything a person types as rich text goes through :func:`sanitize_html` before it is
stored or shown. Nothing else in Spoke imports bleach.
"""

from functools import partial
from html import unescape

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "i", "li",
        "ol", "p", "pre", "s", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel", "target"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _link_attributes(attrs, new=False):
    """Every link points away from us: no referrer juice, no window.opener."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_attributes], skip_tags={"pre", "code"})],
)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to a small allow-list, with safe, nofollow links."""
    if not html:
        return ""
    return _cleaner.clean(html)


def html_text_length(html: str) -> int:
    """Count the characters a reader sees, not the markup around them."""
    text = bleach.clean(html or "", tags=set(), strip=True, strip_comments=True)
    # bleach returns text with its entities escaped: "&lt;" is one character to a reader.
    return len(" ".join(unescape(text).split()))
