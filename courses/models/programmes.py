"""Programmes: learning paths of courses, some required and some chosen, and who completed one."""

import uuid

from django import forms
from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.models.records import _certificate_code
from xapi.vocab import activity_iri


def electives_problem(electives_required: int, courses: list[tuple[int, bool]]) -> str | None:
    """Why a programme's courses and its "choose n" rule do not fit together, or None.

    `courses`: (course id, elective) in the programme's order. A learner must be able to finish
    the programme, so it cannot ask for more electives than it offers, nor list a course twice.
    """
    if not courses:
        return "Add at least one course to the programme."
    ids = [course_id for course_id, _ in courses]
    if len(set(ids)) != len(ids):
        return "Each course can be in the programme only once."
    electives = sum(1 for _, elective in courses if elective)
    if electives_required < 0 or electives_required > electives:
        if electives == 0:
            return "The programme has no electives, so learners cannot choose any: enter 0."
        return (
            f"Learners can choose at most the {electives} elective"
            f"{'s' if electives != 1 else ''} the programme offers: enter a number from 0 "
            f"to {electives}."
        )
    return None


class ProgrammePageForm(WagtailAdminPageForm):
    """Checks the electives rule against the courses as edited, not as last saved."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("programme_courses")
        if formset is None or not formset.is_valid():
            return cleaned
        rows = [
            (row["course"].pk, bool(row.get("elective")))
            for row in (each.cleaned_data for each in formset.forms)
            if row and row.get("course") is not None and not row.get("DELETE")
        ]
        required = cleaned.get("electives_required")
        if required is None:
            return cleaned
        problem = electives_problem(required, rows)
        if problem is not None:
            self.add_error("electives_required", forms.ValidationError(problem))
        return cleaned


class ProgrammePage(Page):
    summary = models.TextField(max_length=400, help_text="One or two sentences for the catalogue.")
    electives_required = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many of the elective courses a learner must complete, for example 2 of 4.",
    )
    # Learning records name the programme by this, never by its slug (editors rename slugs).
    stable_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    base_form_class = ProgrammePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        InlinePanel(
            "programme_courses",
            heading="Courses",
            label="Course",
            min_num=1,
            help_text="In the order learners should take them. Mark the ones they choose from "
            "as electives.",
        ),
        FieldPanel("electives_required"),
        InlinePanel(
            "competency_targets",
            heading="Competency targets",
            label="Target",
            help_text="The competencies this programme builds, and the level it builds them to.",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "programme"

    @property
    def iri(self) -> str:
        return activity_iri("programme", self.stable_id)

    def get_context(self, request, *args, **kwargs):
        """The programme's courses with the signed-in learner's status on each (no status for
        visitors who are signed out, nor in a preview), their progress and its competencies."""
        from courses import programmes

        preview = getattr(request, "is_preview", False)
        user = None if preview or not request.user.is_authenticated else request.user
        return {
            **super().get_context(request, *args, **kwargs),
            "programme": self,
            "progress": programmes.programme_progress(self, user=user),
            "competencies": programmes.programme_competencies(self),
            "preview": preview,
        }


class ProgrammeCourse(Orderable):
    programme = ParentalKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="programme_courses"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="programme_places"
    )
    elective = models.BooleanField(
        default=False, help_text="Learners choose among the electives; the others are required."
    )

    panels = [FieldPanel("course"), FieldPanel("elective")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["programme", "course"], name="programme_course_once")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} in {self.programme_id}"


class ProgrammeCompetencyTarget(Orderable):
    programme = ParentalKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="competency_targets"
    )
    competency = models.ForeignKey(
        "competencies.Competency", on_delete=models.CASCADE, related_name="programme_targets"
    )
    level = models.PositiveSmallIntegerField()

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "competency"], name="programme_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} to {self.level}"


class ProgrammeCompletion(models.Model):
    """A person finished a programme: its required courses and enough of its electives. The
    code is the reference on its certificate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_completions"
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField()
    code = models.CharField(max_length=32, unique=True, default=_certificate_code, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="complete_programme_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.programme_id}"
