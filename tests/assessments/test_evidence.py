"""Evidence a learner submits: post links, screenshots and reflections, checked and cleaned.

Links and reflections come from a corpus in ``corpus/`` that grows with every new trick;
images are built here with Pillow (see ``corpus/reflections/README.txt`` for the markers).
"""

import contextlib
import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import ExifTags, Image, ImageCms, ImageFile

from assessments import evidence
from assessments.evidence import (
    MAX_LINK_CHARS,
    MAX_REFLECTION_CHARS,
    MAX_SCREENSHOT_BYTES,
    link_check_platform,
    reflection_clean,
    screenshot_process,
)
from cms.models import Platform
from tests.assessments import assert_safe_html, html_safety_problems

CORPUS = Path(__file__).parent / "corpus"

# --- Links ----------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(t|n|r|\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def _unescape(text: str) -> str:
    def replace(match):
        code = match.group(1)
        return _SIMPLE_ESCAPES.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(replace, text)


def _link_cases():
    lines = (CORPUS / "links.txt").read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, tab, url = line.partition("\t")
        assert tab, f"links.txt line {number}: expected<TAB>url"
        assert re.fullmatch(r"ok:[a-z0-9-]+:(post|profile)|error:[a-z_]+", expected), number
        yield pytest.param(expected, _unescape(url), id=f"line{number}")


LINK_CASES = list(_link_cases())


@pytest.fixture
def platforms(db):
    return list(Platform.objects.all())


def _error(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        call(*args, **kwargs)
    return excinfo.value


def test_link_corpus_is_substantial():
    """The link corpus covers every platform and every error code."""
    expected = {case.values[0] for case in LINK_CASES}
    assert len(LINK_CASES) >= 100
    assert {e.split(":")[1] for e in expected if e.startswith("ok:")} == {
        "linkedin", "x", "facebook", "instagram", "threads", "bluesky", "mastodon", "youtube",
        "tiktok",
    }  # fmt: skip
    assert {e.split(":")[1] for e in expected if e.startswith("error:")} == {
        "required", "invalid", "http", "scheme", "credentials", "port", "ip_address",
        "internal_host", "no_platform",
    }  # fmt: skip


@pytest.mark.parametrize(("expected", "url"), LINK_CASES)
def test_link_corpus(platforms, expected, url):
    """Each corpus link is accepted for its platform and kind, or refused with its code."""
    if expected.startswith("ok:"):
        _, slug, kind = expected.split(":")
        platform, found_kind = link_check_platform(url, platforms)
        assert (platform.slug, found_kind) == (slug, kind)
    else:
        error = _error(link_check_platform, url, platforms)
        assert error.code == expected.removeprefix("error:")
        assert error.messages[0].strip()


def test_link_longer_than_limit_is_refused(platforms):
    """A link over 2000 characters is refused, and the message says the limit."""
    base = "https://www.linkedin.com/posts/jordan-reyes_"
    at_limit = base + "a" * (MAX_LINK_CHARS - len(base))
    assert link_check_platform(at_limit, platforms)[1] == "post"
    error = _error(link_check_platform, at_limit + "a", platforms)
    assert error.code == "too_long"
    assert "2001" in error.messages[0]
    assert "2000" in error.messages[0]


def test_link_error_names_allowed_platforms_and_shows_an_example(platforms):
    """The refusal lists the allowed platforms and an example address of the first."""
    allowed = [p for p in platforms if p.slug in {"linkedin", "x"}]
    error = _error(link_check_platform, "https://example.com/posts/1", allowed)
    assert error.code == "no_platform"
    assert error.messages == [
        "This is not a link to a post or profile on LinkedIn or X. It should look like "
        "https://www.linkedin.com/posts/jordan-reyes_what-our-support-team-learned-activity"
        "-7260000000000000000-ab12"
    ]


def test_look_alike_host_gets_the_platform_message(platforms):
    """A punycode or non-ASCII host is answered like any URL no platform recognises."""
    allowed = [p for p in platforms if p.slug == "linkedin"]
    for url in ("https://www.l\u0456nkedin.com/in/x", "https://www.xn--lnkedin-2uf.com/in/x"):
        error = _error(link_check_platform, url, allowed)
        assert error.code == "no_platform"
        assert "LinkedIn" in error.messages[0]


def test_link_of_a_platform_not_allowed_is_refused(platforms):
    """A valid LinkedIn post does not pass when only X is allowed."""
    only_x = [p for p in platforms if p.slug == "x"]
    error = _error(link_check_platform, "https://www.linkedin.com/in/jordan-reyes", only_x)
    assert error.code == "no_platform"
    assert "on X." in error.messages[0]
    assert "https://x.com/kestrel_help/status/" in error.messages[0]


def test_no_platforms_allowed(db):
    """With no platform allowed, every link is refused without naming any."""
    error = _error(link_check_platform, "https://www.linkedin.com/in/jordan-reyes", [])
    assert error.code == "no_platform"


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.threads.net/@kestrelrail", "threads"),
        ("https://www.tiktok.com/@kestrelrail", "tiktok"),
        ("https://www.youtube.com/@kestrelrail", "youtube"),
        ("https://mastodon.social/@kestrelrail", "mastodon"),
    ],
)
def test_platform_of_its_own_domain_wins_over_any_host_platforms(platforms, url, slug):
    """A profile that also looks like a Mastodon address goes to its own platform."""
    assert link_check_platform(url, platforms)[0].slug == slug
    mastodon = [p for p in platforms if p.slug == "mastodon"]
    assert link_check_platform(url, mastodon)[0].slug == "mastodon"


