"""seed_demo: the demo organisation and one account per persona, and running it twice is safe."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

import content_fixtures
from accounts.models import SecurityPolicy, User
from organisations.models import Department, JobRole, Membership


@pytest.mark.django_db
def test_seed_demo_loads_the_domain_organisation_and_personas():
    call_command("seed_demo", stdout=StringIO())

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
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = (
        list(Department.objects.values_list("pk", "code", "name", "parent_id")),
        list(JobRole.objects.values_list("pk", "code", "name")),
        list(User.objects.values_list("pk", "email")),
        list(Membership.objects.values_list("pk", "user_id", "department_id", "line_manager_id")),
        EmailAddress.objects.count(),
    )

    call_command("seed_demo", stdout=StringIO())

    after = (
        list(Department.objects.values_list("pk", "code", "name", "parent_id")),
        list(JobRole.objects.values_list("pk", "code", "name")),
        list(User.objects.values_list("pk", "email")),
        list(Membership.objects.values_list("pk", "user_id", "department_id", "line_manager_id")),
        EmailAddress.objects.count(),
    )
    assert before == after


@pytest.mark.django_db
def test_seed_demo_can_keep_a_stricter_mfa_policy():
    call_command("seed_demo", "--keep-mfa-policy", stdout=StringIO())

    assert SecurityPolicy.load().require_mfa_for_administrators is True


@pytest.mark.django_db
def test_seed_demo_prints_the_sign_ins(capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "learner@example.org" in out
    assert content_fixtures.read("users")["password"] in out
