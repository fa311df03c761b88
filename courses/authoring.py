"""Course authoring set-up, converged after every migrate: page permissions on the catalogue and
the Course review workflow that every course goes through, with its modules and lessons."""

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import Group, Permission
from django.db import connections, transaction
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from accounts.roles import Role
from courses.models import CourseIndexPage, CourseReviewTask

COURSE_REVIEW = "Course review"
COURSE_REVIEW_TASK = "Review by a second training lead"
REVIEWER_ROLES = (Role.TRAINING_LEAD, Role.ADMINISTRATOR)


def _catalogues(using: str) -> list[CourseIndexPage]:
    """The course catalogue in every language: a translated course sits under its language's
    catalogue, and is written and reviewed under the same rules as the English one."""
    # After a partial migrate (or a flush) the tables or the pages may not exist yet; the next
    # migrate converges.
    tables = set(connections[using].introspection.table_names())
    needed = {CourseIndexPage._meta.db_table, CourseReviewTask._meta.db_table}
    if not needed <= tables:
        return []
    return list(CourseIndexPage.objects.using(using).order_by("path"))


@transaction.atomic
def catalogue_page_permissions_grant(
    grants: Mapping[str, Sequence[str]], *, using: str = "default"
) -> None:
    """Grant page permissions on the course catalogue (and so on every course below it) to role
    groups. Idempotent; permissions granted by hand are left alone."""
    catalogues = _catalogues(using)
    for group_name, codenames in grants.items():
        if not catalogues:
            return
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        )
        for catalogue in catalogues:
            for permission in permissions:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page_id=catalogue.pk, permission=permission
                )


@transaction.atomic
def course_review_ensure(*, using: str = "default") -> Workflow | None:
    """Make sure the Course review workflow exists, is active, has its review task (which the
    reviewer roles may act on) and is the catalogue's workflow. Idempotent.

    It only adds: an administrator may add groups or tasks in the CMS and they stay. Switching
    review off for courses is a change of rule, made here in code rather than in the CMS.
    """
    catalogues = _catalogues(using)
    if not catalogues:
        return None
    workflow, _ = Workflow.objects.using(using).get_or_create(name=COURSE_REVIEW)
    if not workflow.active:
        workflow.active = True
        workflow.save(using=using, update_fields=["active"])
    task = CourseReviewTask.objects.using(using).filter(name=COURSE_REVIEW_TASK).first()
    if task is None:
        task = CourseReviewTask(name=COURSE_REVIEW_TASK)
        task.save(using=using)
    elif not task.active:
        task.active = True
        task.save(using=using, update_fields=["active"])
    reviewers = [
        Group.objects.using(using).get_or_create(name=str(role))[0] for role in REVIEWER_ROLES
    ]
    task.groups.add(*reviewers)
    steps = WorkflowTask.objects.using(using).filter(workflow=workflow)
    if not steps.filter(task=task).exists():
        steps.create(workflow=workflow, task=task, sort_order=steps.count())
    for catalogue in catalogues:
        WorkflowPage.objects.using(using).update_or_create(
            page_id=catalogue.pk, defaults={"workflow": workflow}
        )
    return workflow
