"""Reads for analytics: the reporting store as pandas frames (the only ORM-facing module)."""

from datetime import timedelta

import pandas as pd
from django.conf import settings
from django.utils import timezone

from analytics.models import Evidence, Proficiency
from analytics.reports import freshness
from competencies.models import Competency, CrosswalkLink, Framework, RoleRequirement
from competencies.selectors import primary_framework
from organisations.models import Department, JobRole, Membership
from organisations.selectors import organisation_version
from xapi.models import LearnerIdentity, Statement
from xapi.vocab import VERB_VOIDED


def projection_version() -> str:
    """A token that changes whenever evidence or the organisation changes: new evidence has
    higher ids, evidence is only ever removed by a voiding statement or a rebuild (which
    re-adds it), and a move or a closed account changes who is in which group."""
    latest_evidence = Evidence.objects.order_by("-pk").values_list("pk", flat=True).first()
    latest_voiding = (
        Statement.objects.filter(verb_id=VERB_VOIDED)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return f"{latest_evidence or 0}.{latest_voiding or 0}.{organisation_version()}"


def people_frame() -> pd.DataFrame:
    """Everyone with an open account placed in a department with a job role, keyed by their
    learner identity. Leavers and deprovisioned people (closed accounts) count nowhere."""
    rows = Membership.objects.filter(
        department__isnull=False, job_role__isnull=False, user__is_active=True
    ).values_list("user_id", "department__code", "job_role__code")
    people = pd.DataFrame(list(rows), columns=["user", "department", "job_role"])
    identities = pd.DataFrame(
        list(LearnerIdentity.objects.filter(user__isnull=False).values_list("user_id", "pk")),
        columns=["user", "person"],
    )
    people = people.merge(identities, on="user", how="left")
    # People with no learning record yet have no identity: give them a key of their own so
    # they still count, as unknown, in every group they belong to.
    missing = people["person"].isna()
    people.loc[missing, "person"] = -people.loc[missing, "user"]
    people["person"] = people["person"].astype(int)
    return people


def targets_frame(framework: Framework) -> pd.DataFrame:
    rows = RoleRequirement.objects.filter(competency__framework=framework).values_list(
        "job_role__code", "competency__code", "department__code", "level"
    )
    frame = pd.DataFrame(list(rows), columns=["job_role", "competency", "department", "target"])
    frame["department"] = (
        frame["department"].astype(object).where(frame["department"].notna(), None)
    )
    return frame


def proficiency_frame(framework: Framework) -> pd.DataFrame:
    stale_before = timezone.now() - timedelta(days=settings.ANALYTICS_STALE_AFTER_DAYS)
    rows = Proficiency.objects.filter(competency__framework=framework).values_list(
        "learner_id", "competency__code", "level", "source", "evidence_at"
    )
    frame = pd.DataFrame(list(rows), columns=["person", "competency", "level", "source", "at"])
    frame["level"] = frame["level"].astype(float)
    frame["stale"] = frame["at"].notna() & (frame["at"] < stale_before)
    return frame.drop(columns="at")


def competencies_frame(framework: Framework) -> pd.DataFrame:
    rows = Competency.objects.filter(framework=framework).values_list(
        "code", "title", "area__code", "area__title", "sort_order"
    )
    return pd.DataFrame(list(rows), columns=["competency", "title", "area", "area_title", "order"])


def crosswalk_frame(framework: Framework, other_slug: str) -> pd.DataFrame:
    rows = CrosswalkLink.objects.filter(
        competency__framework=framework, target__framework__slug=other_slug
    ).values_list("competency__code", "target__code")
    return pd.DataFrame(list(rows), columns=["competency", "other"])


def departments() -> dict[str, str]:
    return dict(Department.objects.order_by("name").values_list("code", "name"))


def job_roles() -> dict[str, str]:
    return dict(JobRole.objects.order_by("name").values_list("code", "name"))


def report_inputs(version: str | None = None, *, force: bool = False) -> dict | None:
    """Everything the gap reports are computed from, cached as the reports are."""
    framework = primary_framework()
    if framework is None:
        return None

    def compute() -> dict:
        return {
            "framework": {"pk": framework.pk, "name": framework.name, "slug": framework.slug},
            "people": people_frame(),
            "targets": targets_frame(framework),
            "proficiency": proficiency_frame(framework),
            "competencies": competencies_frame(framework),
            "departments": departments(),
            "job_roles": job_roles(),
        }

    key = f"analytics:inputs:{framework.pk}"
    return freshness.cached(key, version or projection_version(), compute, force=force)
