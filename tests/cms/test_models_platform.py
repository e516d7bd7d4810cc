"""Platforms: recognising public post and profile URLs of each social platform."""

import pytest
from django.core.exceptions import ValidationError

from cms.models import Platform


@pytest.fixture
def platforms(db):
    return {platform.slug: platform for platform in Platform.objects.all()}


def test_nine_platforms_are_seeded_by_migration(platforms):
    """A fresh database knows the nine platforms the issue names."""
    assert set(platforms) == {"linkedin", "x", "facebook", "instagram", "threads", "bluesky",
                              "mastodon", "youtube", "tiktok"}  # fmt: skip


def test_every_seeded_example_matches_its_own_patterns(platforms):
    """Each platform's example post and profile URL are recognised as such."""
    for platform in platforms.values():
        assert platform.classify_url(platform.example_post_url) == "post", platform.slug
        assert platform.classify_url(platform.example_profile_url) == "profile", platform.slug
        platform.full_clean()


@pytest.mark.parametrize(
    ("slug", "url", "kind"),
    [
        ("linkedin", "https://www.linkedin.com/in/some-one/", "profile"),
        (
            "linkedin",
            "https://linkedin.com/feed/update/urn:li:activity:7100000000000000000",
            "post",
        ),
        ("x", "https://twitter.com/someone/status/123", "post"),
        ("x", "https://x.com/someone", "profile"),
        ("instagram", "https://www.instagram.com/reel/Cabc_12-x/", "post"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "post"),
        ("mastodon", "https://fosstodon.org/@someone/112233", "post"),
        ("bluesky", "https://bsky.app/profile/someone.bsky.social", "profile"),
        ("tiktok", "https://www.tiktok.com/@someone/video/123", "post"),
        ("threads", "https://www.threads.net/@someone", "profile"),
        ("facebook", "https://www.facebook.com/someone/posts/pfbid0abc", "post"),
    ],
)
def test_real_looking_urls_are_recognised(platforms, slug, url, kind):
    """Typical public URLs are classified as post or profile."""
    assert platforms[slug].classify_url(url) == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://www.linkedin.com/in/someone",  # not https
        "https://user:secret@www.linkedin.com/in/someone",  # credentials
        "https://linkedin.com.evil.example/in/someone",  # look-alike host
        "https://evil.example/www.linkedin.com/in/someone",  # host in the path
        "javascript:alert(1)",
        "https://www.linkedin.com/",  # home page, neither post nor profile
        "not a url",
        "https://[::1",  # malformed
        "",
    ],
)
def test_wrong_or_hostile_urls_are_not_recognised(platforms, url):
    """Other schemes, hosts, credentials and junk never pass as LinkedIn URLs."""
    assert platforms["linkedin"].classify_url(url) is None


def test_invalid_pattern_is_refused(db):
    """An editor typing a broken regular expression gets the line number back."""
    platform = Platform(name="Broken", slug="broken", post_patterns="ok\n(unclosed",
                        profile_patterns="x")  # fmt: skip
    with pytest.raises(ValidationError, match="Line 2"):
        platform.full_clean()


def test_example_must_match_patterns(db):
    """An example URL that its own patterns do not recognise is refused."""
    platform = Platform(
        name="Example",
        slug="example",
        post_patterns=r"example\.com/p/\d+",
        profile_patterns=r"example\.com/u/\w+",
        example_post_url="https://example.com/u/someone",
    )
    with pytest.raises(ValidationError) as excinfo:
        platform.full_clean()
    assert "example_post_url" in excinfo.value.message_dict