def test_link_accepts_a_queryset_and_a_generator(platforms):
    """Any iterable of platforms will do, read once."""
    url = "https://bsky.app/profile/kestrelrail.example"
    assert link_check_platform(url, Platform.objects.all())[0].slug == "bluesky"
    assert link_check_platform(url, (p for p in platforms))[0].slug == "bluesky"


# --- Screenshots ----------------------------------------------------------------------

SECRETS = (b"SECRET-DESCRIPTION", b"SECRET-CAMERA", b"SECRET-XMP", b"SECRET-TEXT")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRET-XMP</x:xmpmeta>'


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = "SECRET-DESCRIPTION"
    exif[ExifTags.Base.Make] = "SECRET-CAMERA"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 40.0)
    return exif


def _encode(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _with_metadata(fmt: str, size=(40, 20), orientation: int = 1) -> bytes:
    """A picture carrying EXIF with GPS, a colour profile, XMP and (PNG) text chunks."""
    img = Image.new("RGB", size, (200, 30, 30))
    img.paste((0, 0, 255), (0, 0, 8, 8))  # a blue corner, to see which way is up
    options = {"exif": _exif(orientation), "icc_profile": SRGB}
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", "SECRET-TEXT")
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        options["pnginfo"] = info
    else:
        options["xmp"] = XMP
    if fmt == "JPEG":
        options["comment"] = "SECRET-TEXT"
    return _encode(img, fmt, **options)


def _upload(data: bytes, name: str = "screenshot.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` by ``height`` pixels with almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _open(result) -> Image.Image:
    return Image.open(io.BytesIO(result.content.read()))


def _assert_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        assert len(img.getexif()) == 0
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment"):
            assert key not in img.info, key
        assert not getattr(img, "text", {})
    for secret in SECRETS:
        assert secret not in data


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", ".png"), ("JPEG", ".jpg"),
                                                 ("WEBP", ".webp")])  # fmt: skip
def test_screenshot_is_reencoded_without_metadata(fmt, extension):
    """PNG, JPEG and WebP keep their format and lose EXIF, GPS, ICC, XMP and text."""
    data = _with_metadata(fmt)
    with Image.open(io.BytesIO(data)) as original:  # the input really carries it all
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "icc_profile" in original.info

    result = screenshot_process(_upload(data))

    assert (result.format, result.width, result.height) == (fmt, 40, 20)
    assert result.name.endswith(extension)
    assert result.content.name == result.name
    output = result.content.read()
    assert output != data
    _assert_no_metadata(output)
    with Image.open(io.BytesIO(output)) as img:
        assert img.format == fmt
        red, green, blue = img.convert("RGB").getpixel((20, 10))
        assert (red > 150, green < 80, blue < 80) == (True, True, True)  # the picture survives


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_exif_orientation_is_applied(fmt):
    """A picture marked "rotate 90°" comes out upright, without the mark."""
    result = screenshot_process(_upload(_with_metadata(fmt, size=(40, 20), orientation=6)))
    assert (result.width, result.height) == (20, 40)
    with _open(result) as img:
        assert img.size == (20, 40)
        assert ExifTags.Base.Orientation not in img.getexif()
        red, _, blue = img.convert("RGB").getpixel((16, 3))  # top left, now top right
        assert (blue > 150, red < 80) == (True, True)


