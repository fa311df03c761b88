"""Load the demo organisation and one account per persona. Safe to run again: it converges."""

from django.core.management.base import BaseCommand
from django.db import transaction

import content_fixtures
from accounts.models import User
from accounts.roles import Role
from accounts.services import security_policy_update, user_upsert
from analytics.demo.organisation import EMAIL_DOMAIN, synthesize_org
from analytics.reports.trends import snapshot_months
from competencies.services import framework_load, role_requirements_load
from courses.loading import (
    course_load,
    course_translation_load,
    packages_load,
    programme_load,
)
from courses.services import site_align_with_site_url
from jobs.coalescing import tasks_coalesced
from organisations.models import Department, JobRole
from organisations.services import department_lead_grant, membership_set, organisation_load


class Command(BaseCommand):
    help = (
        "Seed the demo: departments, job roles, competency frameworks, role requirements and a "
        "demo account for each persona."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--synthetic-staff",
            type=int,
            default=2500,
            help="Synthetic staff with learning records, so the skill-gap reports have data "
            "(only added when there are none yet; 0 to skip).",
        )
        parser.add_argument(
            "--keep-mfa-policy",
            action="store_true",
            help="Leave the MFA policy as it is (by default the demo lets every persona in "
            "without setting up an authenticator app).",
        )

    @transaction.atomic
    # Every page and competency is indexed for search once, when seeding ends.
    @tasks_coalesced()
    def handle(self, *args, keep_mfa_policy: bool = False, synthetic_staff: int = 2500, **options):
        organisation = content_fixtures.read("organisation")
        counts = organisation_load(
            departments=organisation["departments"], job_roles=organisation["job_roles"]
        )
        # DigComp first, so the other framework's crosswalk links find their targets.
        frameworks = [
            framework_load(content_fixtures.read(f"frameworks/{name}"))
            for name in ("digcomp-2-2", "people-centred-digital-capacity")
        ]
        requirements = role_requirements_load(content_fixtures.read("frameworks/role-requirements"))
        people = content_fixtures.read("users")
        users = {}
        for person in people["users"]:
            users[person["email"]], _ = user_upsert(
                email=person["email"],
                password=people["password"],
                first_name=person["first_name"],
                last_name=person["last_name"],
                roles=[Role(name) for name in person["roles"]],
            )
        departments = {d.code: d for d in Department.objects.all()}
        job_roles = {r.code: r for r in JobRole.objects.all()}
        for person in people["users"]:
            membership_set(
                user=users[person["email"]],
                department=departments[person["department"]],
                job_role=job_roles[person["job_role"]],
                line_manager=users.get(person["line_manager"]),
                via="Demo seed",
            )
            for code in person.get("leads", []):
                department_lead_grant(
                    user=users[person["email"]], department=departments[code], via="Demo seed"
                )
        author = users.get(people.get("course_author", "training.lead@example.org"))
        # Bought-in course packages, imported as an upload is, before the lessons that use them.
        packages = packages_load(
            content_fixtures.read("packages")["packages"],
            folder=content_fixtures.FIXTURES_DIR / "packages",
            owner=author,
        )
        courses = [
            course_load(content_fixtures.read(name), owner=author, packages=packages)
            for name in content_fixtures.names("courses")
        ]
        # Courses translated into French, Spanish and Arabic (course_translations/<language>/,
        # named as the English course's file), published as reviewed translations are.
        translations = 0
        for language in ("fr", "es", "ar"):
            for name in content_fixtures.names(f"course_translations/{language}"):
                english = content_fixtures.read(f"courses/{name.rsplit('/', 1)[-1]}")
                course_translation_load(
                    english, content_fixtures.read(name), owner=author, packages=packages
                )
                translations += 1
        for programme in content_fixtures.read("programmes")["programmes"]:
            programme_load(programme, owner=author)
        synthetic = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
        if synthetic_staff and not synthetic:
            synthetic = synthesize_org(learners=synthetic_staff, seed=2026).users
            snapshot_months(6)
        if not keep_mfa_policy:
            security_policy_update(require_mfa_for_administrators=False)
        # Page links in emails name the address the demo is served at, not localhost.
        site_align_with_site_url()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo seeded: {counts['departments']} departments, {counts['job_roles']} job "
                f"roles, {len(frameworks)} competency frameworks, {requirements} role "
                f"requirements, {len(courses)} courses ({translations} translations), "
                f"{len(users)} demo accounts, "
                f"{synthetic} synthetic staff."
            )
        )
        self.stdout.write(f"\nDemo sign-ins (password for every account: {people['password']}):")
        for person in people["users"]:
            self.stdout.write(f"  {person['email']:<30} {', '.join(person['roles'])}")
