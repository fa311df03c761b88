"""Wagtail's index updates run at once, or once per object at the end of a bulk load."""

import pytest
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from wagtail.models import Page, ReferenceIndex

from courses.loading import course_load
from courses.models import CoursePage
from jobs.coalescing import tasks_coalesced
from tests.courses.data import course_data

pytestmark = pytest.mark.django_db
REMEMBER = "tests.jobs.test_coalescing.remember"

SEARCH_TASK = "modelsearch.tasks.insert_or_update_object_task"
REFERENCE_TASK = "wagtail.tasks.update_reference_index_task"


@task()
def remember(word: str) -> None:
    """A task on the default backend, as Wagtail's own are."""


@pytest.fixture
def runs():
    """(task, args) of every task the default backend ran, in order."""
    ran = []

    def record(sender, task_result, **kwargs):
        ran.append((task_result.task.module_path, tuple(task_result.args)))

    task_finished.connect(record)
    yield ran
    task_finished.disconnect(record)


def test_outside_a_block_a_task_runs_when_enqueued(runs):
    remember.enqueue("a")
    remember.enqueue("a")

    assert runs == [(REMEMBER, ("a",))] * 2


def test_inside_a_block_each_distinct_task_runs_once_when_it_ends_in_first_enqueued_order(runs):
    with tasks_coalesced():
        results = [remember.enqueue(word) for word in ("a", "b", "a", "c", "b")]
        assert (runs, {result.status for result in results}) == ([], {TaskResultStatus.READY})
        # A block inside leaves its tasks to the enclosing one.
        with tasks_coalesced():
            remember.enqueue("c")
            remember.enqueue("d")
        assert runs == []

    assert runs == [(REMEMBER, (word,)) for word in ("a", "b", "c", "d")]
    # The first result of each distinct task is the one that ran; a repeat's never runs.
    assert [result.status for result in results] == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.READY,
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.READY,
    ]


def test_a_block_that_raises_runs_none_of_its_tasks(runs):
    @tasks_coalesced()
    def enqueue_then_fail():
        remember.enqueue("a")
        raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        enqueue_then_fail()

    remember.enqueue("b")

    assert runs == [(REMEMBER, ("b",))]


def test_loading_a_course_indexes_each_page_once_and_finds_it(runs, framework):
    before = len(runs)
    course = course_load(course_data())

    pages = [course, *Page.objects.descendant_of(course).specific()]
    targets = course.competency_targets.all()

    def names(obj):
        return (obj._meta.app_label, obj._meta.model_name, str(obj.pk))

    assert sorted(runs[before:]) == sorted(
        [(SEARCH_TASK, names(page)) for page in pages]
        + [(REFERENCE_TASK, names(page)) for page in pages]
        + [(REFERENCE_TASK, names(target)) for target in targets]
    )
    assert (len(pages), len(targets)) == (7, 2)
    # What the updates left: the course is found by the CMS's search, and its competency
    # targets are in the reference index.
    assert list(CoursePage.objects.live().search(course.title)) == [course]
    assert ReferenceIndex.get_references_for_object(course).count() == len(targets)
