"""Who can reach which page: one row per page, one column per persona.

Every page a person can open is listed here. A number is the status code expected; a path is
where the page redirects to (the start of the address). `LOGIN` is the sign-in page with a
`next` parameter; `HOME` is where allauth sends people already signed in; `CMS` is Wagtail's
dashboard, where Wagtail sends people who lack a model permission inside the CMS (its data is
never shown). Later features add their pages to PAGES.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import SecurityPolicy
from accounts.roles import Role
from assignments.models import Audience
from assignments.services import assignment_create
from competencies.services import framework_load, role_requirements_load
from courses.loading import course_load, programme_load
from courses.models import CourseIndexPage, HomePage, ProgrammeCompletion
from notifications.models import ReminderSettings
from organisations.services import membership_request_create
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.courses.data import course_data
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.mfa import activate_totp
from tests.module_data import check_constraints_once

LOGIN, HOME, CMS = "/accounts/login/?next=", "/", "/cms/"
PERSONAS = [
    "anonymous",
    "learner",
    "training_lead",
    "department_lead",
    "cto_office",
    "administrator",
]


def row(anonymous, learner, training_lead, department_lead, cto_office, administrator):
    return dict(
        zip(
            PERSONAS,
            [anonymous, learner, training_lead, department_lead, cto_office, administrator],
            strict=True,
        )
    )


EVERYONE = row(200, 200, 200, 200, 200, 200)
SIGNED_IN = row(LOGIN, 200, 200, 200, 200, 200)
ANONYMOUS_ONLY = row(200, HOME, HOME, HOME, HOME, HOME)

PAGES = {
    "/": EVERYONE,
    "/accessibility/": EVERYONE,
    "/privacy/": EVERYONE,
    "/accounts/login/": ANONYMOUS_ONLY,
    "/accounts/signup/": ANONYMOUS_ONLY,
    "/accounts/password/reset/": EVERYONE,
    "/accounts/email/": SIGNED_IN,
    "/accounts/password/change/": SIGNED_IN,
    "/accounts/2fa/": SIGNED_IN,
    "/profile/": SIGNED_IN,
    # Corrections to a person's department or job role: everyone has a (possibly empty) list;
    # the learner's correction is decided only by their line manager (the department lead
    # here) or an administrator; for anyone else it does not exist.
    "/people/corrections/": SIGNED_IN,
    "/people/corrections/{correction}/": row(LOGIN, 404, 404, 200, 404, 200),
    "/courses/": EVERYONE,
    "/courses/data-basics/": EVERYONE,
    # Lessons are for enrolled learners; others are sent to the course page to enrol.
    "/courses/data-basics/01-charts/01-line-charts/": row(LOGIN, *["/courses/data-basics/"] * 5),
    "/learning/": SIGNED_IN,
    "/frameworks/": EVERYONE,
    "/frameworks/mini/": EVERYONE,
    "/frameworks/mini/DA.1/": EVERYONE,
    "/self-assessment/": SIGNED_IN,
    "/self-assessment/DA/": SIGNED_IN,
    "/self-assessment/results/": SIGNED_IN,
    "/team/": SIGNED_IN,
    # Only the learner's line manager (the department lead here) sees a report's page; for
    # anyone else it does not exist, so the page does not reveal who reports to whom.
    "/team/{learner}/": row(LOGIN, 404, 404, 200, 404, 404),
    "/team/{learner}/DA.1/": row(LOGIN, 404, 404, 200, 404, 404),
    "/department/": row(LOGIN, 403, 403, 200, 403, 200),
    "/departments/": row(LOGIN, 403, 403, 403, 200, 200),
    # Skill-gap reports: every department for the CTO office and administrators; a department
    # lead only their own (CRS), refused any other whether it exists or not; your own for all.
    "/reports/": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/?framework=digcomp22": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/export.csv": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/export.xlsx": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/export.pdf": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/competencies/DA.1/": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/me/": SIGNED_IN,
    # People who see every department and belong to none are sent to all departments.
    "/reports/department/": row(LOGIN, 403, 403, "/reports/departments/CRS/", *["/reports/"] * 2),
    "/reports/departments/CRS/": row(LOGIN, 403, 403, 200, 200, 200),
    "/reports/departments/CRS/competencies/DA.1/": row(LOGIN, 403, 403, 200, 200, 200),
    "/reports/departments/CRS/export.csv": row(LOGIN, 403, 403, 200, 200, 200),
    "/reports/departments/FIN/": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/departments/FIN/competencies/DA.1/": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/departments/FIN/export.xlsx": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/departments/NOPE/": row(LOGIN, 403, 403, 403, 404, 404),
    "/cms/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/login/": row("/accounts/login/", 403, "/accounts/login/", 403, 403, "/accounts/login/"),
    # Training leads hold page permissions on the course catalogue only, so Wagtail opens the
    # page explorer there; they add and edit courses but cannot edit the home page.
    "/cms/pages/": row(LOGIN, 403, "/cms/pages/{catalogue}/", 403, 403, 200),
    "/cms/pages/{catalogue}/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/pages/add/courses/coursepage/{catalogue}/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/pages/{home}/edit/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/your-courses/": row(LOGIN, 403, 200, 403, 403, 200),
    # Training leads and administrators author frameworks; learners never reach the CMS.
    "/cms/snippets/competencies/framework/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/snippets/competencies/framework/edit/{framework}/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/snippets/competencies/competency/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/snippets/competencies/rolerequirement/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/snippets/competencies/rolerequirement/add/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/competencies/exchange/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/competencies/exchange/{framework}/csv/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/competencies/exchange/{framework}/case/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/snippets/organisations/department/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/organisations/jobrole/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/organisations/membership/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/organisations/departmentlead/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/organisations/departmentlead/add/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/xapi/lrsclient/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/xapi/lrsclient/add/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/xapi/forwardingendpoint/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/xapi/forwardingendpoint/add/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/xapi/outboxentry/": row(LOGIN, 403, CMS, 403, 403, 200),
    # Entries are written with their statements only, never by hand.
    "/cms/snippets/xapi/outboxentry/add/": row(LOGIN, 403, CMS, 403, 403, CMS),
    # Single sign-on: providers are kept by administrators; a provider that does not exist
    # (or is disabled) has no sign-in address.
    "/cms/snippets/identity/identityprovider/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/identity/identityprovider/add/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/accounts/oidc/nope/login/": row(404, 404, 404, 404, 404, 404),
    "/accounts/oidc/nope/login/callback/": row(404, 404, 404, 404, 404, 404),
    # SCIM provisioning: a bearer token or nothing; a session, even an administrator's, is a 401.
    # Its tokens are kept by administrators.
    "/scim/v2/Users": row(401, 401, 401, 401, 401, 401),
    "/scim/v2/ServiceProviderConfig": row(401, 401, 401, 401, 401, 401),
    "/cms/snippets/provisioning/provisioningtoken/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/snippets/provisioning/provisioningtoken/add/": row(LOGIN, 403, CMS, 403, 403, 200),
    # Bought-in course packages: training leads and administrators upload and retitle them.
    "/cms/snippets/packages/package/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/snippets/packages/package/add/": row(LOGIN, 403, 200, 403, 403, 200),
    "/cms/users/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/groups/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/settings/accounts/securitypolicy/{security_policy}/": row(LOGIN, 403, CMS, 403, 403, 200),
    # The audit trail: administrators only, refused outright to everyone else.
    "/cms/audit-trail/": row(LOGIN, 403, 403, 403, 403, 200),
    "/cms/audit-trail/?export=csv": row(LOGIN, 403, 403, 403, 403, 200),
    # The HR roster upload; its confirmation takes only the form's POST.
    "/cms/organisation/roster/": row(LOGIN, 403, CMS, 403, 403, 200),
    "/cms/organisation/roster/confirm/": row(LOGIN, 403, CMS, 403, 403, 405),
    # Erasing a person's learning records identity: administrators only, refused outright to
    # everyone else (before the person is looked up). The learner has no learning records
    # yet, so there is nothing to erase (409).
    "/cms/learning-records/erase/": row(LOGIN, 403, 403, 403, 403, 200),
    "/cms/learning-records/erase/{learner}/": row(LOGIN, 403, 403, 403, 403, 409),
    "/cms/learning-records/erase/999999/": row(LOGIN, 403, 403, 403, 403, 404),
    # Programmes: open to all like courses; a programme certificate to its holder alone.
    "/courses/{programme_slug}/": EVERYONE,
    "/learning/programme-certificates/{programme_certificate}/": row(
        LOGIN, 200, 404, 404, 404, 404
    ),
    # Required training: training leads, the CTO office and administrators assign anyone; a
    # department lead only inside the departments they lead (CRS here): FIN's assignment does
    # not exist for them, and a gap in FIN is refused.
    "/assignments/": row(LOGIN, 403, 200, 200, 200, 200),
    "/assignments/new/": row(LOGIN, 403, 200, 200, 200, 200),
    "/assignments/new/?department=CRS&competency=DA.1": row(LOGIN, 403, 200, 200, 200, 200),
    "/assignments/new/?department=FIN&competency=DA.1": row(LOGIN, 403, 200, 403, 200, 200),
    "/assignments/{assignment}/": row(LOGIN, 403, 200, 200, 200, 200),
    "/assignments/{assignment}/withdraw/": row(LOGIN, 403, 200, 200, 200, 200),
    "/assignments/{other_assignment}/": row(LOGIN, 403, 200, 404, 200, 200),
    "/assignments/{other_assignment}/withdraw/": row(LOGIN, 403, 200, 404, 200, 200),
    # Notifications are each person's own; a bad unsubscribe link is refused whoever opens it.
    "/notifications/": SIGNED_IN,
    "/notifications/preferences/": SIGNED_IN,
    "/notifications/unsubscribe/not-a-token/": row(400, 400, 400, 400, 400, 400),
    "/cms/settings/notifications/remindersettings/{reminder_settings}/": row(
        LOGIN, 403, CMS, 403, 403, 200
    ),
    # Compliance with mandatory training: every department for the CTO office and
    # administrators, their own for a department lead, a line manager's own team by name.
    "/reports/compliance/": row(LOGIN, 403, 403, 403, 200, 200),
    "/reports/compliance/export.csv": row(LOGIN, 403, 403, 403, 200, 200),
    # Those who see every department are sent to the whole organisation's page.
    "/reports/department/compliance/": row(
        LOGIN, 403, 403, 200, "/reports/compliance/", "/reports/compliance/"
    ),
    "/team/compliance/": SIGNED_IN,
    # A course's learners by name: the training lead who owns it, the CTO office and
    # administrators.
    "/reports/courses/{course}/learners/": row(LOGIN, 403, 200, 403, 200, 200),
    "/reports/courses/{course}/learners/export.csv": row(LOGIN, 403, 200, 403, 200, 200),
    "/reports/courses/{course}/learners/export.xlsx": row(LOGIN, 403, 200, 403, 200, 200),
    "/reports/programmes/{programme}/learners/": row(LOGIN, 403, 200, 403, 200, 200),
}


@dataclass(frozen=True)
class Cast:
    people: dict
    ids: dict


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """Everyone and everything the table's pages need, built once for the whole table: the six
    personas (the administrator with an authenticator app), two frameworks, a course, role
    requirements, a second department and a correction the learner asked for. It is rolled back
    after the module; each row runs in a savepoint of its own inside it, and each request in a
    savepoint inside that, so what one request writes (its session, a sign-in time) is gone
    before the next."""
    with (
        django_db_blocker.unblock(),
        override_settings(COMPETENCY_PRIMARY_FRAMEWORK="mini"),
        transaction.atomic(),
    ):
        department = DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services")
        other_department = DepartmentFactory(code="FIN", name="Finance, Revenue and Procurement")
        job_role = JobRoleFactory(code="citizen-service-officer", name="Citizen service officer")
        department_lead = make_person(
            roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=department, job_role=job_role
        )
        learner = make_person(
            department=department, job_role=job_role, line_manager=department_lead
        )
        training_lead = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
        administrator = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])
        activate_totp(administrator)  # administrators must use MFA by default
        people = {
            "anonymous": None,
            "learner": learner,
            "training_lead": training_lead,
            "department_lead": department_lead,
            "cto_office": make_person(roles=[Role.LEARNER, Role.CTO_OFFICE]),
            "administrator": administrator,
        }
        framework_load(DIGCOMP_MINI)
        framework = framework_load(framework_data())
        role_requirements_load(
            {
                "framework": "mini",
                "profiles": {job_role.code: {"DA": 2, "SP": 1}},
                "competency_overrides": {job_role.code: {"DA.2": 1}},
                "department_overrides": [
                    {
                        "department": department.code,
                        "job_role": job_role.code,
                        "competency": "SP.1",
                        "level": 3,
                    }
                ],
            }
        )
        course = course_load(course_data(), owner=training_lead)
        programme = programme_load(
            {
                "slug": "data-path",
                "title": "Data path",
                "summary": "Data first.",
                "courses": [{"slug": course.slug}],
            },
            owner=training_lead,
        )
        certificate = ProgrammeCompletion.objects.create(
            user=learner, programme=programme, completed_at=timezone.now()
        )
        assigned = {
            place: assignment_create(
                by=training_lead,
                item=course,
                audience=Audience.DEPARTMENT,
                department=place,
                due_date=timezone.localdate() + dt.timedelta(days=30),
                reason="Everyone handles data.",
            )
            for place in (department, other_department)
        }
        correction = membership_request_create(
            user=learner, department=other_department, job_role=None
        )
        ids = {
            "security_policy": SecurityPolicy.load().pk,
            "learner": learner.pk,
            "framework": framework.pk,
            "catalogue": CourseIndexPage.objects.get().pk,
            "home": HomePage.objects.get().pk,
            "correction": correction.pk,
            "course": course.pk,
            "programme": programme.pk,
            "programme_slug": programme.slug,
            "programme_certificate": certificate.code,
            "assignment": assigned[department].pk,
            "other_assignment": assigned[other_department].pk,
            "reminder_settings": ReminderSettings.load().pk,
        }
        check_constraints_once()
        yield Cast(people=people, ids=ids)
        transaction.set_rollback(True)


def _outcome(person, path):
    """What `person` gets at `path`: the status code, or where a redirect leads (`LOGIN` when it
    is the sign-in page with `next` naming the page). Each request runs in a savepoint of its
    own with an empty cache, so what one writes (its session, a sign-in time, a rate-limit
    counter) is gone before the next."""
    cache.clear()
    client = Client()
    with transaction.atomic():
        if person is not None:
            client.force_login(person)
        response = client.get(path)
        transaction.set_rollback(True)
    if response.status_code != 302:
        return response.status_code
    if unquote(response.url) == f"{LOGIN}{path}":
        return LOGIN
    return response.url


@pytest.mark.parametrize(("path", "expected"), PAGES.items(), ids=list(PAGES))
@pytest.mark.django_db
def test_permission_matrix(cast, path, expected):
    """Each row at once: every persona's outcome against the row as written."""
    path = path.format(**cast.ids)
    expected = {
        persona: outcome.format(**cast.ids) if isinstance(outcome, str) else outcome
        for persona, outcome in expected.items()
    }

    assert {persona: _outcome(cast.people[persona], path) for persona in PERSONAS} == expected


def test_every_persona_is_in_every_row():
    for path, expected_by in PAGES.items():
        assert list(expected_by) == PERSONAS, path
