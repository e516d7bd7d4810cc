"""Each person's data: the two extension points through which every app hands over what it
holds about a person (for their download) and erases it (when a site admin erases them).

Every app that keeps rows about people registers one exporter and one eraser from its
``wagtail_hooks.py``, each naming the models it answers for with :func:`covers`::

    @covers("assessments.Submission", "assessments.Review")
    def personal_data_export(*, user):
        return [PersonalDataSection(name="practice", data={...}, files=[...])]

    @covers("assessments.Submission", "assessments.Review")
    def personal_data_erase(*, user, pseudonym):
        ...  # delete or blank what is personal; keep what figures need
        return ErasedPart(name="practice", deleted={...}, kept={...}, files=[...])

    PERSONAL_DATA_EXPORTERS.register(privacy.personal_data_export)
    PERSONAL_DATA_ERASERS.register(privacy.personal_data_erase)

``tests/people/test_privacy_coverage.py`` fails when a model that points at a person is
named by no exporter or no eraser, so a new model cannot be forgotten. ``people``
collects both points (``people.privacy``): it zips the sections, runs the erasers in one
transaction and deletes the files they hand back once it has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .extensions import extension_point


@dataclass(frozen=True)
class PersonalFile:
    """A file to put in a person's download: ``name`` in ``storage``, saved as ``path``
    inside the ZIP (under ``files/``)."""

    storage: Any
    name: str
    path: str


@dataclass(frozen=True)
class PersonalDataSection:
    """One part of a person's download: ``data`` (JSON: dicts, lists, strings, numbers,
    ISO dates) written as ``<name>.json``, with the files it refers to."""

    name: str
    data: Any
    files: list[PersonalFile] = field(default_factory=list)


@dataclass
class ErasedPart:
    """What one app erased: rows deleted and rows kept under the pseudonym (by kind, for
    the confirmation and the log: counts only), and the files to delete from storage
    once the erasure has committed, as ``(storage, name)``."""

    name: str
    deleted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    files: list[tuple[Any, str]] = field(default_factory=list)


PERSONAL_DATA_EXPORTERS = extension_point(
    "spoke_personal_data_exporters",
    receives=("user",),
    returns=PersonalDataSection,
    many=True,
)
PERSONAL_DATA_ERASERS = extension_point(
    "spoke_personal_data_erasers",
    receives=("user", "pseudonym"),
    returns=ErasedPart,
)


def covers(*model_labels: str) -> Callable[[Callable], Callable]:
    """Say which models (``"app_label.ModelName"``) an exporter or eraser answers for."""

    def mark(fn: Callable) -> Callable:
        fn.personal_data_models = frozenset(label.lower() for label in model_labels)
        return fn

    return mark


def covered_models(point) -> frozenset[str]:
    """The models (lower-cased labels) the functions registered on ``point`` answer for."""
    labels: set[str] = set()
    for fn in point.functions():
        labels |= getattr(fn, "personal_data_models", frozenset())
    return frozenset(labels)


def iso(value) -> str | None:
    """A date or time as ISO 8601 text, ``None`` kept."""
    return value.isoformat() if value is not None else None
