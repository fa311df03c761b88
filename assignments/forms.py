"""The forms an assigner fills in: a course or programme for an audience, or courses for the
people below target in a department's skill gap. Choices are limited to the assigner's scope;
assignments.services checks everything again."""

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from accounts.models import User
from assignments.models import Audience
from courses.models import CoursePage, ProgrammePage, in_source_language
from organisations.models import Department, JobRole

# The audiences an assigner chooses between (selected people come only from a gap row).
CHOSEN_AUDIENCES = [
    Audience.PERSON,
    Audience.TEAM,
    Audience.JOB_ROLE,
    Audience.DEPARTMENT,
    Audience.EVERYONE,
]
AUDIENCE_LABELS = {
    Audience.PERSON: gettext_lazy("One person"),
    Audience.TEAM: gettext_lazy("A line manager's team"),
    Audience.JOB_ROLE: gettext_lazy("Everyone in a job role"),
    Audience.DEPARTMENT: gettext_lazy("Everyone in a department"),
    Audience.EVERYONE: gettext_lazy("Everyone"),
}
# What a date missing some of its boxes must include, by the boxes missing.
DATE_MISSING = {
    ("day",): gettext_lazy("%(field)s must include a day"),
    ("month",): gettext_lazy("%(field)s must include a month"),
    ("year",): gettext_lazy("%(field)s must include a year"),
    ("day", "month"): gettext_lazy("%(field)s must include a day and a month"),
    ("day", "year"): gettext_lazy("%(field)s must include a day and a year"),
    ("month", "year"): gettext_lazy("%(field)s must include a month and a year"),
    ("day", "month", "year"): gettext_lazy("%(field)s must include a day and a month and a year"),
}


class DateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, named `<field>_day` and so on."""

    template_name = "assignments/widgets/date.html"

    def __init__(self):
        box = {"inputmode": "numeric"}
        super().__init__(
            {
                "day": forms.TextInput(attrs=box),
                "month": forms.TextInput(attrs=box),
                "year": forms.TextInput(attrs=box),
            }
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = DateWidget

    def __init__(self, **kwargs):
        # Each box may be empty: compress says which are missing, in words.
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        parts = (("day", day), ("month", month), ("year", year))
        missing = [name for name, part in parts if not part]
        if missing:
            raise forms.ValidationError(
                DATE_MISSING[tuple(missing)] % {"field": self.label}, code="incomplete"
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                _("%(field)s must be a real date, for example 27 3 2027") % {"field": self.label},
                code="invalid",
            ) from None


class GovukForm(forms.Form):
    """A form whose error summary links each message to the box it is about."""

    def full_clean(self):
        super().full_clean()
        # A date's boxes are drawn by its widget, which learns of the error here.
        for name in self.errors:
            if name in self.fields and isinstance(self.fields[name].widget, DateWidget):
                self.fields[name].widget.attrs["error"] = True

    def error_links(self) -> list[dict]:
        if not self.is_bound:
            return []
        links = [{"href": "", "message": message} for message in self.non_field_errors()]
        for field in self:
            if not field.errors:
                continue
            target = f"#{field.auto_id}"
            if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                target = f"#{field.auto_id}-0"
            elif isinstance(field.field.widget, DateWidget):
                target = f"#{field.auto_id}_0"  # the day box
            links.extend({"href": target, "message": message} for message in field.errors)
        return links


def _item_choices() -> tuple[list, dict[str, Page]]:
    """Live programmes and courses, grouped, and the pages by choice value."""
    programmes = list(ProgrammePage.objects.live().order_by("title"))
    # Each course once, in English: a translation shares its course's records.
    courses = list(in_source_language(CoursePage.objects.live()).order_by("title"))
    pages = {str(page.pk): page for page in [*programmes, *courses]}
    choices = [("", _("Choose a course or programme"))]
    if programmes:
        choices.append((_("Programmes"), [(str(p.pk), p.title) for p in programmes]))
    choices.append((_("Courses"), [(str(c.pk), c.title) for c in courses]))
    return choices, pages


def _person_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


class AssignmentForm(GovukForm):
    """What to assign, to whom, and by when."""

    item = forms.ChoiceField(
        label=gettext_lazy("Course or programme"),
        error_messages={
            "required": gettext_lazy("Choose the course or programme to assign"),
            "invalid_choice": gettext_lazy("Choose one of the courses or programmes listed"),
        },
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Who must complete it"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose who must complete it"),
            "invalid_choice": gettext_lazy("Choose one of the audiences listed"),
        },
    )
    person_email = forms.CharField(
        label=gettext_lazy("Email address of the person"), required=False, max_length=254
    )
    manager_email = forms.CharField(
        label=gettext_lazy("Email address of the line manager"),
        help_text=gettext_lazy("Everyone who reports directly to them."),
        required=False,
        max_length=254,
    )
    job_role = forms.ModelChoiceField(
        label=gettext_lazy("Job role"),
        queryset=JobRole.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Choose a job role"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the job roles listed")},
    )
    job_role_department = forms.ModelChoiceField(
        label=gettext_lazy("In department"),
        queryset=Department.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the departments listed")},
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        help_text=gettext_lazy("Its sub-departments are included."),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a department"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the departments listed")},
    )
    due_date = GovukDateField(
        label=gettext_lazy("Due date"),
        help_text=gettext_lazy(
            "For example, 27 3 2027. People who join the audience later get their own."
        ),
        error_messages={"required": gettext_lazy("Enter the due date")},
    )
    joiner_days = forms.IntegerField(
        label=gettext_lazy("Days a joiner has to complete it"),
        help_text=gettext_lazy(
            "People who join the audience later are due this many days after joining."
        ),
        initial=30,
        min_value=1,
        max_value=730,
        error_messages={
            "required": gettext_lazy("Enter the number of days a joiner has, for example 30"),
            "invalid": gettext_lazy(
                "Enter the number of days a joiner has as a whole number, like 30"
            ),
            "min_value": gettext_lazy("A joiner needs at least 1 day"),
            "max_value": gettext_lazy("A joiner's days must be 730 or fewer"),
        },
    )
    mandatory = forms.BooleanField(
        label=gettext_lazy("Mandatory"),
        help_text=gettext_lazy("People cannot switch off reminders about mandatory training."),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Why they must complete it, in a sentence they will see."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={
            "required": gettext_lazy("Enter the reason the learners will see"),
            "max_length": gettext_lazy("The reason must be 500 characters or fewer"),
        },
    )
    recurs_months = forms.IntegerField(
        label=gettext_lazy("Due again every (months)"),
        help_text=gettext_lazy(
            "Optional. For training that must be renewed, for example every 12 months."
        ),
        required=False,
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": gettext_lazy("Enter the number of months as a whole number, like 12"),
            "min_value": gettext_lazy("Training can be due again at most once a month"),
            "max_value": gettext_lazy("Enter 120 months or fewer"),
        },
    )

    def __init__(
        self, *args, departments: QuerySet[Department], everyone: bool, own_team: User, **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices, self.pages = _item_choices()
        self.fields["item"].choices = choices
        self.fields["audience"].choices = [
            (audience.value, AUDIENCE_LABELS[audience])
            for audience in CHOSEN_AUDIENCES
            if everyone or audience != Audience.EVERYONE
        ]
        self.fields["department"].queryset = departments
        self.fields["job_role_department"].queryset = departments
        # Someone who may assign to everyone may pick a job role across every department.
        self.fields["job_role_department"].empty_label = (
            _("Every department") if everyone else _("Choose a department")
        )
        if not everyone:
            # A department lead assigns to their own team only: nothing to choose.
            labels = {
                **AUDIENCE_LABELS,
                Audience.TEAM: _("Your team (the people who report to you)"),
            }
            self.fields["audience"].choices = [
                (value, labels[value]) for value, _label in self.fields["audience"].choices
            ]
            del self.fields["manager_email"]
        self.everyone = everyone
        self.own_team = own_team

    def clean_item(self):
        page = self.pages.get(self.cleaned_data["item"])
        if page is None:
            raise forms.ValidationError(_("Choose one of the courses or programmes listed"))
        return page

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == Audience.PERSON:
            cleaned["person"] = self._someone(
                "person_email", _("Enter the email address of the person")
            )
        elif audience == Audience.TEAM:
            if self.everyone:
                cleaned["team_manager"] = self._someone(
                    "manager_email", _("Enter the email address of the line manager")
                )
            else:
                cleaned["team_manager"] = self.own_team
        elif audience == Audience.JOB_ROLE:
            if cleaned.get("job_role") is None and "job_role" not in self.errors:
                self.add_error("job_role", _("Choose the job role"))
            if (
                not self.everyone
                and cleaned.get("job_role_department") is None
                and "job_role_department" not in self.errors
            ):
                self.add_error("job_role_department", _("Choose the department"))
        elif (
            audience == Audience.DEPARTMENT
            and cleaned.get("department") is None
            and "department" not in self.errors
        ):
            self.add_error("department", _("Choose the department"))
        return cleaned

    def _someone(self, field: str, empty: str) -> User | None:
        """The person whose address `field` holds; `empty` is the error when it is blank."""
        email = (self.cleaned_data.get(field) or "").strip()
        if not email:
            self.add_error(field, empty)
            return None
        person = _person_by_email(email)
        if person is None:
            self.add_error(
                field,
                _("Nobody with the email address %(email)s uses the service") % {"email": email},
            )
        return person

    def audience_arguments(self) -> dict:
        """The audience's member field, as assignments.services takes it."""
        data = self.cleaned_data
        audience = data["audience"]
        if audience == Audience.PERSON:
            return {"person": data["person"]}
        if audience == Audience.TEAM:
            return {"team_manager": data["team_manager"]}
        if audience == Audience.JOB_ROLE:
            return {"job_role": data["job_role"], "department": data["job_role_department"]}
        if audience == Audience.DEPARTMENT:
            return {"department": data["department"]}
        return {}

    def error_field(self, service_field: str | None, audience: str) -> str | None:
        """The form field a service's complaint about `service_field` belongs to."""
        if service_field == "department" and audience == Audience.JOB_ROLE:
            return "job_role_department"
        named = {"person": "person_email", "team_manager": "manager_email"}
        field = named.get(service_field, service_field)
        return field if field in self.fields else None


class GapAssignmentForm(GovukForm):
    """Courses for the people below target in a gap: everything but the audience."""

    courses = forms.MultipleChoiceField(
        label=gettext_lazy("Courses to assign"),
        help_text=gettext_lazy("Each course you choose becomes an assignment of its own."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one course to assign"),
            "invalid_choice": gettext_lazy("Choose from the courses listed"),
        },
    )
    due_date = AssignmentForm.base_fields["due_date"]
    mandatory = AssignmentForm.base_fields["mandatory"]
    reason = AssignmentForm.base_fields["reason"]
    recurs_months = AssignmentForm.base_fields["recurs_months"]

    def __init__(self, *args, courses: list[CoursePage], **kwargs):
        super().__init__(*args, **kwargs)
        self.pages = {str(course.pk): course for course in courses}
        self.fields["courses"].choices = [(str(c.pk), c.title) for c in courses]

    def clean_courses(self) -> list[CoursePage]:
        return [self.pages[value] for value in self.cleaned_data["courses"]]
