import factory
from django.utils.text import slugify

from competencies.models import Competency


class CompetencyFactory(factory.django.DjangoModelFactory):
    """A competency in the framework. Evidence goes through ``evidence_record``, not a factory."""

    class Meta:
        model = Competency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Competency {n}")
    slug = factory.LazyAttribute(lambda competency: slugify(competency.name))
    area = "Listening"
    description = factory.LazyAttribute(lambda competency: f"What {competency.name} looks like.")
    is_core = False
    is_crisis_readiness = False
    sort_order = 100
