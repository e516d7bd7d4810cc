"""core.extensions: declaring an extension point, registering on it, collecting from it."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from core import extensions
from core.dashboard import DashboardPanel
from core.extensions import extension_point, extension_points


@pytest.fixture(autouse=True)
def own_declarations(monkeypatch):
    """Points declared by a test are forgotten after it, so names can repeat."""
    monkeypatch.setattr(extensions, "_POINTS", dict(extensions._POINTS))


def panel(title, order=100):
    return DashboardPanel(title=title, template="x.html", order=order)


def sections(name="spoke_test_sections"):
    return extension_point(
        name, receives=("request", "cohort"), returns=DashboardPanel, ordered=True
    )


def test_collect_gathers_every_answer_and_drops_none():
    """Each registered function's answer is collected; a None answer adds nothing."""
    point = sections()
    with (
        point.registered(lambda *, request, cohort: panel("One")),
        point.registered(lambda *, request, cohort: None),
        point.registered(lambda *, request, cohort: panel("Two")),
    ):
        titles = [section.title for section in point.collect(request="r", cohort="c")]
    assert titles == ["One", "Two"]


def test_ordered_point_sorts_by_order_then_title():
    """An ordered point's answers come by (order, title), whatever the registration order."""
    point = sections()
    with (
        point.registered(lambda *, request, cohort: panel("Zebra", order=10)),
        point.registered(lambda *, request, cohort: panel("Late", order=50)),
        point.registered(lambda *, request, cohort: panel("Apple", order=10)),
    ):
        titles = [section.title for section in point.collect(request="r", cohort="c")]
    assert titles == ["Apple", "Zebra", "Late"]


def test_unordered_point_keeps_registration_order():
    """Without ``ordered`` the answers come in the order the functions were registered,
    Wagtail's ``order`` first."""
    point = extension_point("spoke_test_plain", receives=("user",), returns=str)
    with (
        point.registered(lambda *, user: "second"),
        point.registered(lambda *, user: "third", order=5),
        point.registered(lambda *, user: "first", order=-5),
    ):
        assert point.collect(user="u") == ["first", "second", "third"]


def test_functions_receive_the_declared_keywords():
    """Every function is called with exactly the keywords passed to collect."""
    point = sections()
    seen = []

    def section(*, request, cohort):
        seen.append((request, cohort))
        return None

    with point.registered(section):
        assert point.collect(request="the request", cohort="the cohort") == []
    assert seen == [("the request", "the cohort")]


@pytest.mark.parametrize(
    "kwargs",
    [{"request": "r"}, {"request": "r", "cohort": "c", "extra": 1}, {}],
    ids=["missing", "extra", "none"],
)
def test_collect_refuses_other_keywords(kwargs):
    """Collecting with keywords other than the declared ones is a clear error, before any
    function runs."""
    point = sections()
    called = []
    with (
        point.registered(lambda **kwargs: called.append(kwargs)),
        pytest.raises(TypeError, match="spoke_test_sections receives request, cohort"),
    ):
        point.collect(**kwargs)
    assert called == []


def test_point_nobody_registers_on_collects_nothing():
    """A point no app registers on answers with an empty list."""
    point = sections("spoke_test_nobody")
    assert point.functions() == []
    assert point.collect(request="r", cohort="c") == []


def test_many_flattens_the_answers():
    """A point whose functions answer with several items gets one flat list, None skipped."""
    point = extension_point("spoke_test_links", receives=("cohort",), returns=tuple, many=True)
    with (
        point.registered(lambda *, cohort: [("A", "/a/"), ("B", "/b/")]),
        point.registered(lambda *, cohort: None),
        point.registered(lambda *, cohort: [("C", "/c/")]),
    ):
        assert point.collect(cohort="c") == [("A", "/a/"), ("B", "/b/"), ("C", "/c/")]


def test_wrong_answer_type_names_the_function():
    """An answer of the wrong type fails with the function's name, not in a template."""
    point = sections()

    def careless(*, request, cohort):
        return {"title": "not a panel"}

    with (
        point.registered(careless),
        pytest.raises(TypeError, match=r"careless answered spoke_test_sections with dict"),
    ):
        point.collect(request="r", cohort="c")


def test_register_as_decorator_and_call():
    """``register`` works as a decorator and as a call, and returns the function."""
    point = extension_point("spoke_test_register", receives=("user",), returns=str)

    @point.register
    def decorated(*, user):
        return "decorated"

    def called(*, user):
        return "called"

    try:
        assert point.register(called, order=1) is called
        assert point.functions() == [decorated, called]
        assert point.collect(user="u") == ["decorated", "called"]
    finally:
        from wagtail.hooks import _hooks

        _hooks.pop(point.name)


def test_a_name_is_declared_once():
    """Declaring the same point twice is an error: one name, one offer."""
    sections("spoke_test_twice")
    with pytest.raises(ValueError, match="already declared"):
        sections("spoke_test_twice")


def _declare_all():
    """Import every app's declarations (``core.dashboard`` and ``<app>.extensions``)."""
    importlib.import_module("core.dashboard")
    for config in apps.get_app_configs():
        if (Path(config.path) / "extensions.py").exists():
            importlib.import_module(f"{config.name}.extensions")
    return [point for point in extension_points() if not point.name.startswith("spoke_test_")]


def test_every_point_is_documented():
    """docs/extending.md names every extension point the apps declare."""
    doc = (Path(settings.BASE_DIR) / "docs" / "extending.md").read_text()
    points = _declare_all()
    assert len(points) >= 5
    for point in points:
        assert f"`{point.name}`" in doc, point.name


def test_every_point_has_a_registration():
    """Every point the apps offer is used by at least one app (nothing declared in vain)."""
    for point in _declare_all():
        assert point.functions(), point.name
