"""From a department's skill gap to the training that closes it: who is below target (for the
assignments app, which may not read levels itself), the way to assign courses for a gap, and
the progress of what was assigned from it, hidden while too few people hold it."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext

from analytics.protection.suppression import smallest_shown
from analytics.reports import frames, store_frames
from analytics.reports.assigned import with_statuses
from analytics.reports.dashboard import TopGap
from analytics.reports.learners import department_codes_within
from assignments import scope
from assignments.models import AssignedPerson
from assignments.status import DONE
from competencies.models import Competency
from organisations.models import Department


def people_below_target(department: Department, competency: Competency) -> list[int]:
    """Ids of the people in the department (sub-departments included) whose known level of
    the competency is below their role's target: the "below target" of every gap report,
    read from the same inputs. Set as assignments.gap.below_target_resolver."""
    inputs = store_frames.report_inputs()
    if inputs is None or inputs["framework"]["pk"] != competency.framework_id:
        return []
    people = inputs["people"]
    mine = people[people["department"].isin(department_codes_within(department.code))]
    gaps = frames.learner_gaps(mine, inputs["targets"], inputs["proficiency"])
    below = gaps[(gaps["competency"] == competency.code) & gaps["known"] & (gaps["gap"] > 0)]
    return sorted(int(user) for user in below["user"].unique())


@dataclass(frozen=True)
class GapWithAction(TopGap):
    """A top gap, with the way to assign courses for it and the progress of those assigned."""

    assign_url: str | None = None
    progress: str | None = None


def may_assign_in(user, department: Department) -> bool:
    """Whether `user` may assign training to people of the department (assignments.scope)."""
    if not scope.can_assign(user):
        return False
    return scope.assigns_anyone(user) or department.pk in scope.led_department_ids(user)


def gap_progress(code: str, competencies: list[str], *, now: datetime, threshold: int) -> dict:
    """Per competency, the progress of the assignments made from the department's gap in it:
    "d of n done", or a note that it is hidden while fewer than the smallest group hold it.
    One query for all the competencies."""
    rows = with_statuses(
        AssignedPerson.objects.filter(
            assignment__source__department=code,
            assignment__source__competency__in=competencies,
        ),
        now=now,
    )
    totals: dict[str, list[int]] = {}
    counted = rows.values("assignment__source__competency", "status").annotate(n=Count("pk"))
    for row in counted.order_by():
        found = totals.setdefault(row["assignment__source__competency"], [0, 0])
        found[1] += row["n"]
        if row["status"] in DONE:
            found[0] += row["n"]
    smallest = smallest_shown(threshold)
    return {
        competency: (
            gettext("Assigned training: %(done)s of %(people)s done")
            % {"done": done, "people": people}
            if people >= smallest
            else gettext(
                "Assigned training: progress hidden while fewer than %(smallest)s people hold it"
            )
            % {"smallest": smallest}
        )
        for competency, (done, people) in totals.items()
    }


def with_actions(
    gaps: list[TopGap], *, user, code: str, now: datetime, threshold: int
) -> list[GapWithAction]:
    """The department's top gaps, each with its link to assign courses (for people who may
    assign in the department) and the progress of training assigned from it."""
    department = Department.objects.filter(code=code).first()
    if department is None or not gaps:
        return [GapWithAction(**vars(gap)) for gap in gaps]
    assigns = may_assign_in(user, department)
    progress = gap_progress(code, [gap.code for gap in gaps], now=now, threshold=threshold)
    new = reverse("assignment_new")
    return [
        GapWithAction(
            **vars(gap),
            assign_url=(
                f"{new}?{urlencode({'department': code, 'competency': gap.code})}"
                if assigns
                else None
            ),
            progress=progress.get(gap.code),
        )
        for gap in gaps
    ]
