"""Compliance with mandatory training: for each open mandatory assignment, how many people in
each department are done on time, done late, overdue, in progress, not started or expired.

Counted in SQL (one query), shaped and protected here: a department's row is shown only when
it holds enough people, and enough other rows are hidden with a small one that the
assignment's total minus the rows shown never gives a small group away (the skill-gap
reports' rule, analytics.protection.suppression). In progress is shown apart from not started:
a lead can tell people who have begun from people who have not.

The department lead's page and the report pack take their rows from this same protected
table, so no page shows a figure another page hides.
"""

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from django.core.cache import cache
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from analytics.protection.suppression import smallest_shown, suppress
from analytics.reports.assigned import STATUS_ORDER, open_mandatory
from assignments.models import Assignment
from assignments.selectors import assignments_version
from assignments.status import Status
from organisations.models import Department, Membership

NO_DEPARTMENT = ""  # people with no department recorded form a group of their own
STATUS_COLUMNS = [status.value for status in STATUS_ORDER]


@dataclass(frozen=True)
class ComplianceRow:
    department: str  # code, NO_DEPARTMENT, or "" on the total row
    name: str
    people: int | None  # None: hidden
    counts: tuple[int | None, ...]  # in STATUS_ORDER; None when hidden

    @property
    def hidden(self) -> bool:
        return self.people is None


@dataclass(frozen=True)
class AssignmentCompliance:
    assignment_id: int
    title: str
    due_date: date
    audience: str
    rows: list[ComplianceRow]
    total: ComplianceRow


# How long counted figures are reused while no assignment changes: statuses also move with
# the clock (due dates pass), so a minute at most.
COUNTS_SECONDS = 60


def status_counts(*, now: datetime) -> pd.DataFrame:
    """People per (assignment, department, status) over every open mandatory assignment.

    Counting walks every assigned person (a second at 100,000), so the counts are kept for the
    current minute and the current version of the assignments: any assignment made, withdrawn,
    synced or completed is a new version, counted afresh by the next reader. Starting a course
    (not started to in progress) shows within the minute."""
    key = f"compliance:counts:{assignments_version()}:{now:%Y%m%d%H%M}"
    counted = cache.get(key)
    if counted is None:
        counted = _status_counts(now=now)
        cache.set(key, counted, COUNTS_SECONDS)
    return counted.copy()


