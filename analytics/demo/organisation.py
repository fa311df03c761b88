"""A synthetic organisation for demos and benchmarks: staff across the departments and job
roles, with learning records stored as real xAPI statements through the LRS's own write path.

Levels follow the demo organisation's design: a person's true level is their role's target
minus one, spread by about one level and clipped to 0-4; some departments are a level stronger
or weaker in some areas; about 30% of staff were never assessed. The others assessed
themselves, some were validated by their manager, and many enrolled on courses:
courses.synthesis plays out how far each got (not started, part-way, failed a check and
retried, completed). Everything is drawn from seeded random generators, so a seed always gives
the same organisation.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from competencies.models import Competency, RoleRequirement
from competencies.selectors import primary_framework
from courses.synthesis import Learner, synthesize_course_learning
from organisations.models import Department, JobRole, Membership
from xapi.models import LearnerIdentity
from xapi.services import statements_store
from xapi.vocab import (
    VERB_ANSWERED,
    category_self_assessment,
    extension_level_claimed,
    verb_validated,
)

EMAIL_DOMAIN = "synthetic.example.org"
# The demo departments' staff numbers, used as weights when spreading people across departments.
DEPARTMENT_WEIGHTS = {
    "CTO": 60,
    "FIN": 180,
    "CRS": 350,
    "UPL": 220,
    "TRN": 160,
    "HSS": 420,
    "ENV": 200,
    "HCD": 140,
}
# How common each job role is: most staff deliver services or policy.
ROLE_WEIGHTS = {
    "citizen-service-officer": 30,
    "policy-officer": 18,
    "data-analyst": 6,
    "gis-analyst-urban-planner": 5,
    "procurement-officer": 5,
    "digital-product-manager": 3,
    "user-researcher-service-designer": 3,
    "information-security-officer": 2,
    "it-systems-administrator-developer": 6,
    "department-director": 2,
    "training-lead": 2,
    "chief-technology-officer": 1,
}
# Department strengths (+1) and weaknesses (-1) by area code or competency code.
DEPARTMENT_SHIFTS = {
    "CTO": {"TI": 1, "DA": 1, "AD": 1},
    "FIN": {"DA.1": 1, "UC": -1, "AD": -1},
    "CRS": {"DF": -1, "SP.1": -1},
    "UPL": {"DA.5": 1, "TI.2": -1},
    "HSS": {"DF": -1},
    "HCD": {"UC.4": 1, "DA": -1, "SP": -1},
}
NEVER_ASSESSED = 0.30
VALIDATED = 0.15
GIVEN = [
    "Amina",
    "Tomás",
    "Grace",
    "Lars",
    "Priya",
    "Noor",
    "Wei",
    "Olu",
    "Sofia",
    "Kofi",
    "Mei",
    "Ana",
    "Yusuf",
    "Ingrid",
    "Ravi",
    "Lucía",
    "Femi",
    "Hana",
    "Jonas",
    "Aisha",
]
FAMILY = [
    "Okafor",
    "Rivera",
    "Mwangi",
    "Jensen",
    "Raman",
    "Haddad",
    "Chen",
    "Adeyemi",
    "Costa",
    "Mensah",
    "Tanaka",
    "Silva",
    "Demir",
    "Berg",
    "Patel",
    "Gómez",
    "Ncube",
    "Sato",
    "Weber",
    "Rahman",
]


@dataclass
class Plan:
    users: int = 0
    statements: int = 0
    enrolments: int = 0
    completed: int = 0
    attempts: int = 0


def synthesize_org(
    *, learners: int, seed: int, months: int = 12, batch: int = 5000, progress=None
) -> Plan:
    """Create `learners` synthetic staff and their learning records; returns the counts."""
    framework = primary_framework()
    if framework is None:
        raise ValueError("Load a competency framework before synthesising an organisation.")
    departments = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENT_WEIGHTS)}
    roles = {r.code: r for r in JobRole.objects.filter(code__in=ROLE_WEIGHTS)}
    if len(departments) < len(DEPARTMENT_WEIGHTS) or len(roles) < len(ROLE_WEIGHTS):
        raise ValueError("Load the demo organisation (departments and job roles) first.")
    competencies = {
        c.pk: c for c in Competency.objects.filter(framework=framework).select_related("area")
    }
    targets: dict[str, dict[int, int]] = {}
    for role_code, competency_id, level in RoleRequirement.objects.filter(
        competency__framework=framework, department__isnull=True
    ).values_list("job_role__code", "competency_id", "level"):
        targets.setdefault(role_code, {})[competency_id] = level
    now = datetime.now(UTC)
    start = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    # Reproducible, not secret. Seeded with where this run starts too, so running again adds
    # new people instead of drawing the same pseudonyms and statement ids a second time.
    rng = random.Random(f"{seed}/{start}")  # noqa: S311
    plan = Plan()
    people = _create_people(rng, learners, start, departments, roles)
    plan.users = len(people)
    pending: list[dict] = []
    learners: list[Learner] = []
    for person in people:
        statements, learner = _records(rng, person, targets, competencies, now, months)
        pending.extend(statements)
        if learner is not None:
            learners.append(learner)
        if len(pending) >= batch:
            plan.statements += _store(pending)
            pending = []
            if progress:
                progress(plan)
    plan.statements += _store(pending)
    # Courses draw from a generator of their own, so course habits can change without
    # changing anyone's levels.
    learning = synthesize_course_learning(
        learners, seed=f"{seed}/{start}/courses", now=now, batch=batch
    )
    plan.statements += learning.statements
    plan.enrolments, plan.completed = learning.enrolments, learning.completed
    plan.attempts = learning.attempts
    return plan


def _create_people(rng, count, start, departments, roles) -> list[dict]:
    password = make_password(None)  # synthetic staff never sign in
    department_codes = list(DEPARTMENT_WEIGHTS)
    role_codes = list(ROLE_WEIGHTS)
    people = []
    for n in range(start, start + count):
        department = rng.choices(department_codes, weights=DEPARTMENT_WEIGHTS.values())[0]
        role = rng.choices(role_codes, weights=ROLE_WEIGHTS.values())[0]
        people.append(
            {
                "email": f"staff{n:06d}@{EMAIL_DOMAIN}",
                "department": department,
                "role": role,
                "first_name": rng.choice(GIVEN),
                "last_name": rng.choice(FAMILY),
                "account_name": uuid.UUID(int=rng.getrandbits(128), version=4),
            }
        )
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=p["email"],
                    first_name=p["first_name"],
                    last_name=p["last_name"],
                    password=password,
                )
                for p in people
            ],
            batch_size=2000,
        )
        by_department: dict[str, list] = {}
        for person, user in zip(people, users, strict=True):
            person["user"] = user
            by_department.setdefault(person["department"], []).append(person)
        # Each department's directors are the line managers of everyone else in it.
        memberships = []
        for members in by_department.values():
            directors = [p["user"] for p in members if p["role"] == "department-director"]
            for person in members:
                manager = (
                    rng.choice(directors)
                    if directors and person["role"] != ("department-director")
                    else None
                )
                memberships.append(
                    Membership(
                        user=person["user"],
                        department=departments[person["department"]],
                        job_role=roles[person["role"]],
                        line_manager=manager,
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=2000)
        identities = LearnerIdentity.objects.bulk_create(
            [LearnerIdentity(user=p["user"], account_name=p["account_name"]) for p in people],
            batch_size=2000,
        )
        # Course statements look each person's pseudonym up on their user: this saves a
        # query per statement.
        for person, identity in zip(people, identities, strict=True):
            person["user"].learner_identity = identity
    return people


def _true_level(rng, target: int, competency: Competency, department: str) -> int:
    shifts = DEPARTMENT_SHIFTS.get(department, {})
    shift = shifts.get(competency.code, shifts.get(competency.area.code, 0))
    return max(0, min(4, round(target - 1 + rng.gauss(0, 0.8) + shift)))


def _records(rng, person, targets, competencies, now, months):
    """The statements of one person's assessments, and the person as their course history
    needs them (None when they were never assessed)."""
    role_targets = targets.get(person["role"], {})
    if rng.random() < NEVER_ASSESSED or not role_targets:
        return [], None
    actor = {
        "objectType": "Agent",
        "account": {"homePage": _site(), "name": str(person["account_name"])},
    }
    first_day = now - timedelta(days=30 * months)
    levels = {
        cid: _true_level(rng, target, competencies[cid], person["department"])
        for cid, target in role_targets.items()
    }
    statements = []
    assessed_at = first_day + timedelta(seconds=rng.uniform(0, (now - first_day).total_seconds()))
    for competency_id, level in levels.items():
        competency = competencies[competency_id]
        answer = (
            None if rng.random() < 0.08 else max(0, min(4, level + rng.choice([0, 0, 0, 1, -1])))
        )
        result = (
            {"extensions": {extension_level_claimed(): answer}}
            if answer is not None
            else {"response": "unknown"}
        )
        statements.append(
            _statement(
                rng,
                actor,
                VERB_ANSWERED,
                competency.iri,
                assessed_at,
                result=result,
                context={
                    "contextActivities": {
                        "category": [{"id": category_self_assessment()}],
                        "other": [{"id": competency.iri}],
                    }
                },
            )
        )
    if rng.random() < VALIDATED:
        for competency_id in rng.sample(list(levels), k=min(3, len(levels))):
            competency = competencies[competency_id]
            when = assessed_at + timedelta(days=rng.uniform(1, 60))
            statements.append(
                _statement(
                    rng,
                    actor,
                    verb_validated(),
                    competency.iri,
                    min(when, now),
                    result={"extensions": {extension_level_claimed(): levels[competency_id]}},
                    context={"contextActivities": {"other": [{"id": competency.iri}]}},
                )
            )
    learner = Learner(
        user=person["user"], levels=levels, role_targets=role_targets, since=assessed_at
    )
    return statements, learner


def _statement(rng, actor, verb, target, when, *, result=None, context=None, definition=None):
    statement = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": actor,
        "verb": {"id": verb},
        "object": {"id": target, **({"definition": definition} if definition else {})},
        "timestamp": when.isoformat().replace("+00:00", "Z"),
    }
    if result:
        statement["result"] = result
    if context:
        statement["context"] = context
    return statement


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL


def _store(statements: list[dict]) -> int:
    if statements:
        statements_store(statements=statements, client=None)
    return len(statements)
