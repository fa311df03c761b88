"""Marking a knowledge check on the server: the browser only ever sees option ids and texts."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext


class InvalidAnswers(ValueError):
    """The submitted answers do not fit the check (missing, unknown or tampered ids)."""

    def __init__(self, message: str, question_id: str | None = None):
        super().__init__(message)
        self.question_id = question_id


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple[Option, ...]

    @property
    def correct_ids(self) -> list[str]:
        return [o.id for o in self.options if o.correct]


@dataclass(frozen=True)
class QuestionMark:
    id: str
    kind: str
    text: str
    option_ids: list[str]
    option_texts: list[str]
    correct_ids: list[str]
    chosen: list[str]
    correct: bool
    feedback: list[tuple[str, str, bool]]  # (option text, feedback, was that option right)


@dataclass(frozen=True)
class Marking:
    questions: list[QuestionMark]
    correct: int
    total: int
    pass_mark: int

    @property
    def scaled(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.scaled)

    @property
    def passed(self) -> bool:
        return self.percent >= self.pass_mark


def questions_of(check_value) -> list[Question]:
    """The questions of a knowledge-check block value, with their stable block ids."""
    questions = []
    for bound in check_value["questions"].bound_blocks:
        value = bound.value
        options = tuple(
            Option(
                id=o.id,
                text=o.value["text"],
                correct=bool(o.value["correct"]),
                feedback=o.value["feedback"],
            )
            for o in value["options"].bound_blocks
        )
        questions.append(
            Question(id=bound.id, kind=value["kind"], text=value["text"], options=options)
        )
    return questions


def mark(
    questions: Sequence[Question], answers: Mapping[str, Sequence[str]], pass_mark: int
) -> Marking:
    """Mark every question; a multiple-choice question is right only when exactly the right
    options are chosen. Raises InvalidAnswers when the answers do not fit the questions."""
    unknown = set(answers) - {q.id for q in questions}
    if unknown:
        raise InvalidAnswers(gettext("The answers name questions this check does not have."))
    marks = []
    for question in questions:
        chosen = list(dict.fromkeys(answers.get(question.id, [])))
        if not chosen:
            raise InvalidAnswers(gettext("Answer every question."), question.id)
        option_ids = [o.id for o in question.options]
        if set(chosen) - set(option_ids):
            raise InvalidAnswers(gettext("An answer is not one of the options."), question.id)
        if question.kind != "multiple" and len(chosen) != 1:
            raise InvalidAnswers(gettext("Choose one answer for this question."), question.id)
        correct = set(chosen) == set(question.correct_ids)
        by_id = {o.id: o for o in question.options}
        marks.append(
            QuestionMark(
                id=question.id,
                kind=question.kind,
                text=question.text,
                option_ids=option_ids,
                option_texts=[o.text for o in question.options],
                correct_ids=question.correct_ids,
                chosen=chosen,
                correct=correct,
                feedback=[(by_id[i].text, by_id[i].feedback, by_id[i].correct) for i in chosen],
            )
        )
    correct = sum(1 for m in marks if m.correct)
    return Marking(questions=marks, correct=correct, total=len(marks), pass_mark=pass_mark)


def feedback_of(
    questions: Sequence[Question], answers: Mapping[str, Sequence[str]]
) -> list[tuple[Question, bool, list[Option]]]:
    """Per question, for an attempt's recorded answers: whether it was right, and the options
    the learner chose (each with its feedback)."""
    results = []
    for question in questions:
        chosen = answers.get(question.id, [])
        by_id = {option.id: option for option in question.options}
        right = set(chosen) == set(question.correct_ids)
        results.append((question, right, [by_id[i] for i in chosen if i in by_id]))
    return results
