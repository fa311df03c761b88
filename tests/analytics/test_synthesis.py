"""synthesize_org: reproducible synthetic staff whose records are real, pseudonymous statements."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import User
from analytics.demo.organisation import EMAIL_DOMAIN, FAMILY, GIVEN
from analytics.models import Evidence, Proficiency
from organisations.models import Membership
from tests.module_data import check_constraints_once
from xapi.models import LearnerIdentity, Statement

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo without synthetic staff, seeded once for the module and rolled back after it;
    each test runs in a savepoint inside it, so the staff one test synthesises are gone before
    the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--synthetic-staff", "0", stdout=StringIO())
        check_constraints_once()
        yield
        transaction.set_rollback(True)


def _synthesise(learners: int, seed: int) -> str:
    out = StringIO()
    call_command("synthesize_org", "--learners", str(learners), "--seed", str(seed), stdout=out)
    return out.getvalue()


def _statement_ids_for(seed: int) -> set[str]:
    """The statement ids one seed produces for 20 staff, leaving the database as it was."""
    ids: set[str] = set()
    try:
        with transaction.atomic():
            _synthesise(20, seed)
            ids = {str(i) for i in Statement.objects.values_list("statement_id", flat=True)}
            raise _RolledBack
    except _RolledBack:
        pass
    return ids


# First in the module: it needs a database without the demo's frameworks, which the tests after
# it share until the module ends.
def test_bad_input_is_refused_with_a_message_and_writes_nothing(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("synthesize_org", "--learners", "0", stdout=StringIO())
    with pytest.raises(CommandError, match="framework"):
        call_command("synthesize_org", "--learners", "5", stdout=StringIO())

    assert not User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()
    assert not Statement.objects.exists()


def test_the_same_seed_gives_the_same_organisation_and_another_seed_does_not(demo):
    first = _statement_ids_for(7)
    again = _statement_ids_for(7)
    other = _statement_ids_for(8)

    assert first
    assert first == again
    assert not first & other


# Enough staff for every department and most job roles to be staffed and the share never
# assessed to settle near a third; each one costs the time of its records.
STAFF = 120


def test_staff_spread_across_departments_and_about_a_third_never_assessed(demo):
    report = _synthesise(STAFF, 2026)

    staff = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    assert staff.count() == STAFF
    assert f"Synthesised {STAFF} staff, {Statement.objects.count()} statements" in report
    memberships = Membership.objects.filter(user__in=staff)
    assert memberships.values("department").distinct().count() == 8
    assert memberships.values("job_role").distinct().count() >= 10
    with_evidence = (
        Evidence.objects.filter(learner__user__in=staff).values("learner").distinct().count()
    )
    never_assessed = 1 - with_evidence / STAFF
    assert 0.2 < never_assessed < 0.4
    # Every record went through the projection, so the reports see the synthetic staff.
    assert Proficiency.objects.filter(learner__user__in=staff).exists()
    # Each department's directors manage the others in it; nobody manages themselves.
    managed = memberships.exclude(line_manager=None)
    assert managed.exists()
    for membership in managed.select_related("line_manager__membership"):
        assert membership.line_manager_id != membership.user_id
        assert membership.line_manager.membership.department_id == membership.department_id


def test_synthetic_statements_carry_no_email_or_name(demo):
    _synthesise(30, 3)

    texts = [json.dumps(data) for data in Statement.objects.values_list("data", flat=True)]
    assert texts
    names = set(GIVEN) | set(FAMILY)
    for text in texts:
        assert "mailto:" not in text
        assert EMAIL_DOMAIN not in text
        # Activity definitions carry what authors wrote (lesson titles, questions), which may
        # name people in a case study; everything else about the learner is pseudonymous.
        about_them = json.dumps(_without_definitions(json.loads(text)))
        assert not any(f'"{name}' in about_them or f" {name}" in about_them for name in names)
    accounts = {str(a) for a in LearnerIdentity.objects.values_list("account_name", flat=True)}
    actors = {json.loads(t)["actor"]["account"]["name"] for t in texts}
    assert actors <= accounts


def _without_definitions(value):
    if isinstance(value, dict):
        return {k: _without_definitions(v) for k, v in value.items() if k != "definition"}
    if isinstance(value, list):
        return [_without_definitions(v) for v in value]
    return value


def test_running_it_again_adds_more_staff_without_clashing(demo):
    _synthesise(30, 1)
    _synthesise(30, 1)

    assert User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == 60
