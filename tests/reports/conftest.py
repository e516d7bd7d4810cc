"""Fixtures for the report tests: the hand-counted company of ``company.py``."""

import pytest

from tests.factories import UserFactory, add_role

from .company import Company, small_company


@pytest.fixture
def company(db) -> Company:
    return small_company()


@pytest.fixture
def hr_person(db):
    return add_role(UserFactory(first_name="Hana"), "HR")
