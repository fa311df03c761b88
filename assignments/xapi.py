"""The statements of required training: a person was assigned a course or programme, completed
it on time or late, or missed its due date. The actor is the person's pseudonymous account; the
object is the course or programme activity; the assignment is the grouping activity. Ids are
deterministic over the assigned person's row and the event, so sending again is a no-op."""

from collections.abc import Sequence

from tincan import Activity, ActivityDefinition, Context, ContextActivities, Result, Statement
from wagtail.models import Page

from assignments.models import AssignedPerson, Assignment
from courses import xapi as course_xapi
from courses.models import CoursePage
from xapi.client import statements_record, verb
from xapi.identity import learner_agent
from xapi.models import LearnerIdentity
from xapi.vocab import (
    VERB_COMPLETED,
    activity_iri,
    activity_type_assignment,
    extension_due_date,
    extension_mandatory,
    extension_on_time,
    verb_assigned,
    verb_missed_due_date,
)

# The user's cached `learner_identity`: set when rows are read with it, or by _identities_ensure.
_PSEUDONYM = LearnerIdentity._meta.get_field("user").remote_field


def assignment_activity(assignment: Assignment) -> Activity:
    return Activity(
        id=activity_iri("assignment", assignment.stable_id),
        definition=ActivityDefinition(type=activity_type_assignment()),
    )


def item_activity(item: Page) -> Activity:
    """The course or programme an assignment names, as its own statements name it."""
    specific = item.specific
    if isinstance(specific, CoursePage):
        return course_xapi.course_activity(specific)
    return course_xapi.programme_activity(specific)


def _attempt(row: AssignedPerson, event: str) -> str:
    return f"assigned-person/{row.pk}/{event}"


def _context(row: AssignedPerson) -> Context:
    return Context(
        context_activities=ContextActivities(grouping=[assignment_activity(row.assignment)]),
        extensions={
            extension_due_date(): row.due_at,
            extension_mandatory(): row.assignment.mandatory,
        },
    )


def _identities_ensure(rows: Sequence[AssignedPerson]) -> None:
    """Give everyone in `rows` their pseudonym in two queries, not one per person (rows read
    with select_related("user__learner_identity"))."""
    missing = {
        row.user_id: row.user
        for row in rows
        if _PSEUDONYM.get_cached_value(row.user, default=None) is None
    }
    if not missing:
        return
    LearnerIdentity.objects.bulk_create(
        [LearnerIdentity(user_id=pk) for pk in missing], ignore_conflicts=True
    )
    for identity in LearnerIdentity.objects.filter(user_id__in=list(missing)):
        missing[identity.user_id].learner_identity = identity


class _Items:
    """Activities of the pages a batch names, each page made specific once."""

    def __init__(self):
        self.activities: dict[int, Activity] = {}

    def __call__(self, row: AssignedPerson) -> Activity:
        item_id = row.assignment.item_id
        if item_id not in self.activities:
            self.activities[item_id] = item_activity(row.assignment.item)
        return self.activities[item_id]


def _completed_statement(row: AssignedPerson, target: Activity) -> Statement:
    return Statement(
        actor=learner_agent(user=row.user),
        verb=verb(VERB_COMPLETED),
        object=target,
        timestamp=row.completed_at,
        result=Result(
            completion=True, extensions={extension_on_time(): row.completed_at <= row.due_at}
        ),
        context=_context(row),
    )


def assigned(rows: Sequence[AssignedPerson]) -> list[str]:
    """ "Assigned" for each row, followed by "completed" for a row already done."""
    _identities_ensure(rows)
    item = _Items()
    statements, attempts = [], []
    for row in rows:
        statements.append(
            Statement(
                actor=learner_agent(user=row.user),
                verb=verb(verb_assigned()),
                object=item(row),
                timestamp=row.assigned_at,
                context=_context(row),
            )
        )
        attempts.append(_attempt(row, "assigned"))
        if row.completed_at is not None:
            statements.append(_completed_statement(row, item(row)))
            attempts.append(_attempt(row, "completed"))
    return statements_record(statements, attempts=attempts) if statements else []


def completed(rows: Sequence[AssignedPerson]) -> list[str]:
    """ "Completed" with the result extension on-time, for rows just done."""
    if not rows:
        return []
    _identities_ensure(rows)
    item = _Items()
    statements = [_completed_statement(row, item(row)) for row in rows]
    return statements_record(statements, attempts=[_attempt(row, "completed") for row in rows])


def missed_due_date(rows: Sequence[AssignedPerson]) -> list[str]:
    """ "Missed due date", dated at the due date, once per row."""
    if not rows:
        return []
    _identities_ensure(rows)
    item = _Items()
    statements = [
        Statement(
            actor=learner_agent(user=row.user),
            verb=verb(verb_missed_due_date()),
            object=item(row),
            timestamp=row.due_at,
            context=_context(row),
        )
        for row in rows
    ]
    return statements_record(statements, attempts=[_attempt(row, "missed") for row in rows])
