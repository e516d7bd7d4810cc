import factory
from django.contrib.auth.models import Group
from django.utils.text import slugify

from people.models import BusinessUnit, User

PASSWORD = "correct-horse-battery"


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Unit {n}")
    slug = factory.LazyAttribute(lambda unit: slugify(unit.name))
    kind = BusinessUnit.Kind.SPOKE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@spoke.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.EMPLOYEE
    time_zone = "Europe/Amsterdam"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def add_role(user: User, group_name: str) -> User:
    """Put ``user`` in one of the role groups created by the migrations."""
    user.groups.add(Group.objects.get(name=group_name))
    if hasattr(user, "_spoke_group_names"):
        del user._spoke_group_names
    return user
