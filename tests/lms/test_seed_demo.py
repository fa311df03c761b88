"""seed_demo: the demo organisation and one account per persona, and running it twice is safe.

The demo is seeded once for the module; each test reads it, or seeds again over it."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Site

import content_fixtures
from accounts.models import SecurityPolicy, User
from organisations.models import Department, JobRole, Membership
from tests.module_data import check_constraints_once


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """What seed_demo printed, seeding an empty database once for the tests that only read the
    result; rolled back after the module, and each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--synthetic-staff", "0", stdout=out)
        check_constraints_once()
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_seed_demo_loads_the_domain_organisation_and_personas(seeded):
    assert Department.objects.count() == 8
    assert JobRole.objects.count() == 12
    assert set(Department.objects.values_list("code", flat=True)) == {
        "CTO",
        "FIN",
        "CRS",
        "UPL",
        "TRN",
        "HSS",
        "ENV",
        "HCD",
    }
    assert Department.objects.get(code="HSS").establishment == 420
    personas = {u["email"]: u for u in content_fixtures.read("users")["users"]}
    assert set(User.objects.values_list("email", flat=True)) == set(personas)
    for email, spec in personas.items():
        user = User.objects.get(email=email)
        assert set(user.groups.values_list("name", flat=True)) == set(spec["roles"])
        assert user.check_password(content_fixtures.read("users")["password"])
        assert EmailAddress.objects.get(user=user).verified
    learner = Membership.objects.get(user__email="learner@example.org")
    assert learner.department.code == "CRS"
    assert learner.line_manager.email == "department.lead@example.org"
    assert SecurityPolicy.load().require_mfa_for_administrators is False


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(seeded):
    before = (
        list(Department.objects.values_list("pk", "code", "name", "parent_id")),
        list(JobRole.objects.values_list("pk", "code", "name")),
        list(User.objects.values_list("pk", "email")),
        list(Membership.objects.values_list("pk", "user_id", "department_id", "line_manager_id")),
        EmailAddress.objects.count(),
    )

    call_command("seed_demo", "--synthetic-staff", "0", stdout=StringIO())

    after = (
        list(Department.objects.values_list("pk", "code", "name", "parent_id")),
        list(JobRole.objects.values_list("pk", "code", "name")),
        list(User.objects.values_list("pk", "email")),
        list(Membership.objects.values_list("pk", "user_id", "department_id", "line_manager_id")),
        EmailAddress.objects.count(),
    )
    assert before == after


@pytest.mark.django_db
def test_seed_demo_can_keep_a_stricter_mfa_policy(seeded):
    policy = SecurityPolicy.load()
    policy.require_mfa_for_administrators = True
    policy.save()

    call_command("seed_demo", "--keep-mfa-policy", "--synthetic-staff", "0", stdout=StringIO())

    assert SecurityPolicy.load().require_mfa_for_administrators is True


@pytest.mark.django_db
def test_seed_demo_prints_the_sign_ins(seeded):
    assert "learner@example.org" in seeded
    assert content_fixtures.read("users")["password"] in seeded


@pytest.mark.django_db
def test_seed_demo_adds_synthetic_staff_once_with_reports_data(seeded):
    from analytics.demo.organisation import EMAIL_DOMAIN
    from analytics.models import GapSnapshot, Proficiency

    call_command("seed_demo", "--synthetic-staff", "40", stdout=StringIO())
    call_command("seed_demo", "--synthetic-staff", "40", stdout=StringIO())

    assert User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == 40
    assert Proficiency.objects.exists()
    assert GapSnapshot.objects.exists()


@pytest.mark.django_db
def test_seed_demo_puts_the_default_site_on_site_url(seeded, settings):
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    settings.SITE_URL = "http://127.0.0.1:8765"

    call_command("seed_demo", "--synthetic-staff", "0", stdout=StringIO())

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.site_name, site.root_url) == (
        "127.0.0.1",
        8765,
        settings.SERVICE_NAME,
        "http://127.0.0.1:8765",
    )
