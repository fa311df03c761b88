"""Who may assign what to whom. Training leads, the CTO office and administrators may assign
to anyone; a department lead only inside the departments an authority granted them
(organisations.DepartmentLead, sub-departments included); nobody else. A person's own word
about where they work never widens anyone's scope: memberships are set by authorities."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_role_names
from assignments.errors import AssignmentRefused
from assignments.models import Audience
from organisations.models import Department, DepartmentLead, JobRole, Membership

# Roles whose holders may assign to anyone in the organisation.
ASSIGN_ANYONE_ROLES = frozenset({Role.TRAINING_LEAD, Role.CTO_OFFICE, Role.ADMINISTRATOR})
ADD_PERMISSION = "assignments.add_assignment"

OUTSIDE = gettext_lazy("You can only assign training to people in the departments you lead.")


def assigns_anyone(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(ASSIGN_ANYONE_ROLES & user_role_names(user))


def led_department_ids(user: User) -> frozenset[int]:
    """The departments a department lead was granted and every department below them; empty
    for anyone who does not hold the department lead role. Cached on the user object."""
    if not user.is_authenticated or Role.DEPARTMENT_LEAD not in user_role_names(user):
        return frozenset()
    cached = getattr(user, "_assignable_department_ids", None)
    if cached is None:
        roots = DepartmentLead.objects.filter(user=user).values_list("department_id", flat=True)
        cached = user._assignable_department_ids = department_ids_within(list(roots))
    return cached


def department_ids_within(roots: Iterable[int]) -> frozenset[int]:
    """The given departments and all their sub-departments (the tree is small: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, waiting = set(), list(roots)
    while waiting:
        pk = waiting.pop()
        if pk not in found:
            found.add(pk)
            waiting.extend(children.get(pk, ()))
    return frozenset(found)


def can_assign(user: User) -> bool:
    """Whether a person may assign training to anyone at all (to show the way in)."""
    if not user.is_authenticated or not user.has_perm(ADD_PERMISSION):
        return False
    return assigns_anyone(user) or bool(led_department_ids(user))


def assignable_departments(user: User) -> QuerySet[Department]:
    """The departments a person may assign to, by name: all of them, those they lead with
    their sub-departments, or none."""
    if not can_assign(user):
        return Department.objects.none()
    if assigns_anyone(user):
        return Department.objects.order_by("name")
    return Department.objects.filter(pk__in=led_department_ids(user)).order_by("name")


def check_audience(
    user: User,
    audience: str,
    *,
    person: User | None = None,
    team_manager: User | None = None,
    job_role: JobRole | None = None,
    department: Department | None = None,
    people: Iterable[User] | None = None,
) -> None:
    """Raise AssignmentRefused unless `user` may assign to this audience. The audience's
    fields are assumed consistent (assignment_create checks them first)."""
    if not can_assign(user):
        raise AssignmentRefused(_("You do not have permission to assign training."))
    if assigns_anyone(user):
        return
    inside = led_department_ids(user)
    if audience == Audience.PERSON:
        if person is None or not _all_inside([person.pk], inside):
            raise AssignmentRefused(str(OUTSIDE))
    elif audience == Audience.PEOPLE:
        ids = [each.pk for each in people or ()]
        if not ids or not _all_inside(ids, inside):
            raise AssignmentRefused(str(OUTSIDE))
    elif audience == Audience.TEAM:
        if team_manager is None or team_manager.pk != user.pk:
            raise AssignmentRefused(_("You can only assign training to your own team."))
    elif audience == Audience.JOB_ROLE:
        if department is None:
            raise AssignmentRefused(
                _("Choose one of your departments: you can assign to a job role only within it.")
            )
        if department.pk not in inside:
            raise AssignmentRefused(str(OUTSIDE))
    elif audience == Audience.DEPARTMENT:
        if department is None or department.pk not in inside:
            raise AssignmentRefused(str(OUTSIDE))
    else:
        raise AssignmentRefused(
            _("Only the training team and the CTO office can assign to everyone.")
        )


def _all_inside(user_ids: list[int], inside: frozenset[int]) -> bool:
    """Whether every one of these people has a membership, set by an authority, in one of the
    departments `inside`."""
    placed = Membership.objects.filter(user_id__in=user_ids, department_id__in=inside).count()
    return placed == len(set(user_ids))
