"""Releasing lessons: what an app that runs a course (cohorts) answers about which lessons
are open.

``courses`` decides who may read a lesson (see ``selectors.lesson_is_available``), but it
cannot know about the apps above it: they answer through
:data:`courses.extensions.LESSON_RELEASE` with a :class:`LessonRelease`, the lessons open
to one person and, for the others, a :class:`LessonLock` that explains why and until when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from django.db import models
from django.utils.translation import gettext_lazy as _


class LockReason(models.TextChoices):
    SCHEDULED = "scheduled", _("Opens on schedule")  # the person's group gets it later
    MEMBERS_ONLY = "members_only", _("For cohort members")  # the person is in no group
    SIGN_IN = "sign_in", _("Log in to read")


@dataclass(frozen=True)
class LessonLock:
    """Why one lesson is not open to one person, and when it opens if that is known."""

    reason: str
    opens_at: datetime | None = None
    session_number: int | None = None  # the session it opens with
    session_title: str = ""
    cohort_name: str = ""

    @property
    def scheduled(self) -> bool:
        return self.reason == LockReason.SCHEDULED

    @property
    def members_only(self) -> bool:
        return self.reason == LockReason.MEMBERS_ONLY


MEMBERS_ONLY = LessonLock(reason=LockReason.MEMBERS_ONLY)


@dataclass(frozen=True)
class LessonRelease:
    """What of one course is open to one person at one moment.

    ``everything`` opens every lesson; otherwise the lessons in ``open_ids`` are open and
    any other is locked, with the reason in ``locks`` or else ``default_lock``.
    """

    open_ids: frozenset[int] = frozenset()
    locks: Mapping[int, LessonLock] = field(default_factory=lambda: MappingProxyType({}))
    default_lock: LessonLock = MEMBERS_ONLY
    everything: bool = False

    def __post_init__(self):
        object.__setattr__(self, "open_ids", frozenset(self.open_ids))
        object.__setattr__(self, "locks", MappingProxyType(dict(self.locks)))

    @classmethod
    def all_open(cls) -> LessonRelease:
        return cls(everything=True)

    def is_open(self, lesson_id: int) -> bool:
        return self.everything or lesson_id in self.open_ids

    def lock_for(self, lesson_id: int) -> LessonLock | None:
        """Why the lesson is locked, or None when it is open."""
        if self.is_open(lesson_id):
            return None
        return self.locks.get(lesson_id, self.default_lock)

    def next_opening(self, now: datetime) -> datetime | None:
        """The next moment a locked lesson opens (None when none is scheduled): until
        then, what is open stays as it is."""
        openings = (lock.opens_at for lock in self.locks.values() if lock.opens_at)
        return min((moment for moment in openings if moment > now), default=None)

    @classmethod
    def combine(cls, releases: list[LessonRelease]) -> LessonRelease:
        """Several apps' answers as one: a lesson is open only if every answer opens it.

        A locked lesson keeps the reason of the first answer that gives one for it.
        """
        if not releases:
            return cls.all_open()
        if len(releases) == 1:
            return releases[0]
        limiting = [release for release in releases if not release.everything]
        if not limiting:
            return cls.all_open()
        open_ids = frozenset.intersection(*(release.open_ids for release in limiting))
        opened_somewhere = frozenset().union(*(release.open_ids for release in limiting))
        locks: dict[int, LessonLock] = {}
        for release in limiting:
            for lesson_id in opened_somewhere - release.open_ids:
                locks.setdefault(lesson_id, release.lock_for(lesson_id))
            for lesson_id, lock in release.locks.items():
                locks.setdefault(lesson_id, lock)
        return cls(open_ids=open_ids, locks=locks, default_lock=limiting[0].default_lock)