def test_name_is_random_and_ignores_the_uploaded_name():
    """Stored names are random; the learner's file name and content type count for nothing."""
    data = _encode(Image.new("RGB", (32, 32)), "PNG")
    first = screenshot_process(_upload(data, name="../../etc/passwd.gif", content_type="image/gif"))
    second = screenshot_process(_upload(data, name="../../etc/passwd.gif"))
    assert first.format == "PNG"
    assert first.name != second.name
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}\.png", first.name)
    assert "passwd" not in first.name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("gif.png", _encode(Image.new("RGB", (32, 32)), "GIF")),
        ("bmp.png", _encode(Image.new("RGB", (32, 32)), "BMP")),
        ("tiff.png", _encode(Image.new("RGB", (32, 32)), "TIFF")),
        ("ico.png", _encode(Image.new("RGB", (32, 32)), "ICO")),
        (
            "svg.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">'
            b"<script>alert(1)</script></svg>",
        ),
        ("html.png", b"<!doctype html><html><script>alert(document.cookie)</script></html>"),
        ("pdf.png", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        ("zip.png", b"PK\x03\x04" + b"\x00" * 60),
        ("text.jpg", b"just some text, not a picture at all"),
        ("magic-only.png", b"\x89PNG\r\n\x1a\n"),
        ("magic-only.jpg", b"\xff\xd8\xff\xe0"),
        ("truncated.jpg", _encode(Image.effect_noise((64, 64), 60).convert("RGB"), "JPEG")[:400]),
        ("truncated.png", _encode(Image.effect_noise((64, 64), 60).convert("RGB"), "PNG")[:300]),
        ("truncated.webp", _encode(Image.effect_noise((64, 64), 60).convert("RGB"), "WEBP")[:200]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_other_content_is_refused(name, data):
    """GIF, BMP, TIFF, ICO, SVG, HTML, PDF, zip, text and truncated pictures are refused."""
    assert _error(screenshot_process, _upload(data, name=name)).code == "invalid_image"


def test_png_with_a_broken_checksum_is_refused():
    """A PNG whose chunk checksum is wrong fails verification."""
    data = bytearray(_encode(Image.new("RGB", (32, 32), "red"), "PNG"))
    data[29] ^= 0xFF  # inside the IHDR checksum
    assert _error(screenshot_process, _upload(bytes(data))).code == "invalid_image"


def test_empty_file_is_refused():
    """A zero-byte upload gets its own message."""
    assert _error(screenshot_process, _upload(b"")).code == "empty"


@pytest.mark.parametrize(
    ("width", "height", "code"),
    [
        (1, 1, "image_too_small"),
        (15, 400, "image_too_small"),
        (400, 15, "image_too_small"),
        (20_000, 20_000, "image_too_large"),  # Pillow's own bomb error
        (10_000, 10_000, "image_too_large"),  # Pillow's bomb warning, turned into an error
        (7_000, 7_000, "image_too_large"),  # under Pillow's line, over our 16.8 megapixels
        (12_000, 3_333, "image_too_large"),  # the 40-megapixel PNG that took 300 MB
        (4_097, 4_096, "image_too_large"),  # one pixel over 2**24
        (8_193, 16, "image_too_large"),  # one side too long
        (16, 8_193, "image_too_large"),
        (0xFFFFFFFF, 0xFFFFFFFF, "image_too_large"),  # more than a PNG may even claim
    ],
)
def test_picture_size_is_checked_from_the_header(width, height, code):
    """Sizes are refused from the header alone, before any pixel is decoded."""
    started = time.perf_counter()
    assert _error(screenshot_process, _upload(_png_header(width, height))).code == code
    assert time.perf_counter() - started < 1


@contextlib.contextmanager
def no_decoding():
    """Fail the test if any picture's pixels are decoded inside the block."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"pixels of a {self.size} picture were decoded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Image.Image, "load", refuse)
        patch.setattr(ImageFile.ImageFile, "load", refuse)
        yield


def _tiny(mode: str, size: tuple[int, int]) -> bytes:
    """A real, complete PNG of ``size`` that weighs a few KB (one colour compresses well)."""
    return _encode(Image.new(mode, size), "PNG", optimize=True)


@pytest.mark.parametrize(
    ("mode", "size"),
    [("1", (12_000, 3_333)), ("P", (12_000, 3_333)), ("1", (4_097, 4_096)), ("P", (8_193, 64))],
)
def test_a_light_file_of_a_huge_picture_is_refused_before_decoding(mode, size):
    """A 1-bit or palette PNG of a few KB that would decode to hundreds of MB is refused
    from its header: no pixel is ever decoded."""
    data = _tiny(mode, size)
    assert len(data) < 64 * 1024
    with no_decoding():
        error = _error(screenshot_process, _upload(data))
    assert error.code == "image_too_large"
    assert f"{size[0]} by {size[1]} pixels" in error.messages[0]
    assert "8192 pixels a side and 16.8 megapixels" in error.messages[0]


def test_the_no_decoding_spy_catches_a_decode():
    """The spy above does see a picture being decoded (so its silence means something)."""
    data = _tiny("1", (64, 64))
    with no_decoding(), pytest.raises(AssertionError, match="decoded"):
        screenshot_process(_upload(data))


def test_the_largest_allowed_picture_is_accepted():
    """A 4096 x 4096 (2**24 pixels) colour picture, the budget exactly, passes."""
    result = screenshot_process(_upload(_tiny("RGB", (4_096, 4_096))))
    assert (result.width, result.height) == (4_096, 4_096)


@pytest.mark.parametrize(
    ("mode", "pixel_bytes"),
    [("1", 1), ("L", 1), ("P", 4), ("LA", 4), ("RGB", 4), ("RGBA", 4), ("I;16", 4), ("I", 4)],
)
def test_decoded_size_counts_what_pillow_holds(mode, pixel_bytes):
    """The decoded size is width x height x bytes a pixel takes in memory, including the
    conversion to RGB a palette or 16-bit picture goes through."""
    assert evidence.decoded_bytes(mode, 100, 30) == 100 * 30 * pixel_bytes


def test_the_decoded_budget_refuses_colour_where_grey_would_pass(monkeypatch):
    """Under a 1 MiB budget a 1024 x 512 colour picture (2 MiB decoded) is refused from its
    header, while the same size in grey (0.5 MiB) passes."""
    monkeypatch.setattr(evidence, "MAX_SCREENSHOT_DECODED_BYTES", 1024 * 1024)
    colour, grey = _tiny("RGB", (1024, 512)), _tiny("L", (1024, 512))
    with no_decoding():
        assert _error(screenshot_process, _upload(colour)).code == "image_too_large"
    assert screenshot_process(_upload(grey)).width == 1024


def _png_with_ihdr(ihdr: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "ihdr",
    [
        struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0),  # no pixels at all
        struct.pack(">IIBBBBB", 64, 64, 7, 2, 0, 0, 0),  # a bit depth PNG does not have
        struct.pack(">IIBBBBB", 64, 64, 8, 5, 0, 0, 0),  # a colour type PNG does not have
        struct.pack(">II", 64, 64),  # a header cut short
        b"",  # an empty header
    ],
    ids=["zero-size", "bit-depth", "colour-type", "short", "empty"],
)
def test_malformed_headers_are_refused_without_decoding(ihdr):
    """A PNG header that makes no sense is refused as not a picture, before decoding."""
    data = _png_with_ihdr(ihdr)
    with no_decoding():
        error = _error(screenshot_process, _upload(data))
    assert error.code in {"invalid_image", "image_too_small"}


def test_small_but_allowed_picture_is_accepted():
    """16 by 16 pixels is the smallest screenshot taken."""
    assert screenshot_process(_upload(_encode(Image.new("L", (16, 16)), "PNG"))).width == 16


def test_declared_size_over_the_limit_is_refused_without_reading():
    """An upload that says it is over 5 MB is refused before a byte is read."""

    class Huge:
        size = MAX_SCREENSHOT_BYTES + 1

        def chunks(self, *args):
            raise AssertionError("read")

        def read(self, *args):
            raise AssertionError("read")

    error = _error(screenshot_process, Huge())
    assert error.code == "file_too_large"
    assert "5 MB" in error.messages[0]


def test_size_is_counted_while_reading():
    """An upload whose declared size lies is stopped once it passes 5 MB."""
    upload = _upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_SCREENSHOT_BYTES)
    upload.size = 100
    assert _error(screenshot_process, upload).code == "file_too_large"


def test_plain_file_object_is_read_too():
    """Anything with ``read`` will do, for callers outside a form."""
    data = _encode(Image.new("RGB", (32, 32)), "JPEG")
    stream = io.BytesIO(data)
    stream.read()  # a caller that has already read it
    assert screenshot_process(stream).format == "JPEG"


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animation_keeps_only_the_first_frame(fmt):
    """An animated WebP or PNG becomes a still of its first frame."""
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "blue", "green")]
    data = _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    with Image.open(io.BytesIO(data)) as original:
        assert original.n_frames == 3

    with _open(screenshot_process(_upload(data))) as img:
        assert getattr(img, "n_frames", 1) == 1
        assert not getattr(img, "is_animated", False)
        assert img.convert("RGB").getpixel((5, 5))[0] > 200


def test_camera_mpo_becomes_a_plain_jpeg():
    """A JPEG with a second picture inside (MPO) comes out as a single JPEG."""
    frames = [Image.new("RGB", (32, 32), "red"), Image.new("RGB", (32, 32), "blue")]
    data = _encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    result = screenshot_process(_upload(data, name="photo.jpg"))
    assert result.format == "JPEG"
    assert result.name.endswith(".jpg")
    with _open(result) as img:
        assert img.format == "JPEG"


@pytest.mark.parametrize(
    ("mode", "fmt", "out_mode"),
    [
        ("CMYK", "JPEG", "RGB"),
        ("L", "JPEG", "L"),
        ("P", "PNG", "RGBA"),  # palette with a transparent colour
        ("LA", "PNG", "LA"),
        ("1", "PNG", "1"),
        ("I;16", "PNG", "RGB"),
        ("RGBA", "WEBP", "RGBA"),
        ("RGBA", "PNG", "RGBA"),
    ],
)
def test_modes_are_brought_to_what_the_format_holds(mode, fmt, out_mode):
    """CMYK, palette, grey and 16-bit pictures come out in a mode their format stores."""
    img = Image.new(mode, (32, 32))
    options = {"transparency": 0} if mode == "P" else {}
    with _open(screenshot_process(_upload(_encode(img, fmt, **options)))) as out:
        assert (out.format, out.mode) == (fmt, out_mode)


def test_payload_after_the_picture_is_dropped():
    """A JPEG with a script or zip glued to its end comes out as the picture alone."""
    payload = b"<script>alert('SECRET-TEXT')</script>PK\x03\x04SECRET-CAMERA"
    data = _encode(Image.new("RGB", (32, 32), "red"), "JPEG") + payload
    output = screenshot_process(_upload(data)).content.read()
    assert payload not in output
    _assert_no_metadata(output)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_broken_exif_does_not_refuse_a_real_picture(fmt):
    """Metadata is dropped anyway, so a broken EXIF block is no reason to refuse."""
    data = _encode(Image.new("RGB", (32, 32)), fmt, exif=b"Exif\x00\x00II*\x00\xff\xff\xff\xff")
    output = screenshot_process(_upload(data)).content.read()
    _assert_no_metadata(output)


# --- Reflections ----------------------------------------------------------------------

REFLECTIONS = sorted((CORPUS / "reflections").glob("*.html"))


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>x()</script>",
        '<p onclick="x()">a</p>',
        '<a href="java\tscript:x()" rel="nofollow noopener">a</a>',
        '<a href=" JAVASCRIPT:x()" rel="nofollow noopener">a</a>',
        '<a href="https://example.com/">no rel</a>',
        "<p>a<!-- hidden --></p>",
        '<p style="color:red">a</p>',
        "<img src=x>",
        "<svg></svg>",
    ],
)
def test_safety_check_itself_catches_unsafe_html(unsafe):
    """The checker the corpus relies on does flag what it must."""
    assert html_safety_problems(unsafe)


def test_reflection_corpus_is_there():
    """The hostile-markup corpus is found."""
    assert len(REFLECTIONS) >= 10


def _shown(text: str) -> str:
    """A reflection as every page shows it (the templates' ``linebreaks``)."""
    return Template("{{ text|linebreaks }}").render(Context({"text": text}))


@pytest.mark.parametrize("path", REFLECTIONS, ids=lambda path: path.stem)
def test_reflection_corpus(path):
    """Hostile markup is kept as the text it is (never run): shown, it holds nothing but
    paragraphs and line breaks, and every word typed is there to read."""
    raw = path.read_text(encoding="utf-8")
    stored, length = reflection_clean(raw, min_chars=1)

    assert stored == raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert length == len(" ".join(raw.split()))
    shown = _shown(stored)
    assert_safe_html(shown)
    assert set(re.findall(r"</?([a-z0-9]+)", shown)) <= {"p", "br"}
    for word in set(re.findall(r"(?:keep|gone)_\w+", raw)):
        assert word in shown, word


@pytest.mark.parametrize("path", REFLECTIONS, ids=lambda path: path.stem)
def test_cleaning_again_changes_nothing(path):
    """A learner editing a stored reflection gets back exactly what they wrote."""
    stored, length = reflection_clean(path.read_text(encoding="utf-8"), min_chars=0)
    assert reflection_clean(stored, min_chars=0) == (stored, length)


def test_short_reflection_says_what_it_has_and_needs():
    """The message gives the count of characters and the minimum."""
    error = _error(reflection_clean, "Hello there", min_chars=50)
    assert error.code == "too_short"
    assert "11" in error.messages[0]
    assert "50" in error.messages[0]


def test_blank_space_counts_once():
    """Runs of spaces and empty lines count as one character towards the minimum."""
    error = _error(reflection_clean, "short" + " " * 500 + "\n\n\n" + "text", min_chars=20)
    assert error.code == "too_short"
    assert "10" in error.messages[0]


def test_reflection_with_no_text_is_required():
    """Nothing but blank space is the same as nothing written."""
    for text in ("", "   ", "\r\n\r\n\t"):
        assert _error(reflection_clean, text, min_chars=1).code == "required", repr(text)


def test_reflection_meeting_the_minimum_is_returned_as_typed():
    """A reflection at the minimum is accepted and returned as typed, with its length."""
    assert reflection_clean("  Twelve chars\n", min_chars=12) == ("Twelve chars", 12)
    assert reflection_clean("", min_chars=0) == ("", 0)


def test_plain_text_keeps_its_paragraphs_and_line_breaks():
    """Stored as typed (one kind of line ending); shown, a blank line starts a paragraph,
    a single one breaks the line, and what looks like markup is shown as text."""
    typed = "First thought.\r\n\r\nSecond one,\non two lines.\n\n\n  a < b & c  "
    stored, length = reflection_clean(typed, min_chars=1)
    assert stored == "First thought.\n\nSecond one,\non two lines.\n\n\n  a < b & c"
    assert _shown(stored) == (
        "<p>First thought.</p>\n\n<p>Second one,<br>on two lines.</p>\n\n<p>  a &lt; b &amp; c</p>"
    )
    assert length == len("First thought. Second one, on two lines. a < b & c")


def test_megabyte_of_text_is_refused():
    """1 MB of text is refused, saying how long it is."""
    megabyte = "<p>" + "word " * 200_000 + "</p>"
    error = _error(reflection_clean, megabyte, min_chars=1)
    assert error.code == "too_long"
    assert "200000" in error.messages[0].replace(",", "")


def test_reflection_at_the_limit_is_kept():
    """A reflection of exactly 200,000 characters is kept; one more is refused."""
    body = "a" * MAX_REFLECTION_CHARS
    _, length = reflection_clean(body, min_chars=100)
    assert length == MAX_REFLECTION_CHARS
    assert _error(reflection_clean, body + " ", min_chars=100).code == "too_long"