def _status_counts(*, now: datetime) -> pd.DataFrame:
    rows = (
        open_mandatory(now=now)
        .values("assignment_id", "user__membership__department__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    frame = pd.DataFrame(
        [
            (r["assignment_id"], r["user__membership__department__code"], r["status"], r["n"])
            for r in rows
        ],
        columns=["assignment", "department", "status", "n"],
    )
    frame["department"] = frame["department"].fillna(NO_DEPARTMENT)
    return frame


def compliance_table(counts: pd.DataFrame, smallest: int) -> pd.DataFrame:
    """One row per assignment and department: people and a column per status, every figure of
    a hidden row blank (NaN) and `suppressed` set. Pure: counts in, protected table out."""
    if counts.empty:
        return pd.DataFrame(columns=["assignment", "department", "people", *STATUS_COLUMNS])
    wide = counts.pivot_table(
        index=["assignment", "department"], columns="status", values="n", aggfunc="sum"
    ).reindex(columns=STATUS_COLUMNS, fill_value=0)
    wide = wide.fillna(0).astype(int).reset_index()
    wide.columns.name = None
    wide["people"] = wide[STATUS_COLUMNS].sum(axis=1)
    protected = suppress(wide, smallest, totals_along=[["assignment"]])
    hidden = protected["suppressed"].astype(bool)
    protected[STATUS_COLUMNS] = protected[STATUS_COLUMNS].astype(float)
    protected.loc[hidden, STATUS_COLUMNS] = float("nan")
    return protected


def totals(counts: pd.DataFrame, smallest: int) -> dict[int, tuple[int | None, tuple]]:
    """Each assignment's people and status counts over every department; hidden (None) when
    fewer than `smallest` people are assigned it in all."""
    found = {}
    for assignment, rows in counts.groupby("assignment"):
        by_status = rows.groupby("status")["n"].sum()
        people = int(by_status.sum())
        figures = tuple(int(by_status.get(status, 0)) for status in STATUS_COLUMNS)
        found[int(assignment)] = (
            (people, figures) if people >= smallest else (None, (None,) * len(figures))
        )
    return found


def _count(value) -> int | None:
    return None if pd.isna(value) else int(value)


def compliance_report(
    *, now: datetime, threshold: int, departments: set[str] | None = None
) -> list[AssignmentCompliance]:
    """Every open mandatory assignment with its protected rows by department (only those in
    `departments`, and then no total row, when given), soonest due first. Three queries."""
    smallest = smallest_shown(threshold)
    counts = status_counts(now=now)
    table = compliance_table(counts, smallest)
    names = dict(Department.objects.values_list("code", "name"))
    names[NO_DEPARTMENT] = gettext("No department recorded")
    all_totals = totals(counts, smallest)
    assignments = Assignment.objects.filter(pk__in=list(all_totals)).values_list(
        "pk", "item__title", "due_date", "audience"
    )
    audiences = dict(Assignment._meta.get_field("audience").choices)
    report = []
    for pk, title, due_date, audience in sorted(assignments, key=lambda a: (a[2], a[1], a[0])):
        mine = table[table["assignment"] == pk]
        if departments is not None:
            mine = mine[mine["department"].isin(departments)]
            if mine.empty:
                continue
        named = mine["department"].map(names)
        mine = mine.assign(_name=named, _order=named.str.casefold()).sort_values(
            ["_order", "department"]
        )
        rows = [
            ComplianceRow(
                department=row["department"],
                name=row["_name"],
                people=_count(row["people"]),
                counts=tuple(_count(row[status]) for status in STATUS_COLUMNS),
            )
            for _, row in mine.iterrows()
        ]
        people, figures = all_totals[pk]
        report.append(
            AssignmentCompliance(
                assignment_id=pk,
                title=title,
                due_date=due_date,
                audience=str(audiences.get(audience, audience)),
                rows=rows,
                total=ComplianceRow("", gettext("All departments"), people, figures),
            )
        )
    return report


@dataclass(frozen=True)
class TeamItem:
    title: str
    due_at: datetime
    status: str


@dataclass(frozen=True)
class TeamMember:
    user_id: int
    name: str
    job_role: str
    items: list[TeamItem]


def team_compliance(manager, *, now: datetime) -> list[TeamMember]:
    """A line manager's direct reports by name, each with their open mandatory items and where
    they stand (two queries, however large the team)."""
    reports = list(
        Membership.objects.filter(line_manager=manager, user__is_active=True)
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("user_id", "user__first_name", "user__last_name", "job_role__name")
    )
    items: dict[int, list[TeamItem]] = {}
    rows = (
        open_mandatory(now=now)
        .filter(user__membership__line_manager=manager)
        .order_by("due_at", "assignment__item__title", "pk")
        .values_list("user_id", "assignment__item__title", "due_at", "status")
    )
    for user_id, title, due_at, status in rows:
        items.setdefault(user_id, []).append(TeamItem(title, due_at, Status(status).label))
    return [
        TeamMember(
            user_id=user_id,
            name=f"{first} {last}".strip(),
            job_role=role or gettext("No job role recorded"),
            items=items.get(user_id, []),
        )
        for user_id, first, last, role in reports
    ]


def compliance_cells(item: AssignmentCompliance, row: ComplianceRow) -> list:
    """A row as the page and the download show it (see HEADER)."""
    hidden = gettext("Hidden")
    return [
        item.title,
        formats.date_format(item.due_date, gettext("j M Y")),
        row.name,
        hidden if row.hidden else row.people,
        *(hidden if value is None else value for value in row.counts),
    ]


HEADER = [
    gettext_lazy("Assignment"),
    pgettext_lazy("due date", "Due"),
    gettext_lazy("Department"),
    gettext_lazy("People"),
    *(status.label for status in STATUS_ORDER),
]
