"""Assigning training: the assignments an assigner may see, a new assignment (also from a
department's skill gap), one assignment's progress, and withdrawing it.

Progress is shown as aggregates only: a figure for fewer than ANALYTICS_MIN_GROUP_SIZE
people reads "fewer than N", and a figure that would let the hidden ones be worked out from
the total is hidden with them.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views import View

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_role_names
from assignments import gap as gaps
from assignments import scope, selectors, services
from assignments.errors import AssignmentError, AssignmentRefused
from assignments.forms import AssignmentForm, GapAssignmentForm
from assignments.models import AssignedPerson, Assignment, Audience
from assignments.status import Status

PAGE_SIZE = 25
# What describing an assignment reads, in the same query as the assignment.
RELATED = [
    "item",
    "person__membership__department",
    "team_manager",
    "job_role",
    "department",
]
# Roles that see learners by name across the organisation (course learner reports, the admin).
NAMING_ROLES = frozenset({Role.TRAINING_LEAD, Role.ADMINISTRATOR})

# The list's four columns, and the statuses each counts. An expired cycle must be done again
# (the sync job opens the next one), so it counts as not started.
LIST_COLUMNS = [
    (gettext_lazy("Not started"), (Status.NOT_STARTED, Status.EXPIRED)),
    (gettext_lazy("In progress"), (Status.IN_PROGRESS,)),
    (gettext_lazy("Overdue"), (Status.OVERDUE,)),
    (gettext_lazy("Done"), (Status.DONE_ON_TIME, Status.DONE_LATE)),
]
DETAIL_COLUMNS = [(status.label, (status,)) for status in Status]


TOTAL = pgettext_lazy("the sum of a table's figures", "Total")


def minimum_group() -> int:
    return settings.ANALYTICS_MIN_GROUP_SIZE


@dataclass(frozen=True)
class Figure:
    label: str
    count: int | None  # None: not shown
    small: bool = False  # hidden because fewer than the minimum group

    def __str__(self) -> str:
        if self.count is not None:
            return str(self.count)
        if self.small:
            # Translators: stands for a count too small to show ("fewer than 5").
            return _("fewer than %(minimum)s") % {"minimum": minimum_group()}
        return _("not shown")


def _protected(values: list[int], minimum: int, forced: list[bool]) -> list[bool]:
    """Which values to hide: each of 1 to minimum-1, each `forced`, then the smallest shown
    ones until the hidden together reach the minimum (the total less the shown would give
    them away otherwise)."""
    hidden = [0 < value < minimum or force for value, force in zip(values, forced, strict=True)]
    while 0 < sum(v for v, h in zip(values, hidden, strict=True) if h) < minimum:
        shown = [(v, i) for i, (v, h) in enumerate(zip(values, hidden, strict=True)) if v and not h]
        if not shown:  # a total below the minimum: everything is hidden already
            break
        hidden[min(shown)[1]] = True
    return hidden


def figures(counts: dict, columns: list, minimum: int) -> tuple[list[Figure], Figure]:
    """Each column's count and the total, with small groups hidden.

    A count of 1 to minimum-1 reads "fewer than N"; other counts are hidden with them where
    the total would give them away. A total below the minimum hides everything. The list sums
    statuses the assignment's own page shows apart, so a column is hidden wherever a status
    it sums is hidden there: the two pages together reveal no more than either."""
    statuses = list(Status)
    fine = [counts.get(status, 0) for status in statuses]
    fine_hidden = dict(zip(statuses, _protected(fine, minimum, [False] * len(fine)), strict=True))
    values = [sum(counts.get(status, 0) for status in within) for _, within in columns]
    total = sum(values)
    if 0 < total < minimum:
        return [Figure(label, None, True) for label, _within in columns], Figure(TOTAL, None, True)
    forced = [any(fine_hidden[status] for status in within) for _, within in columns]
    hidden = _protected(values, minimum, forced)
    result = [
        Figure(label, None if hide else value, 0 < value < minimum)
        for (label, _), value, hide in zip(columns, values, hidden, strict=True)
    ]
    return result, Figure(TOTAL, total)


def _plural(name: str) -> str:
    if name.endswith(("s", "x", "sh", "ch")):
        return f"{name}es"
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return f"{name[:-1]}ies"
    return f"{name}s"


def may_name_person(viewer: User, assignment: Assignment) -> bool:
    """Whether the viewer may see who a one-person assignment is for: whoever made it, the
    person's line manager, a training lead or an administrator. The CTO office and department
    leads see people aggregated only."""
    if assignment.created_by_id == viewer.pk:
        return True
    if NAMING_ROLES & user_role_names(viewer):
        return True
    membership = getattr(assignment.person, "membership", None)
    return membership is not None and membership.line_manager_id == viewer.pk


def audience_in_words(assignment: Assignment, people: int, minimum: int, *, viewer: User) -> str:
    """Who an assignment is for, as a sentence fragment ("Data analysts in CRS")."""
    kind = assignment.audience
    if kind == Audience.PERSON:
        if may_name_person(viewer, assignment):
            return str(assignment.person)
        membership = getattr(assignment.person, "membership", None)
        department = membership.department if membership is not None else None
        if department:
            return _("One person in %(department)s") % {"department": department.code}
        return _("One person")
    if kind == Audience.TEAM:
        return _("%(manager)s's team") % {"manager": assignment.team_manager}
    if kind == Audience.JOB_ROLE:
        where = assignment.department.code if assignment.department else _("every department")
        name = assignment.job_role.name
        # Job roles' names come from the roster as they are written there: only English
        # ones are made plural.
        english = (translation.get_language() or "").startswith("en")
        # Translators: "roles" is a job role's name from the roster ("Data analysts" in
        # English); "where" is a department's code or "every department".
        return _("%(roles)s in %(where)s") % {
            "roles": _plural(name) if english else name,
            "where": where,
        }
    if kind == Audience.DEPARTMENT:
        return _("Everyone in %(department)s") % {"department": assignment.department}
    if kind == Audience.PEOPLE:
        source = assignment.source or {}
        gap = source.get("department") and source.get("competency")
        if people and people < minimum:
            if gap:
                return _(
                    "fewer than %(minimum)s selected people: those in %(department)s below "
                    "target for %(competency)s"
                ) % {
                    "minimum": minimum,
                    "department": source["department"],
                    "competency": source["competency"],
                }
            return _("fewer than %(minimum)s selected people") % {"minimum": minimum}
        if gap:
            return ngettext(
                "%(count)s selected person: those in %(department)s below target for "
                "%(competency)s",
                "%(count)s selected people: those in %(department)s below target for "
                "%(competency)s",
                people,
            ) % {
                "count": people,
                "department": source["department"],
                "competency": source["competency"],
            }
        return ngettext("%(count)s selected person", "%(count)s selected people", people) % {
            "count": people
        }
    return _("Everyone")


def _progress_counts(ids: list[int], now) -> dict[int, Counter]:
    """Each assignment's current people by status, for a page of assignments in one query."""
    rows = (
        # As selectors.assignment_progress counts one assignment: rows not removed.
        selectors.with_status(
            AssignedPerson.objects.filter(assignment_id__in=ids, removed_at__isnull=True), now=now
        )
        .values("assignment_id", "status")
        .annotate(people=Count("pk"))
        .order_by()
    )
    counts: dict[int, Counter] = {pk: Counter() for pk in ids}
    for row in rows:
        counts[row["assignment_id"]][Status(row["status"])] += row["people"]
    return counts


