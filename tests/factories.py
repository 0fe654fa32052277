import factory
from django.contrib.auth.models import Group

from accounts.models import Department, Role, User

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    job_title = "Operator"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or [Role.STAFF]:
            self.groups.add(Group.objects.get_or_create(name=role)[0])


def section_paths(departure) -> list[str]:
    """The address of every section of a case, overview first, in the order of its tabs."""
    from handover import places, policy

    return [places.section_url(departure.pk, name) for name in policy.ALL_SECTIONS]
