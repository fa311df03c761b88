"""Two tabs passing the same check at once make one completion: each tab is a connection of its
own, so the test works on committed data (and so has a module of its own, apart from the
course tests that share data inside one transaction)."""

import threading

import pytest
from django.db import OperationalError, connection

from courses.models import KnowledgeCheckAttempt, LessonCompletion
from courses.services import LearningError, enrolment_create, knowledge_check_submit
from tests.courses.helpers import lessons, right_answers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_passing_at_once_make_one_completion(learner, course):
    enrolment = enrolment_create(user=learner, course=course)
    lesson = lessons()[0]
    outcomes = []

    def submit():
        try:
            knowledge_check_submit(
                enrolment=enrolment, lesson=lesson, answers=right_answers(lesson), attempt_number=1
            )
            outcomes.append("passed")
        except LearningError as error:
            outcomes.append(str(error))
        except OperationalError:
            # SQLite's shared in-memory test database refuses a second writer outright instead
            # of waiting as a file database does; either way the second tab records nothing.
            outcomes.append("busy")
        finally:
            connection.close()

    tabs = [threading.Thread(target=submit) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()

    assert len(outcomes) == 2
    assert outcomes.count("passed") == 1
    assert LessonCompletion.objects.filter(lesson=lesson).count() == 1
    assert KnowledgeCheckAttempt.objects.count() == 1
