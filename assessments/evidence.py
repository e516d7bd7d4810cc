"""Checking and cleaning the evidence a learner submits: a link, a screenshot, a reflection.

Pure functions with no models of their own. Each raises ``ValidationError`` with a message
a form can show on its field and a ``code`` that tests and callers can rely on:

- :func:`link_check_platform`: ``required``, ``too_long``, ``invalid``, ``http``,
  ``scheme``, ``credentials``, ``port``, ``ip_address``, ``internal_host``,
  ``no_platform``.
- :func:`screenshot_process`: ``empty``, ``file_too_large``, ``invalid_image``,
  ``image_too_small``, ``image_too_large``.
- :func:`reflection_clean`: ``too_long``, ``required``, ``too_short``.
"""

import io
import ipaddress
import re
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageMode, ImageOps

from cms.models import Platform

# --- Links ----------------------------------------------------------------------------

MAX_LINK_CHARS = 2000

# Names that never lead to a public page: special-use and private-use domains.
INTERNAL_SUFFIXES = (
    "localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp",
    "private", "home.arpa",
)  # fmt: skip

_HOST = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
# The WHATWG URL standard treats a host whose last label is a number (decimal, 0x-hex
# or 0-octal) as an IPv4 address: https://2130706433/ and https://0x7f.1/ are 127.0.0.1.
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
# Probing a platform with this host tells apart platforms tied to their own domain from
# those, like Mastodon, that accept any host.
_PROBE_HOST = "probe.invalid"
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"  # what a path may hold as it is, RFC 3986


def link_check_platform(url: str, platforms: Iterable[Platform]) -> tuple[Platform, str]:
    """Return the platform of ``url`` and whether it is a ``"post"`` or a ``"profile"``.

    ``url`` is taken as typed apart from surrounding white space; the caller stores
    ``url.strip()``. Raise ``ValidationError`` saying what is wrong and how to fix it.
    """
    platforms = list(platforms)
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Enter the link to your post or profile."), code="required")
    if len(url) > MAX_LINK_CHARS:
        raise ValidationError(
            _("This link has %(length)s characters; a link can have at most %(max)s."),
            code="too_long",
            params={"length": len(url), "max": MAX_LINK_CHARS},
        )
    parts = _link_parts(url)
    if not _link_host_plausible(parts):
        raise _no_platform_error(platforms)

    # Patterns are matched against the path as a browser sends it, percent-encoded, so
    # that letters such as the long s (U+017F) or the Kelvin sign (U+212A), which a
    # case-blind pattern takes for "s" and "k", and digits of other scripts cannot pass
    # for the ASCII a platform uses.
    sent = parts._replace(path=quote(parts.path, safe=_PATH_SAFE))
    matches = [
        (platform, kind)
        for platform in platforms
        if (kind := platform.classify_url(urlunsplit(sent)))
    ]
    if not matches:
        raise _no_platform_error(platforms)
    # A post on threads.net/@someone/... also looks like a Mastodon post on some server;
    # the platform that only accepts its own domain is the better answer.
    probe = urlunsplit(sent._replace(netloc=_PROBE_HOST))
    matches.sort(key=lambda match: match[0].classify_url(probe) is not None)
    return matches[0]


def _invalid_link_error() -> ValidationError:
    return ValidationError(
        _("This is not a web address. Copy the full address of the post or profile, "
          "starting with https://."),
        code="invalid",
    )  # fmt: skip


def _link_parts(url: str) -> SplitResult:
    """Split ``url``, refusing what is not an https address of a named host."""
    # Browsers read a backslash as a slash and drop tabs and line breaks, so such a URL
    # does not go where it seems to; none of them belongs in a link someone copied.
    if "\\" in url or any(char.isspace() or not char.isprintable() for char in url):
        raise _invalid_link_error()
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _invalid_link_error() from None
    scheme = parts.scheme.lower()
    if not scheme or "." in scheme:  # "www.linkedin.com/in/x", "linkedin.com:443/in/x"
        raise _invalid_link_error()
    if scheme == "http":
        raise ValidationError(
            _("Use the https address: the link should start with https://, not http://."),
            code="http",
        )
    if scheme != "https":
        raise ValidationError(
            _("Only web links that start with https:// are accepted."), code="scheme"
        )
    if not parts.netloc:
        raise _invalid_link_error()
    if "@" in parts.netloc:
        raise ValidationError(
            _("Remove the user name or password (the part before @) from the link."),
            code="credentials",
        )
    return parts


