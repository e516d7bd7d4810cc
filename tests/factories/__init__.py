"""Factories for every app's models; tests import them from here."""

from .people import BusinessUnitFactory, UserFactory, add_role

__all__ = ["BusinessUnitFactory", "UserFactory", "add_role"]
