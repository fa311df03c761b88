"""Marking knowledge checks: pure functions, no database."""

import pytest

from courses.marking import InvalidAnswers, Option, Question, mark

SINGLE = Question(
    "q1", "single", "Pick one", (Option("a", "A", True, "Yes"), Option("b", "B", False, "No"))
)
MULTI = Question(
    "q2",
    "multiple",
    "Pick some",
    (Option("c", "C", True, ""), Option("d", "D", True, ""), Option("e", "E", False, "")),
)


def test_all_right_passes():
    marking = mark([SINGLE, MULTI], {"q1": ["a"], "q2": ["c", "d"]}, pass_mark=100)

    assert (marking.correct, marking.total, marking.percent, marking.passed) == (2, 2, 100, True)
    assert marking.scaled == 1.0


def test_multiple_choice_needs_exactly_the_right_options():
    partly = mark([MULTI], {"q2": ["c"]}, pass_mark=50)
    too_many = mark([MULTI], {"q2": ["c", "d", "e"]}, pass_mark=50)

    assert partly.correct == 0
    assert too_many.correct == 0


def test_pass_mark_is_a_percentage_threshold():
    marking = mark([SINGLE, MULTI], {"q1": ["a"], "q2": ["e"]}, pass_mark=50)

    assert (marking.percent, marking.passed) == (50, True)
    assert mark([SINGLE, MULTI], {"q1": ["a"], "q2": ["e"]}, pass_mark=51).passed is False


def test_feedback_follows_the_chosen_options():
    marking = mark([SINGLE], {"q1": ["b"]}, pass_mark=50)

    assert marking.questions[0].feedback == [("B", "No", False)]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q1": ["a"]}, "Answer every question."),
        ({"q1": ["zzz"], "q2": ["c"]}, "not one of the options"),
        ({"q1": ["a", "b"], "q2": ["c"]}, "Choose one answer"),
        ({"q1": ["a"], "q2": ["c"], "q9": ["x"]}, "questions this check does not have"),
    ],
)
def test_answers_that_do_not_fit_are_refused(answers, message):
    with pytest.raises(InvalidAnswers, match=message):
        mark([SINGLE, MULTI], answers, pass_mark=50)
