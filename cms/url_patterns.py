"""Trainer-written URL patterns, run so that no pattern can stall a request.

A platform's post and profile patterns are regular expressions typed in the admin and
matched against every link a learner submits. Python's ``re`` backtracks: a pattern such
as ``(a|aa)+b`` takes seconds, then minutes, as the address grows, and ``re`` cannot be
interrupted. These patterns therefore run on the ``regex`` package, which has the same
syntax as ``re`` (the patterns trainers already wrote keep working) and a ``timeout``:

* when a platform is saved, each pattern must compile and must answer a set of
  adversarial probe addresses within :data:`PROBE_TIMEOUT`, or the form says so;
* when a link is checked, each match gets :data:`MATCH_TIMEOUT`; a pattern that runs out
  of time (one saved before this check existed, or slow only on an address no probe
  tried) counts as "no match" and is logged, so the request answers at once.
"""

import functools
import logging
import time

import regex
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

FLAGS = regex.IGNORECASE | regex.VERSION0
# Seconds one pattern may spend on one address (a link check tries a few dozen patterns).
MATCH_TIMEOUT = 0.05
# Seconds one pattern may spend on one probe when the platform is saved.
PROBE_TIMEOUT = 0.05
MAX_PATTERN_LENGTH = 500
# Seconds all the probes of one pattern may take together.
PROBE_BUDGET = 1.0
# Longer "host/path" strings are not real post or profile addresses (the evidence form
# takes links of up to 2000 characters).
MAX_TARGET_LENGTH = 2048

_BASE_CHARACTERS = "aA0._-/%~"
_PROBE_LENGTHS = (32, 256, MAX_TARGET_LENGTH)
_PROBE_ENDINGS = ("", "!", "\x00", "/", " ")


class PatternTimeout(Exception):
    """A pattern did not finish within its time limit."""


@functools.lru_cache(maxsize=512)
def compile_pattern(text: str) -> regex.Pattern:
    """The compiled pattern (cached: the same few dozen patterns run on every check)."""
    return regex.compile(text, FLAGS)


def fullmatch(text: str, target: str, *, timeout: float | None = None) -> bool:
    """Whether ``target`` matches the whole pattern ``text``.

    Raises :class:`PatternTimeout` when the pattern runs out of time.
    """
    try:
        return compile_pattern(text).fullmatch(target, timeout=timeout or MATCH_TIMEOUT) is not None
    except TimeoutError as exc:
        raise PatternTimeout(text) from exc


def matches_any(patterns: list[str], target: str) -> bool:
    """Whether ``target`` matches one of ``patterns``; a pattern that times out does not."""
    if len(target) > MAX_TARGET_LENGTH:
        return False
    for text in patterns:
        try:
            if fullmatch(text, target):
                return True
        except PatternTimeout:
            logger.warning(
                "URL pattern %r ran out of time on a %d-character address; treated as no match",
                text,
                len(target),
            )
        except regex.error:
            logger.warning("URL pattern %r does not compile; treated as no match", text)
    return False


def probe_addresses(text: str) -> list[str]:
    """Addresses on which a backtracking pattern shows itself: long runs of one or two
    characters that the pattern itself mentions, each followed by an ending that fails.

    Probes find the usual culprits (a repetition inside a repetition); a slow pattern they
    miss is still cut short by the time limit of every match.
    """
    characters = {char for char in text if char.isalnum() or char in "._-/%~@:+"}
    characters.update(_BASE_CHARACTERS)
    units = sorted(characters) + [
        first + second for first in "a0." for second in "a0./-" if first != second
    ]
    # The pattern's literal text (".example.com/p/"), so that a probe also reaches the
    # part after a required literal, which the engine otherwise uses to give up early.
    literal = "".join(
        char for char in regex.sub(r"\\(.)", r"\1", text) if char.isalnum() or char in "./-_"
    )
    endings = (*_PROBE_ENDINGS, literal + "!")
    return [
        unit * (length // len(unit)) + ending
        for unit in units
        for length in _PROBE_LENGTHS
        for ending in endings
    ]


def check_pattern(text: str) -> None:
    """Refuse a pattern that does not compile or that is slow on a probe address."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise ValidationError(
            _("Keep each pattern under %(limit)s characters."),
            code="too_long",
            params={"limit": MAX_PATTERN_LENGTH},
        )
    try:
        compile_pattern(text)
    except regex.error as exc:
        raise ValidationError(
            _("This is not a valid pattern: %(error)s"), code="invalid", params={"error": exc}
        ) from exc
    deadline = time.monotonic() + PROBE_BUDGET
    for probe in probe_addresses(text):
        try:
            fullmatch(text, probe, timeout=PROBE_TIMEOUT)
            if time.monotonic() > deadline:
                raise PatternTimeout(text)
        except PatternTimeout as exc:
            raise ValidationError(
                _(
                    "This pattern can take too long on some addresses: a repetition inside "
                    "a repetition, such as (a|aa)+ or (\\w+\\.)*, makes the checker try "
                    "every way to split a long address. Write each part once, for example "
                    "[a-z0-9.-]+ instead of ([a-z0-9-]+\\.)*[a-z0-9-]+."
                ),
                code="slow",
            ) from exc
