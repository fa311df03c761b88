"""Factories for test data: real rows, built through the apps' services where one exists."""

import factory

from accounts.roles import Role
from accounts.services import user_create
from organisations.models import Department, JobRole
from organisations.services import membership_set

PASSWORD = "correct-horse-battery-staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Department {n}")


class JobRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRole
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"role-{n}")
    name = factory.Sequence(lambda n: f"Job role {n}")
    family = "Digital, data and technology"


_counter = iter(range(1, 1_000_000))


def make_person(
    *,
    roles=(Role.LEARNER,),
    email: str | None = None,
    department: Department | None = None,
    job_role: JobRole | None = None,
    line_manager=None,
    verified: bool = True,
    first_name: str = "Test",
    last_name: str | None = None,
):
    """A person with a verified email, the given roles and (optionally) a place in a department."""
    n = next(_counter)
    user = user_create(
        email=email or f"person{n}@example.org",
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name if last_name is not None else f"Person{n}",
        email_verified=verified,
        roles=roles,
    )
    if department or job_role or line_manager:
        membership_set(
            user=user, department=department, job_role=job_role, line_manager=line_manager
        )
    return user
