"""Factories for test data: real rows, built through the apps' services where one exists."""

import uuid

import factory

from accounts.roles import Role
from accounts.services import user_create
from organisations.models import Department, JobRole
from organisations.services import department_lead_grant, membership_set

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
    leads: Department | None = None,
):
    """A person with a verified email, the given roles and (optionally) a place in a department.

    A department lead is granted the lead scope over `leads`, by default the department they
    are placed in, as an administrator would."""
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
    leads = leads or (department if Role.DEPARTMENT_LEAD in roles else None)
    if leads is not None:
        department_lead_grant(user=user, department=leads)
    return user


class ForwardingEndpointFactory(factory.django.DjangoModelFactory):
    """Another LRS that statements are forwarded to (and pulled from)."""

    class Meta:
        model = "xapi.ForwardingEndpoint"
        skip_postgeneration_save = True  # the password hook saves what it changes

    name = factory.Sequence(lambda n: f"Peer LRS {n}")
    url = "http://127.0.0.1:9/xAPI/"
    username = "peer-key"
    batch_size = 10
    timeout_seconds = 5

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password("peer-secret" if extracted is None else extracted)
        if create:
            self.save(update_fields=["password_encrypted"])


def statement_data(**overrides) -> dict:
    """A valid xAPI statement with a fresh id and an opaque actor, as the LMS records them."""
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "http://127.0.0.1:8000", "name": str(uuid.uuid4())},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/experienced",
            "display": {"en": "experienced"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"http://127.0.0.1:8000/xapi/activities/{uuid.uuid4()}",
            "definition": {"type": "http://adlnet.gov/expapi/activities/lesson"},
        },
        "timestamp": "2026-03-02T10:15:00.000Z",
    }
    statement.update(overrides)
    return statement
