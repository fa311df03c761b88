"""The course page tree: CourseIndexPage > CoursePage > ModulePage > LessonPage."""

import uuid

from django.db import models
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.models.blocks import LessonStreamBlock
from courses.models.panels import CourseUnitPanel, reviewed_with_course_panel
from courses.models.previews import ServedPreviewMixin, TemplatePreviewMixin
from xapi.vocab import activity_iri


class CourseIndexPage(TemplatePreviewMixin, Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    preview_template = "courses/previews/course_index_page.html"

    class Meta:
        verbose_name = "course catalogue"

    def serve(self, request, *args, **kwargs):
        # The catalogue is a Django view with search and filters; this page only anchors the
        # tree (and its URL) for authors.
        from django.shortcuts import redirect

        return redirect("catalogue")


class CoursePage(ServedPreviewMixin, Page):
    class Format(models.TextChoices):
        SELF_PACED = "self-paced", "Self-paced"
        COHORT = "cohort", "Cohort"
        BLENDED = "blended", "Blended"

    class Level(models.TextChoices):
        FOUNDATION = "foundation", "Foundation"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    summary = models.TextField(max_length=400, help_text="One or two sentences for the catalogue.")
    audience = models.CharField(max_length=300)
    duration_minutes = models.PositiveIntegerField(help_text="Total learning time in minutes.")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.SELF_PACED)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.FOUNDATION)
    prerequisites = models.CharField(max_length=300, blank=True)
    description = RichTextField(features=["bold", "italic", "ul", "ol", "link"], blank=True)
    # Learning records name the course by this, never by its slug (editors rename slugs).
    activity_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    content_panels = [
        *Page.content_panels,
        CourseUnitPanel(heading="Reviewed with this course"),
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel(
                    [FieldPanel("duration_minutes"), FieldPanel("format"), FieldPanel("level")]
                ),
                FieldPanel("prerequisites"),
            ],
            heading="About the course",
        ),
        InlinePanel(
            "competency_targets",
            heading="Competency targets",
            label="Target",
            help_text="The competencies this course builds, and the level it builds them to.",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("audience"),
        index.FilterField("format"),
        index.FilterField("level"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = "course"

    @property
    def iri(self) -> str:
        return activity_iri("course", self.activity_uuid)

    def serve_preview(self, request, mode_name):
        if self.pk is None:
            # Before its first save a course has no targets, outline or learners to look up.
            return TemplateResponse(
                request,
                "courses/previews/new_course_page.html",
                {"page": self, "course": self, "request": request},
            )
        return super().serve_preview(request, mode_name)

    def serve(self, request, *args, **kwargs):
        from courses.views.learning import course_outline

        return course_outline(request, self)


class CourseCompetencyTarget(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="competency_targets")
    competency = models.ForeignKey(
        "competencies.Competency", on_delete=models.CASCADE, related_name="course_targets"
    )
    level = models.PositiveSmallIntegerField()

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["course", "competency"], name="course_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} to {self.level}"


class CourseUnitMember:
    """A module or lesson: reviewed and published with its course, never on its own.

    Wagtail looks for the workflow of the page or its nearest ancestor; a module or lesson has
    none, so nobody is asked to submit or approve it separately. Authors save drafts and submit
    the course (courses.review), and approving the course publishes the drafts with it.
    """

    def get_workflow(self):
        return None

    @property
    def has_workflow(self) -> bool:
        return False


class ModulePage(CourseUnitMember, TemplatePreviewMixin, Page):
    summary = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, reviewed_with_course_panel(), FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    preview_template = "courses/previews/module_page.html"

    class Meta:
        verbose_name = "module"

    def get_preview_context(self, request, mode_name):
        lessons = LessonPage.objects.child_of(self).order_by("path") if self.pk else []
        return {
            **super().get_preview_context(request, mode_name),
            "course": self.get_parent().specific.get_latest_revision_as_object(),
            "lessons": [lesson.get_latest_revision_as_object() for lesson in lessons],
        }

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect(self.get_parent().url + f"#module-{self.pk}")


class LessonPage(CourseUnitMember, ServedPreviewMixin, Page):
    summary = models.CharField(max_length=300, blank=True)
    duration_minutes = models.PositiveIntegerField(default=15)
    placement = models.BooleanField(
        default=False,
        help_text="A placement check: passing it completes the rest of this module.",
    )
    body = StreamField(LessonStreamBlock())
    activity_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    content_panels = [
        *Page.content_panels,
        reviewed_with_course_panel(),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("placement")]),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "lesson"

    @property
    def iri(self) -> str:
        return activity_iri("lesson", self.activity_uuid)

    def knowledge_check(self):
        """The lesson's knowledge check as a bound block (with its id), or None."""
        for block in self.body:
            if block.block_type == "knowledge_check":
                return block
        return None

    def serve(self, request, *args, **kwargs):
        from courses.views.learning import lesson_page

        return lesson_page(request, self)