def _link_host_plausible(parts: SplitResult) -> bool:
    """Refuse IP addresses and internal names; return False for an international name.

    A host written with non-ASCII letters or punycode is almost always a look-alike of a
    platform's own, and is answered like any URL that no platform recognises.
    """
    netloc = parts.netloc
    if netloc.startswith("["):
        raise _ip_address_error()
    try:
        port = parts.port
    except ValueError:
        raise _invalid_link_error() from None
    if port not in (None, 443) or netloc.endswith(":"):
        raise ValidationError(
            _("Remove the port number (the “:” and digits after the name) from the link."),
            code="port",
        )
    host = parts.hostname or ""
    if not host:
        raise _invalid_link_error()
    # Checked as typed: lowercasing turns the Kelvin sign into an ASCII "k".
    if not netloc.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        return False
    if host.endswith("."):
        raise _internal_host_error()
    if not _HOST.fullmatch(host):
        raise _invalid_link_error()
    if _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]) or _is_ip(host):
        raise _ip_address_error()
    if "." not in host or any(
        host == suffix or host.endswith(f".{suffix}") for suffix in INTERNAL_SUFFIXES
    ):
        raise _internal_host_error()
    return True


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ip_address_error() -> ValidationError:
    return ValidationError(
        _("Use the public address of the post or profile, not an IP address."),
        code="ip_address",
    )


def _internal_host_error() -> ValidationError:
    return ValidationError(
        _("This points to a local or internal address. Use the public address of the post "
          "or profile, as it appears in the browser on the platform."),
        code="internal_host",
    )  # fmt: skip


def _no_platform_error(platforms: list[Platform]) -> ValidationError:
    if not platforms:
        return ValidationError(
            _("This is not a link to a post or profile on an allowed platform."),
            code="no_platform",
        )
    names = str(get_text_list([platform.name for platform in platforms], _("or")))
    example = next(
        (
            url
            for platform in platforms
            for url in (platform.example_post_url, platform.example_profile_url)
            if url
        ),
        "",
    )
    if example:
        return ValidationError(
            _("This is not a link to a post or profile on %(platforms)s. "
              "It should look like %(example)s"),
            code="no_platform",
            params={"platforms": names, "example": example},
        )  # fmt: skip
    return ValidationError(
        _("This is not a link to a post or profile on %(platforms)s."),
        code="no_platform",
        params={"platforms": names},
    )


# --- Screenshots ----------------------------------------------------------------------

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
# What a screenshot may cost once decoded, checked from the header before any pixel is
# read. A phone's screen is at most about 1440 x 3200 (4.6 megapixels), a scrolling capture
# 1440 x 8192 (11.8), a 4K or 5K desktop 8.3 or 14.7: all pass. Pillow holds a colour pixel
# in 4 bytes, so 2**24 pixels (16.8 megapixels, 4096 x 4096 or 2048 x 8192) decode to at
# most 64 MiB, and processing holds two copies at its peak (about 128 MiB per upload, where a
# 12000 x 3333 PNG took 300 MB before). The byte budget is the bound that matters; the
# pixel and side limits are what a person can be told.
MAX_SCREENSHOT_SIDE = 8192
MAX_SCREENSHOT_PIXELS = 2**24
MAX_SCREENSHOT_DECODED_BYTES = 64 * 1024 * 1024
MIN_SCREENSHOT_SIDE = 16
JPEG_QUALITY = 88
WEBP_QUALITY = 88

# Pillow's format name -> (format we write, file extension). MPO is how Pillow names a
# JPEG from a camera that carries a second picture; we keep only the first.
_FORMATS = {
    "PNG": ("PNG", ".png"),
    "JPEG": ("JPEG", ".jpg"),
    "MPO": ("JPEG", ".jpg"),
    "WEBP": ("WEBP", ".webp"),
}
_DECODERS = ("PNG", "JPEG", "WEBP")  # the only decoders Pillow may try
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ProcessedImage:
    """A screenshot re-encoded from its pixels alone, ready to store under ``name``."""

    content: ContentFile
    name: str
    width: int
    height: int
    format: str


