"""The knowledge-check form: a learner's answers, validated against the check's own questions.

The form is built from the check's block value, so each question is a field named
`q-<question id>` whose choices are that question's option ids. It reads what the lesson
template posts; the template draws the questions itself (GOV.UK radios and checkboxes) from
`questions()`, which pairs each question with its number, its error and the options chosen.

Marking stays on the server (courses.marking, through courses.services): the form only
decides whether the answers can be marked.
"""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from courses.marking import Question, questions_of

# Input no honest form sends: a number that is not one, a question the check does not have.
UNREADABLE = gettext_lazy("Your answers could not be read. Try again.")
UNKNOWN_QUESTION = gettext_lazy("The answers name questions this check does not have.")


class AnswerField(forms.MultipleChoiceField):
    """The options chosen for one question: at least one, each one of the question's options,
    and exactly one when the question asks for a single answer."""

    def __init__(self, question: Question, number: int, **kwargs):
        self.question = question
        self.number = number
        super().__init__(
            choices=[(option.id, option.text) for option in question.options],
            error_messages={
                "required": gettext("Select an answer to question %(number)s") % {"number": number},
                "invalid_choice": gettext("An answer is not one of the options."),
            },
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if self.question.kind != "multiple" and len(set(value)) > 1:
            raise forms.ValidationError(
                gettext("Choose one answer for this question."), code="one_answer"
            )


class KnowledgeCheckForm(forms.Form):
    """A learner's answers to one lesson's knowledge check (`check` is the bound block, or
    None for a lesson without one), and the attempt the page offered them."""

    attempt = forms.IntegerField(
        required=False, error_messages={"invalid": UNREADABLE}, widget=forms.HiddenInput
    )

    def __init__(self, check, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.knowledge_check = check
        self.question_list = questions_of(check.value) if check is not None else []
        for number, question in enumerate(self.question_list, start=1):
            self.fields[self.field_name(question)] = AnswerField(question, number)

    @staticmethod
    def field_name(question: Question) -> str:
        return f"q-{question.id}"

    def clean(self):
        sent = {key[2:] for key in self.data if key.startswith("q-")}
        if sent - {question.id for question in self.question_list}:
            raise forms.ValidationError(UNKNOWN_QUESTION, code="unknown_question")
        return super().clean()

    @property
    def attempt_number(self) -> int:
        """The attempt the form was for; 0 (never the next attempt) when none was sent."""
        return self.cleaned_data.get("attempt") or 0

    @property
    def answers(self) -> dict[str, list[str]]:
        """The options chosen, by question id, for the questions answered acceptably."""
        return {
            question.id: self.cleaned_data[self.field_name(question)]
            for question in self.question_list
            if self.cleaned_data.get(self.field_name(question))
        }

    @property
    def unreadable(self) -> str:
        """Why the form as a whole cannot be read (a tampered attempt number or question),
        or ""; checked before anything else, as nothing about the answers can be trusted."""
        if not self.is_bound or self.is_valid():
            return ""
        if "attempt" in self.errors:
            return str(UNREADABLE)
        return next(iter(self.non_field_errors()), "")

    @property
    def unanswered(self) -> list[tuple[int, str]]:
        """(number, question id) of each question sent without an answer."""
        if not self.is_bound:
            return []
        return [
            (number, question.id)
            for number, question in enumerate(self.question_list, start=1)
            if self.has_error(self.field_name(question), "required")
        ]

    @property
    def wrong_choice(self) -> str:
        """The first answer that names no option of its question, or picks two where one is
        asked for; "" when there is none."""
        for question in self.question_list:
            name = self.field_name(question)
            if self.is_bound and name in self.errors and not self.has_error(name, "required"):
                return self.errors[name][0]
        return ""

    def chosen(self, question: Question) -> list[str]:
        """The options sent for a question, so that a form shown again keeps them chosen."""
        if not self.is_bound:
            return []
        return list(self[self.field_name(question)].data or [])

    def questions(self, feedback=None) -> list[dict]:
        """Each question as the lesson template draws it: its number, the feedback on the last
        attempt beside it (from courses.marking.feedback_of) and any error, so that a retry
        needs no scrolling between the two."""
        rows = []
        for number, question in enumerate(self.question_list, start=1):
            name = self.field_name(question)
            error = self.errors[name][0] if self.is_bound and name in self.errors else ""
            rows.append(
                {
                    "question": question,
                    "number": number,
                    "feedback": feedback[number - 1] if feedback else None,
                    "error": error,
                    "chosen": self.chosen(question),
                    # Authors often end the question with the instruction; the hint would
                    # then say it twice.
                    "needs_hint": question.kind == "multiple"
                    and "select all that apply" not in question.text.lower(),
                }
            )
        return rows
