"""Every model that points at a person is answered for by an exporter and an eraser, so a
new model cannot be forgotten in a person's download or their erasure."""

from django.apps import apps
from django.contrib.auth import get_user_model

from core.privacy import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS, covered_models


def _models_pointing_at_people() -> set[str]:
    User = get_user_model()
    labels = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            declared_here = getattr(field, "model", None) is model
            relation = field.is_relation and not field.auto_created and declared_here
            if relation and field.related_model is User:
                labels.add(model._meta.label_lower)
    return labels


def test_every_model_pointing_at_a_person_has_an_exporter():
    """A model with a key to a person and no exporter fails here, by name."""
    missing = _models_pointing_at_people() - covered_models(PERSONAL_DATA_EXPORTERS)
    assert not missing, f"no personal-data exporter covers {sorted(missing)}"


def test_every_model_pointing_at_a_person_has_an_eraser():
    """A model with a key to a person and no eraser fails here, by name."""
    missing = _models_pointing_at_people() - covered_models(PERSONAL_DATA_ERASERS)
    assert not missing, f"no personal-data eraser covers {sorted(missing)}"


def test_the_check_sees_the_models_it_must():
    """The walk finds the obvious ones (a test that cannot fail is worthless)."""
    found = _models_pointing_at_people()
    assert {"assessments.submission", "people.user", "account.emailaddress"} <= found
    assert "cms.homepage" not in found  # its keys are Wagtail's Page's, covered there