def screenshot_process(upload) -> ProcessedImage:
    """Check an uploaded screenshot and return a clean copy of it without any metadata.

    The type is decided by the content, never by the name or content type. The picture
    is turned upright by its EXIF orientation and encoded afresh: no EXIF, GPS, colour
    profile, XMP or text survives, and only the first frame of an animation is kept.
    """
    data = _screenshot_read(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fmt = _screenshot_verify(data)
            frame = _screenshot_decode(data, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _image_too_large_error() from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError):
        # Pillow's ways of saying "this is not a complete picture in that format".
        raise _invalid_image_error() from None

    out_format, extension = _FORMATS[fmt]
    clean = Image.new(frame.mode, frame.size)  # a new image: no info, no EXIF, no ICC
    clean.paste(frame)
    frame.close()
    buffer = io.BytesIO()
    if out_format == "JPEG":
        clean.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    elif out_format == "WEBP":
        clean.save(buffer, format="WEBP", quality=WEBP_QUALITY)
    else:
        clean.save(buffer, format="PNG")
    name = secrets.token_urlsafe(24) + extension
    return ProcessedImage(
        content=ContentFile(buffer.getvalue(), name=name),
        name=name,
        width=clean.width,
        height=clean.height,
        format=out_format,
    )


def _screenshot_read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_SCREENSHOT_BYTES:
        raise _file_too_large_error()
    buffer = io.BytesIO()
    chunks = upload.chunks(_READ_CHUNK) if hasattr(upload, "chunks") else _read_chunks(upload)
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > MAX_SCREENSHOT_BYTES:  # the declared size may not be true
            raise _file_too_large_error()
    if not buffer.tell():
        raise ValidationError(_("The screenshot file is empty."), code="empty")
    return buffer.getvalue()


def _read_chunks(upload):
    if hasattr(upload, "seek"):
        upload.seek(0)
    while chunk := upload.read(_READ_CHUNK):
        yield chunk


def _screenshot_open(data: bytes) -> Image.Image:
    """Open ``data`` as PNG, JPEG or WebP and check its size before any pixel is read."""
    img = Image.open(io.BytesIO(data), formats=_DECODERS)
    if img.format not in _FORMATS:
        raise _invalid_image_error()
    width, height = img.size
    if width < MIN_SCREENSHOT_SIDE or height < MIN_SCREENSHOT_SIDE:
        raise ValidationError(
            _("The screenshot is too small (%(width)s by %(height)s pixels). "
              "Each side needs at least %(min)s pixels."),
            code="image_too_small",
            params={"width": width, "height": height, "min": MIN_SCREENSHOT_SIDE},
        )  # fmt: skip
    if (
        width > MAX_SCREENSHOT_SIDE
        or height > MAX_SCREENSHOT_SIDE
        or width * height > MAX_SCREENSHOT_PIXELS
        or decoded_bytes(img.mode, width, height) > MAX_SCREENSHOT_DECODED_BYTES
    ):
        raise _image_too_large_error(width, height)
    return img


def decoded_bytes(mode: str, width: int, height: int) -> int:
    """The memory a picture of ``mode`` takes once decoded (and converted to what is
    written back), from its header alone: width x height x bands x bytes per band, where
    Pillow keeps two to four 8-bit bands in four bytes. A picture that is not grey comes out
    as RGB or RGBA (four bytes a pixel) whatever it was."""
    try:
        image_mode = ImageMode.getmode(mode)
    except KeyError:
        raise _invalid_image_error() from None
    band_bytes = max(1, int(image_mode.typestr[-1]))
    bands = len(image_mode.bands)
    pixel_bytes = 4 if band_bytes == 1 and bands > 1 else bands * band_bytes
    written = 1 if mode in ("1", "L") else 4
    return width * height * max(pixel_bytes, written)


def _screenshot_verify(data: bytes) -> str:
    with _screenshot_open(data) as img:
        fmt = img.format
        img.verify()
    return fmt


def _screenshot_decode(data: bytes, fmt: str) -> Image.Image:
    """Decode the first frame, turn it upright and bring it to a mode ``fmt`` can hold."""
    with _screenshot_open(data) as img:
        if img.format != fmt:
            raise _invalid_image_error()
        img.seek(0)
        img.load()
        frame = _exif_upright(img)
    target = _target_mode(frame, _FORMATS[fmt][0])
    if frame.mode != target:
        converted = frame.convert(target)
        frame.close()
        frame = converted
    return frame


def _exif_upright(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block must not refuse a real picture
        return img.copy()


def _target_mode(img: Image.Image, out_format: str) -> str:
    has_alpha = img.has_transparency_data
    if out_format == "JPEG":
        return "L" if img.mode in ("1", "L") else "RGB"
    if (
        out_format == "PNG"
        and img.mode in ("1", "L", "LA", "RGB", "RGBA")
        and not (img.mode in ("1", "L", "RGB") and has_alpha)
    ):
        return img.mode
    return "RGBA" if has_alpha else "RGB"


def file_too_large_message() -> str:
    """What a learner is told about a screenshot file over the limit."""
    return _("The screenshot is larger than %(max)s MB. Save it as PNG or JPEG, or crop it.") % {
        "max": MAX_SCREENSHOT_BYTES // (1024 * 1024)
    }


def _file_too_large_error() -> ValidationError:
    return ValidationError(file_too_large_message(), code="file_too_large")


def _image_too_large_error(width: int | None = None, height: int | None = None):
    params = {
        "side": MAX_SCREENSHOT_SIDE,
        "megapixels": f"{MAX_SCREENSHOT_PIXELS / 1_000_000:.1f}",
        "width": width,
        "height": height,
    }
    if width is None or height is None:
        return ValidationError(
            _("The screenshot is too large: at most %(side)s pixels a side and "
              "%(megapixels)s megapixels in all. Crop it or make it smaller."),
            code="image_too_large",
            params=params,
        )  # fmt: skip
    return ValidationError(
        _("The screenshot is too large (%(width)s by %(height)s pixels): at most %(side)s "
          "pixels a side and %(megapixels)s megapixels in all. Crop it or make it smaller."),
        code="image_too_large",
        params=params,
    )  # fmt: skip


def _invalid_image_error() -> ValidationError:
    return ValidationError(
        _("This file is not a complete PNG, JPEG or WebP picture. Take the screenshot "
          "again and upload it as one of those."),
        code="invalid_image",
    )  # fmt: skip


# --- Reflections ----------------------------------------------------------------------

MAX_REFLECTION_CHARS = 200_000


def reflection_normalise(text: str) -> str:
    """The reflection as it is stored: the learner's own words, plain text (never markup),
    with line endings made one kind and the blank space around the whole trimmed. Pages
    show it escaped, with its paragraphs (``linebreaks``); what looks like markup is text."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def reflection_length(text: str) -> int:
    """The characters a reader sees: runs of blank space count as one."""
    return len(" ".join((text or "").split()))


def reflection_clean(text: str, *, min_chars: int) -> tuple[str, int]:
    """Return the reflection as stored (:func:`reflection_normalise`) and its length.

    Refuse input longer than ``MAX_REFLECTION_CHARS``, and a text shorter than
    ``min_chars`` characters.
    """
    text = text or ""
    if len(text) > MAX_REFLECTION_CHARS:
        raise ValidationError(
            _("The reflection is too long: %(length)s characters, and the limit is %(max)s. "
              "Shorten it."),
            code="too_long",
            params={"length": len(text), "max": MAX_REFLECTION_CHARS},
        )  # fmt: skip
    text = reflection_normalise(text)
    length = reflection_length(text)
    if length < min_chars:
        if length == 0:
            raise ValidationError(_("Write your reflection."), code="required")
        raise ValidationError(
            ngettext(
                "Write a little more: the reflection needs at least %(min)s character of "
                "text, and it has %(length)s.",
                "Write a little more: the reflection needs at least %(min)s characters of "
                "text, and it has %(length)s.",
                min_chars,
            ),
            code="too_short",
            params={"length": length, "min": min_chars},
        )
    return text, length