class AssignerMixin(LoginRequiredMixin):
    """Only people who may assign training open these pages."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope.can_assign(request.user):
            raise PermissionDenied(_("Only people who assign training can open this page."))
        return super().dispatch(request, *args, **kwargs)

    def visible(self, pk: int) -> Assignment:
        assignment = (
            selectors.assignments_visible_to(self.request.user)
            .select_related(*RELATED)
            .filter(pk=pk)
            .first()
        )
        if assignment is None:
            raise Http404(_("No assignment you can see has that number."))
        return assignment


class AssignmentListView(AssignerMixin, View):
    def get(self, request):
        now, minimum = timezone.now(), minimum_group()
        assignments = selectors.assignments_visible_to(request.user).select_related(*RELATED)
        page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
        counts = _progress_counts([a.pk for a in page], now)
        rows = []
        for assignment in page:
            columns, total = figures(counts[assignment.pk], LIST_COLUMNS, minimum)
            people = sum(counts[assignment.pk].values())
            rows.append(
                {
                    "assignment": assignment,
                    "audience": audience_in_words(assignment, people, minimum, viewer=request.user),
                    "figures": columns,
                    "total": total,
                }
            )
        return render(
            request,
            "assignments/list.html",
            {
                "page": page,
                "rows": rows,
                "columns": [label for label, _ in LIST_COLUMNS],
                "minimum": minimum,
            },
        )


class AssignmentDetailView(AssignerMixin, View):
    def get(self, request, pk: int):
        assignment = self.visible(pk)
        minimum = minimum_group()
        counts = selectors.assignment_progress(assignment, timezone.now())
        columns, total = figures(counts, DETAIL_COLUMNS, minimum)
        people = sum(counts.values())
        return render(
            request,
            "assignments/detail.html",
            {
                "assignment": assignment,
                "audience": audience_in_words(assignment, people, minimum, viewer=request.user),
                "figures": columns,
                "total": total,
                "minimum": minimum,
            },
        )


class AssignmentWithdrawView(AssignerMixin, View):
    def get(self, request, pk: int):
        assignment = self.visible(pk)
        if assignment.withdrawn_at is not None:
            return redirect("assignment_detail", pk=pk)
        return render(request, "assignments/withdraw.html", {"assignment": assignment})

    def post(self, request, pk: int):
        assignment = self.visible(pk)
        try:
            services.assignment_withdraw(by=request.user, assignment=assignment)
        except AssignmentRefused as refused:
            raise PermissionDenied(refused.message) from None
        except AssignmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(title)s is no longer assigned.") % {"title": assignment.item.title}
            )
        return redirect("assignment_detail", pk=pk)


class AssignmentCreateView(AssignerMixin, View):
    """A new assignment; with ?department=&competency=, courses for the people below target in
    that gap (the skill-gap report links here)."""

    def get(self, request):
        if self.from_gap():
            return self.gap_page(self.gap(), None)
        return self.page(self.form(), status=200)

    def post(self, request):
        if self.from_gap():
            return self.gap_post(self.gap())
        form = self.form(data=request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                by=request.user,
                item=data["item"],
                audience=data["audience"],
                due_date=data["due_date"],
                reason=data["reason"],
                mandatory=data["mandatory"],
                joiner_days=data["joiner_days"],
                recurs_months=data["recurs_months"],
                **form.audience_arguments(),
            )
        except AssignmentRefused as refused:
            form.add_error(None, refused.message)
            return self.page(form, status=403)
        except AssignmentError as error:
            form.add_error(form.error_field(error.field, data["audience"]), error.message)
            return self.page(form, status=400)
        messages.success(request, _("%(title)s is assigned.") % {"title": assignment.item.title})
        return redirect("assignment_detail", pk=assignment.pk)

    # A new assignment chosen by hand.

    def form(self, data=None) -> AssignmentForm:
        user = self.request.user
        return AssignmentForm(
            data=data,
            departments=scope.assignable_departments(user),
            everyone=scope.assigns_anyone(user),
            own_team=user,
        )

    def page(self, form: AssignmentForm, status: int) -> HttpResponse:
        return render(
            self.request,
            "assignments/new.html",
            {"form": form, "errors": form.error_links()},
            status=status,
        )

    # From a skill gap.

    def from_gap(self) -> bool:
        return "department" in self.request.GET or "competency" in self.request.GET

    def gap(self) -> gaps.Gap:
        found = gaps.gap_find(
            department_code=self.request.GET.get("department", ""),
            competency_code=self.request.GET.get("competency", ""),
        )
        if found is None:
            raise Http404(_("There is no such department or competency."))
        if not scope.assignable_departments(self.request.user).filter(pk=found.department.pk):
            raise PermissionDenied(_("You can only assign training in the departments you lead."))
        return found

    def gap_page(self, gap: gaps.Gap, form, status: int = 200) -> HttpResponse:
        people = gaps.people_below_target(gap)
        courses = list(gaps.courses_building(gap.competency))
        if form is None and people and courses:
            form = GapAssignmentForm(
                courses=courses,
                initial={
                    "courses": [str(course.pk) for course in courses],
                    "reason": _("To reach the level your job role needs in %(competency)s.")
                    % {"competency": gap.competency.translated("title")},
                },
            )
        minimum = minimum_group()
        return render(
            self.request,
            "assignments/gap.html",
            {
                "gap": gap,
                "people": people,
                "people_in_words": _people_in_words(people, minimum),
                "courses": courses,
                "form": form if people and courses else None,
                "errors": form.error_links() if form is not None else [],
                "minimum": minimum,
            },
            status=status,
        )

    def gap_post(self, gap: gaps.Gap) -> HttpResponse:
        # The people are found again now, never taken from the page: nobody can add a name.
        ids = gaps.people_below_target(gap)
        courses = list(gaps.courses_building(gap.competency))
        if not ids or not courses:
            return self.gap_page(gap, None, status=409)
        form = GapAssignmentForm(data=self.request.POST, courses=courses)
        if not form.is_valid():
            return self.gap_page(gap, form, status=400)
        data = form.cleaned_data
        people = list(User.objects.filter(pk__in=ids))
        try:
            with transaction.atomic():
                made = [
                    services.assignment_create(
                        by=self.request.user,
                        item=course,
                        audience=Audience.PEOPLE,
                        people=people,
                        due_date=data["due_date"],
                        reason=data["reason"],
                        mandatory=data["mandatory"],
                        recurs_months=data["recurs_months"],
                        source=gap.source,
                    )
                    for course in data["courses"]
                ]
        except AssignmentRefused as refused:
            form.add_error(None, refused.message)
            return self.gap_page(gap, form, status=403)
        except AssignmentError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.gap_page(gap, form, status=400)
        titles = ", ".join(assignment.item.title for assignment in made)
        messages.success(
            request=self.request, message=_("Assigned: %(titles)s.") % {"titles": titles}
        )
        if len(made) == 1:
            return redirect("assignment_detail", pk=made[0].pk)
        return redirect(reverse("assignments"))


def _people_in_words(people: list[int] | None, minimum: int) -> str:
    if not people:
        return _("nobody")
    if len(people) < minimum:
        return _("fewer than %(minimum)s people") % {"minimum": minimum}
    return ngettext("%(count)s person", "%(count)s people", len(people)) % {"count": len(people)}
