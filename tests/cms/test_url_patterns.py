"""Platform URL patterns cannot stall a request: slow ones are refused, and time out if stored."""

import logging
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms import url_patterns
from cms.models import Platform

CATASTROPHIC = r"(a|aa)+b"
HOST_36 = "https://" + "a" * 36 + "/x"
ADD = reverse("wagtailsnippets_cms_platform:add")


@pytest.mark.parametrize(
    "pattern", [CATASTROPHIC, r"(a|a?)+$", r"(.*a){12}", r"([a-z]|[a-z]{2})+\.example\.com"]
)
def test_backtracking_pattern_is_refused_by_the_model(db, pattern):
    """A pattern that backtracks on a probe address is refused, naming the line."""
    platform = Platform(name="Slow", slug="slow", post_patterns=f"ok\\.com/p\n{pattern}",
                        profile_patterns=r"ok\.com/u")  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        platform.full_clean()
    messages = " ".join(excinfo.value.message_dict["post_patterns"])
    assert "Line 2" in messages
    assert "too long" in messages


@pytest.mark.parametrize(
    "pattern",
    [r"(www\.)?linkedin\.com/posts/[^/]+", r"[a-z0-9.-]+\.example\.com/u/\w+", r"x\.com/\w{1,15}"],
)
def test_ordinary_patterns_are_accepted(db, pattern):
    """The patterns trainers write for real platforms pass the check."""
    url_patterns.check_pattern(pattern)


def test_overlong_pattern_is_refused(db):
    """A pattern longer than the limit is refused before it is compiled."""
    with pytest.raises(ValidationError, match="under 500 characters"):
        url_patterns.check_pattern("a" * 501)


def test_admin_form_refuses_the_pattern_and_keeps_what_was_typed(client, trainer):
    """A trainer saving (a|aa)+b gets an error beside the field; nothing typed is lost."""
    client.force_login(trainer)
    response = client.post(
        ADD,
        {
            "name": "Slowgram",
            "slug": "slowgram",
            "home_url": "https://slowgram.example",
            "post_patterns": CATASTROPHIC,
            "profile_patterns": r"slowgram\.example/u/\w+",
            "example_post_url": "",
            "example_profile_url": "",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert not Platform.objects.filter(slug="slowgram").exists()
    form = response.context["form"]
    assert "too long" in " ".join(form.errors["post_patterns"])
    html = response.content.decode()
    assert "(a|aa)+b</textarea>" in html
    assert 'value="Slowgram"' in html
    assert "slowgram\\.example/u/\\w+</textarea>" in html


def test_stored_slow_pattern_times_out_as_no_match(db, monkeypatch, caplog):
    """A slow pattern already in the database: the check takes the timeout path, says no."""
    platform = Platform.objects.create(
        name="Legacy", slug="legacy", post_patterns=CATASTROPHIC, profile_patterns=r"legacy/\w+"
    )
    monkeypatch.setattr(url_patterns, "MATCH_TIMEOUT", 0.01)
    raised = []
    real_fullmatch = url_patterns.fullmatch

    def spy(text, target, **kwargs):
        try:
            return real_fullmatch(text, target, **kwargs)
        except url_patterns.PatternTimeout:
            raised.append(text)
            raise

    monkeypatch.setattr(url_patterns, "fullmatch", spy)
    with caplog.at_level(logging.WARNING, logger="cms.url_patterns"):
        assert platform.classify_url("https://" + "a" * 40) is None
    assert raised == [CATASTROPHIC]
    assert "ran out of time" in caplog.text


def test_the_issue_host_is_answered_without_backtracking_to_the_end(db, monkeypatch):
    """The 36-character host from the report hits the timeout, not a 3-second match."""
    monkeypatch.setattr(url_patterns, "MATCH_TIMEOUT", 0.01)
    with pytest.raises(url_patterns.PatternTimeout):
        url_patterns.fullmatch(CATASTROPHIC, HOST_36.removeprefix("https://"))


def test_overlong_address_is_not_matched(db):
    """An address longer than any real post URL is not run through the patterns at all."""
    assert not url_patterns.matches_any([r"a+"], "a" * (url_patterns.MAX_TARGET_LENGTH + 1))
    assert url_patterns.matches_any([r"a+"], "a" * url_patterns.MAX_TARGET_LENGTH)


def test_stored_pattern_that_does_not_compile_is_no_match(db, caplog):
    """A broken pattern written straight to the database is logged and skipped."""
    platform = Platform.objects.create(
        name="Broken", slug="broken", post_patterns="(unclosed", profile_patterns=r"b\.com/\w+"
    )
    with caplog.at_level(logging.WARNING, logger="cms.url_patterns"):
        assert platform.classify_url("https://b.com/someone") == "profile"
        assert platform.classify_url("https://b.com/x/y") is None
    assert "does not compile" in caplog.text
