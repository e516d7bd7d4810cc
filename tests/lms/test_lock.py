"""The lock files pin what pyproject.toml allows, so the image, CI and a developer run the
same packages (`make lock` refreshes them)."""

import re
import tomllib

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_DIR = settings.BASE_DIR
PROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"(?m)^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _pins(name: str) -> dict[str, str]:
    text = (BASE_DIR / "requirements" / name).read_text()
    return {canonicalize_name(package): version for package, version in PIN.findall(text)}


def _hashed_entries(name: str) -> list[str]:
    """Each pinned entry of the lock, from its name to the next one."""
    text = (BASE_DIR / "requirements" / name).read_text()
    return re.split(r"(?m)^(?=[A-Za-z0-9])", text)[1:]


BASE = _pins("base.lock")
DEV = _pins("dev.lock")


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.lock", PROJECT["dependencies"]),
        ("dev.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_requirement_is_pinned_within_its_range(lock, requirements):
    """Each requirement of pyproject.toml has a pin in the lock that its range accepts; a
    range changed without `make lock` fails here."""
    pins = _pins(lock)
    wrong = []
    for line in requirements:
        requirement = Requirement(line)
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement} (locked: {version})")
    assert not wrong, f"run `make lock`: {wrong}"


def test_the_image_runs_the_versions_ci_tests():
    """Every package of the image's lock has the same version in the developers' lock."""
    assert BASE
    assert {name: DEV.get(name) for name in BASE} == BASE


@pytest.mark.parametrize("lock", ["base.lock", "dev.lock"])
def test_every_pin_carries_a_hash(lock):
    """pip installs with --require-hashes, which refuses a lock entry without one."""
    entries = _hashed_entries(lock)
    assert entries
    assert all("--hash=sha256:" in entry for entry in entries)
