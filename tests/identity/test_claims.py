"""Applying an identity provider's claims to an account and its membership (no provider needed)."""

import logging

import pytest
from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.services import user_deactivate
from identity.claims import ClaimsError, IdentityClaims, identity_claims_apply
from organisations.models import Department, Membership
from organisations.services import membership_set
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.identity.oidc import identity_provider_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(db):
    DepartmentFactory(code="CRS", name="Civil Registration")
    DepartmentFactory(code="FIN", name="Finance")
    JobRoleFactory(code="data-analyst", name="Data analyst")
    return identity_provider_create("http://127.0.0.1:9")


def placed(user) -> tuple:
    membership = Membership.objects.get(user=user)
    return (
        membership.department and membership.department.code,
        membership.job_role and membership.job_role.code,
        membership.employee_number,
        membership.line_manager,
    )


def test_department_and_job_role_match_by_code_or_name_in_any_case(provider):
    user = identity_claims_apply(
        provider=provider,
        claims=IdentityClaims(
            email="Ann@City.Example.Gov", department="civil registration", job_role="DATA-ANALYST"
        ),
    )

    assert (user.email, user.first_name) == ("ann@city.example.gov", "ann")
    assert placed(user) == ("CRS", "data-analyst", None, None)


def test_an_unknown_department_is_left_unset_logged_and_never_created(provider, caplog):
    caplog.set_level(logging.WARNING, logger="identity.claims")

    user = identity_claims_apply(
        provider=provider,
        claims=IdentityClaims(email="ann@city.example.gov", department="Space Agency"),
    )

    assert Membership.objects.filter(user=user).exists() is False
    assert Department.objects.filter(name="Space Agency").exists() is False
    assert [record.getMessage() for record in caplog.records] == [
        f"City Council sign-in: unknown department 'Space Agency' for user {user.pk}."
    ]


def test_a_department_name_two_departments_share_places_nobody_and_a_code_still_does(provider):
    DepartmentFactory(code="FIN-2", name="Finance")

    by_name = identity_claims_apply(
        provider=provider, claims=IdentityClaims(email="ann@city.example.gov", department="Finance")
    )
    by_code = identity_claims_apply(
        provider=provider, claims=IdentityClaims(email="bo@city.example.gov", department="fin-2")
    )

    assert Membership.objects.filter(user=by_name).exists() is False
    assert placed(by_code) == ("FIN-2", None, None, None)


def test_a_field_the_provider_does_not_carry_keeps_its_value(provider):
    provider.job_role_claim = ""
    provider.save()
    ann = make_person(email="ann@city.example.gov", job_role=JobRoleFactory(code="service-officer"))

    identity_claims_apply(
        provider=provider,
        claims=IdentityClaims(
            email="ann@city.example.gov", department="FIN", job_role="data-analyst"
        ),
    )

    assert placed(ann) == ("FIN", "service-officer", None, None)


def test_line_manager_is_found_by_employee_number_and_cleared_when_withdrawn(provider):
    manager = make_person(email="mo@city.example.gov")
    membership_set(user=manager, department=None, job_role=None, employee_number="E001")
    claims = IdentityClaims(email="ann@city.example.gov", line_manager_employee_number="E001")

    ann = identity_claims_apply(provider=provider, claims=claims)
    first = placed(ann)
    identity_claims_apply(provider=provider, claims=IdentityClaims(email="ann@city.example.gov"))

    assert first == (None, None, None, manager)
    assert placed(ann) == (None, None, None, None)


def test_a_manager_loop_keeps_the_line_manager_as_it_was(provider):
    ann = make_person(email="ann@city.example.gov")
    membership_set(user=ann, department=None, job_role=None, employee_number="E100")
    bo = make_person(email="bo@city.example.gov")
    membership_set(
        user=bo, department=None, job_role=None, line_manager=ann, employee_number="E200"
    )

    identity_claims_apply(
        provider=provider,
        claims=IdentityClaims(
            email="ann@city.example.gov",
            department="CRS",
            employee_number="E100",
            line_manager_employee_number="E200",
        ),
    )

    assert placed(ann) == ("CRS", None, "E100", None)


def test_an_employee_number_held_by_someone_else_is_not_taken(provider):
    other = make_person(email="mo@city.example.gov")
    membership_set(user=other, department=None, job_role=None, employee_number="E001")

    ann = identity_claims_apply(
        provider=provider,
        claims=IdentityClaims(
            email="ann@city.example.gov", department="CRS", employee_number="E001"
        ),
    )

    assert placed(ann) == ("CRS", None, None, None)
    assert placed(other) == (None, None, "E001", None)


def test_a_change_is_audited_as_the_providers_and_an_unchanged_sign_in_is_not(provider):
    claims = IdentityClaims(email="ann@city.example.gov", department="CRS")
    ann = identity_claims_apply(provider=provider, claims=claims)
    identity_claims_apply(provider=provider, claims=claims)

    entries = ModelLogEntry.objects.filter(action="lms.membership.change")

    assert [
        (e.object_id, e.user_id, e.data["via"], e.data["after"]["department"]) for e in entries
    ] == [(str(ann.membership.pk), None, "City Council sign-in", "Civil Registration (CRS)")]


def test_names_follow_the_provider_but_an_empty_claim_keeps_them(provider):
    ann = make_person(email="ann@city.example.gov", first_name="Ann", last_name="Okafor")

    identity_claims_apply(
        provider=provider,
        claims=IdentityClaims(email="ann@city.example.gov", given_name="Annie", family_name=""),
    )

    ann.refresh_from_db()
    assert (ann.first_name, ann.last_name) == ("Annie", "Okafor")


def test_an_assertion_without_an_email_is_refused(provider):
    with pytest.raises(ClaimsError, match="did not say which email address you use"):
        identity_claims_apply(provider=provider, claims=IdentityClaims(email=" "))

    assert User.objects.count() == 0


def test_a_deactivated_account_is_left_as_it_is(provider):
    ann = make_person(email="ann@city.example.gov")
    user_deactivate(user=ann)

    identity_claims_apply(
        provider=provider, claims=IdentityClaims(email="ann@city.example.gov", department="CRS")
    )

    ann.refresh_from_db()
    assert ann.is_active is False
    assert Membership.objects.filter(user=ann).exists() is False
