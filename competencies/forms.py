"""Forms for self-assessment and manager validation."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.models import Competency

UNKNOWN = "unknown"


class SelfAssessmentForm(forms.Form):
    """One question per competency in an area: a level, or "I don't know"."""

    def __init__(
        self,
        *args,
        competencies: list[Competency],
        levels: dict[int, str],
        answers: dict[int, int | None],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        choices = [(str(number), name) for number, name in sorted(levels.items())]
        choices.append((UNKNOWN, _("I don't know")))
        for competency in competencies:
            name = self.field_name(competency)
            self.fields[name] = forms.ChoiceField(
                label=f"{competency.code} {competency.translated('title')}",
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a level for %(code)s, or I don't know")
                    % {"code": competency.code},
                    "invalid_choice": _("Choose one of the levels for %(code)s")
                    % {"code": competency.code},
                },
            )
            if competency.pk in answers:
                level = answers[competency.pk]
                self.initial[name] = UNKNOWN if level is None else str(level)

    @staticmethod
    def field_name(competency: Competency) -> str:
        return f"competency_{competency.pk}"

    def answers(self) -> dict[Competency, int | None]:
        result = {}
        for competency in self.competencies:
            value = self.cleaned_data[self.field_name(competency)]
            result[competency] = None if value == UNKNOWN else int(value)
        return result


class ValidationForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("Level you have seen"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the level you have seen")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What you based this on. Only the person and you can see it; it is not part "
            "of their learning record."
        ),
    )

    def __init__(self, *args, levels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (number, f"{number} {name}") for number, name in sorted(levels.items())
        ]
