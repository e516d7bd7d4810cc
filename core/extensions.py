"""Extension points: how an app lets the apps above it add to what it shows or decides,
without importing them.

The app that offers a point declares it once, in its ``extensions.py``, with the keywords
each function receives and what it returns::

    COHORT_PAGE_SECTIONS = extension_point(
        "spoke_cohort_page_sections",
        receives=("request", "cohort", "access"),
        returns=DashboardPanel,
        ordered=True,
    )

An app above it registers a function in its ``wagtail_hooks.py`` (Wagtail imports those
modules, so nothing else has to)::

    COHORT_PAGE_SECTIONS.register(cohort_practice_section)

and the offering app collects the answers where it needs them::

    sections = COHORT_PAGE_SECTIONS.collect(request=request, cohort=cohort, access=access)

``collect`` calls every registered function with exactly the declared keywords, drops
``None`` (the function has nothing to add for this call), checks each answer's type, and
sorts by ``(order, title)`` when the point is ``ordered``; a point whose functions answer
with several items at once (``many=True``) gets them flattened into one list. Functions
are called in registration order (Wagtail's ``order`` first, then import order).

The registry underneath is Wagtail's (``wagtail.hooks``): ``POINT.name`` is the hook
name, so Wagtail's ``register_temporarily`` works in tests (``POINT.registered(fn)``).
Every point is listed in ``docs/extending.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from wagtail import hooks

_POINTS: dict[str, ExtensionPoint] = {}


@dataclass(frozen=True)
class ExtensionPoint:
    """One place where apps above the offering app add something; see the module."""

    name: str
    receives: tuple[str, ...]
    returns: type | tuple[type, ...]
    ordered: bool = False
    many: bool = False

    def register(self, fn: Callable | None = None, *, order: int = 0):
        """Register ``fn`` (or, without it, return a decorator that does)."""
        if fn is None:
            return lambda fn: self.register(fn, order=order)
        hooks.register(self.name, fn, order=order)
        return fn

    @contextmanager
    def registered(self, fn: Callable, *, order: int = 0) -> Iterator[None]:
        """Register ``fn`` for the duration of a ``with`` block (for tests)."""
        with hooks.register_temporarily(self.name, fn, order=order):
            yield

    def functions(self) -> list[Callable]:
        """The registered functions, in the order they are called."""
        return list(hooks.get_hooks(self.name))

    def collect(self, **kwargs: Any) -> list:
        """Every registered function's answer to ``kwargs``, ``None`` left out, in order."""
        if set(kwargs) != set(self.receives):
            raise TypeError(
                f"{self.name} receives {', '.join(self.receives)}; "
                f"called with {', '.join(sorted(kwargs)) or 'nothing'}"
            )
        answers = []
        for fn in self.functions():
            answer = fn(**kwargs)
            if answer is None:
                continue
            for item in answer if self.many else (answer,):
                if not isinstance(item, self.returns):
                    raise TypeError(
                        f"{fn.__module__}.{fn.__qualname__} answered {self.name} with "
                        f"{type(item).__name__}, not {self._returns_text()}"
                    )
                answers.append(item)
        if self.ordered:
            answers.sort(key=lambda item: (item.order, str(item.title)))
        return answers

    def _returns_text(self) -> str:
        kinds = self.returns if isinstance(self.returns, tuple) else (self.returns,)
        return " or ".join(kind.__name__ for kind in kinds)


def extension_point(
    name: str,
    *,
    receives: Iterable[str],
    returns: type | tuple[type, ...],
    ordered: bool = False,
    many: bool = False,
) -> ExtensionPoint:
    """Declare an extension point once; a second declaration of ``name`` is an error."""
    if name in _POINTS:
        raise ValueError(f"extension point {name!r} is already declared")
    point = ExtensionPoint(
        name=name, receives=tuple(receives), returns=returns, ordered=ordered, many=many
    )
    _POINTS[name] = point
    return point


def extension_points() -> list[ExtensionPoint]:
    """Every point declared so far (those of modules imported by now), by name."""
    return sorted(_POINTS.values(), key=lambda point: point.name)
