"""The course page tree: CourseIndexPage > CoursePage > ModulePage > LessonPage."""

import uuid
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from courses.forms import KnowledgeCheckForm
from courses.marking import feedback_of, questions_of
from courses.models.blocks import LessonStreamBlock
from courses.models.panels import CourseUnitPanel, reviewed_with_course_panel
from courses.models.previews import TemplatePreviewMixin
from lms.languages import html_tag
from xapi.vocab import activity_iri

# Shown above a course (or lesson) read in a language it has not been translated into yet.
NOT_TRANSLATED = {
    "fr": gettext_lazy("This course is not available in French yet; it is shown in English."),
    "es": gettext_lazy("This course is not available in Spanish yet; it is shown in English."),
    "ar": gettext_lazy("This course is not available in Arabic yet; it is shown in English."),
}


def in_source_language(pages):
    """`pages` (a page queryset) in the service's source language (English) alone: each course
    once, not once per translation. Learning records, assignments and reports name these."""
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    return pages.filter(locale__language_code=code)


class Translated:
    """A course or lesson, which may be a translation of one in the service's source language
    (English). The translation is what a learner reads; the source is what their learning
    record names, so progress made in one language shows in every other.

    A translation gets its own activity id when it is copied (ids are unique), and never uses
    it: records, statements and certificates all go through `source`."""

    exclude_fields_in_copy = ["activity_uuid"]

    @cached_property
    def source(self):
        """The page in the source language with this page's translation key; this page when it
        is in that language (or its source has gone)."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        found = (
            type(self).objects.filter(translation_key=self.translation_key, locale=default).first()
        )
        return found or self

    def language_note(self) -> dict | None:
        """What to say when this page is read in a language it is not written in: the note, and
        the language tag and direction the content keeps (for `lang` and `dir`: English stays
        left to right on an Arabic page). None when the languages match."""
        active = translation.get_language() or ""
        written_in = self.locale.language_code
        if active == written_in or active not in NOT_TRANSLATED:
            return None
        direction = "rtl" if translation.get_language_info(written_in)["bidi"] else "ltr"
        return {"text": NOT_TRANSLATED[active], "lang": html_tag(written_in), "dir": direction}


class CourseIndexPage(TemplatePreviewMixin, Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.ProgrammePage"]
    max_count = 1

    preview_template = "courses/previews/course_index_page.html"

    class Meta:
        verbose_name = "course catalogue"

    def route(self, request, path_components):
        """A course is read in the address's language where it is published in it, and in
        English (with a note saying so) where it is not yet: the language's catalogue routes
        what it does not hold to the English catalogue."""
        try:
            return super().route(request, path_components)
        except Http404:
            source = self.get_translations().filter(locale=Locale.get_default()).first()
            if not path_components or source is None or self.locale_id == source.locale_id:
                raise
            return source.specific.route(request, path_components)

    def serve(self, request, *args, **kwargs):
        # The catalogue is a Django view with search and filters; this page only anchors the
        # tree (and its URL) for authors.
        from django.shortcuts import redirect

        return redirect("catalogue")


def _outline(request, course, current=None):
    """Learners see what is live; a preview shows the drafts its course's review covers."""
    if getattr(request, "is_preview", False):
        from courses.review import draft_outline

        return draft_outline(course, current)
    from courses.selectors import course_outline

    return course_outline(course)


class CoursePage(Translated, Page):
    class Format(models.TextChoices):
        SELF_PACED = "self-paced", gettext_lazy("Self-paced")
        COHORT = "cohort", gettext_lazy("Cohort")
        BLENDED = "blended", gettext_lazy("Blended")

    class Level(models.TextChoices):
        FOUNDATION = "foundation", gettext_lazy("Foundation")
        INTERMEDIATE = "intermediate", gettext_lazy("Intermediate")
        ADVANCED = "advanced", gettext_lazy("Advanced")

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

    def get_context(self, request, *args, **kwargs):
        """The outline and the learner's progress through it. A preview (Wagtail renders it from
        this context too) shows the drafts under review and records nothing."""
        from courses import selectors

        preview = getattr(request, "is_preview", False)
        enrolment = None if preview else selectors.enrolment_of(request.user, self)
        outline = _outline(request, self)
        completed = selectors.completed_lesson_ids(enrolment)
        next_lesson = None
        if enrolment is not None:
            next_lesson = next(
                (each for m in outline for each in m.lessons if each.pk not in completed), None
            )
        return {
            **super().get_context(request, *args, **kwargs),
            "course": self,
            "outline": outline,
            "enrolment": enrolment,
            "completed": completed,
            # `completed` names each lesson in every language; count this outline's.
            "completed_count": sum(
                1 for m in outline for each in m.lessons if each.pk in completed
            ),
            "total": sum(len(m.lessons) for m in outline),
            "resume": self._in_own_language(
                enrolment.last_lesson if enrolment and enrolment.last_lesson_id else None
            ),
            "next_lesson": next_lesson,
            # Taking it again: the completion before, whose certificate stays theirs.
            "earlier": (
                selectors.earlier_completion(request.user, self)
                if enrolment is not None and enrolment.completed_at is None
                else None
            ),
            "targets": selectors.course_targets(self),
            "in_plan": False if preview else selectors.in_learning_plan(request.user, self),
            "preview": preview,
            "language_note": self.language_note(),
        }

    def _in_own_language(self, lesson):
        """`lesson` (recorded in English) as this course reads it: its published translation
        in this course's language, or itself."""
        if lesson is None or lesson.locale_id == self.locale_id:
            return lesson
        return lesson.get_translations().live().filter(locale_id=self.locale_id).first() or lesson


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


class LessonPage(Translated, CourseUnitMember, Page):
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

    # A lesson served by Wagtail was reached through its course and module, and its routing
    # keeps each parent it fetched (treebeard's get_parent cache): `course` and `module` use
    # those when they are there, and otherwise ask for the one page (its path names its
    # ancestors). Each is kept for the life of this object.

    @cached_property
    def course(self) -> CoursePage:
        """The course the lesson is part of: no query after routing, else one."""
        routed = getattr(getattr(self, "_cached_parent_obj", None), "_cached_parent_obj", None)
        if isinstance(routed, CoursePage):
            return routed
        return CoursePage.objects.ancestor_of(self).get()

    @cached_property
    def module(self) -> ModulePage:
        """The module the lesson is part of: no query after routing, else one."""
        routed = getattr(self, "_cached_parent_obj", None)
        if isinstance(routed, ModulePage):
            return routed
        return ModulePage.objects.ancestor_of(self).get()

    def knowledge_check(self):
        """The lesson's knowledge check as a bound block (with its id), or None."""
        for block in self.body:
            if block.block_type == "knowledge_check":
                return block
        return None

    def package_block(self):
        """The lesson's course package block (bound, with its id), or None."""
        for block in self.body:
            if block.block_type == "package":
                return block
        return None

    def serve(self, request, *args, **kwargs):
        """Only a learner enrolled on the course reads its lessons; opening one is recorded."""
        from courses import selectors, services

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        enrolment = selectors.enrolment_of(request.user, self.course)
        if enrolment is None:
            messages.info(request, gettext("Enrol on the course to start its lessons."))
            return redirect(self.course.url)
        services.lesson_visit(enrolment=enrolment, lesson=self)
        return super().serve(request, *args, enrolment=enrolment, **kwargs)

    def get_context(
        self, request, *args, enrolment=None, check_form=None, launch_error=None, **kwargs
    ):
        """The lesson in its course: where it sits, the learner's progress, and its knowledge
        check with the feedback on their last attempt. `check_form`, a KnowledgeCheckForm sent
        with questions left out, shows the check again with an error summary linking to each,
        and the answers already given still chosen; `launch_error`, why a package could not be
        launched. A preview (Wagtail renders it from this context too) shows the drafts under
        review and records nothing."""
        from courses import selectors
        from courses.launching import lesson_package

        course = self.course
        preview = getattr(request, "is_preview", False)
        if enrolment is None and not preview:
            enrolment = selectors.enrolment_of(request.user, course)
        outline = _outline(request, course, self)
        lessons = [each for module in outline for each in module.lessons]
        index = next((i for i, each in enumerate(lessons) if each is self or each.pk == self.pk), 0)
        check = self.knowledge_check()
        completions = selectors.lesson_completions(enrolment)
        completed = set(completions)
        # Lessons a placement check let the learner skip are not where they go next.
        later = [
            each
            for each in lessons[index + 1 :]
            if each.placement or completions.get(each.pk) != "placement"
        ]
        latest = None
        if enrolment is not None and check is not None:
            latest = selectors.latest_attempt(enrolment, self)
        feedback = (
            feedback_of(questions_of(check.value), latest.answers) if latest is not None else None
        )
        form = check_form if check_form is not None else KnowledgeCheckForm(check)
        return {
            **super().get_context(request, *args, **kwargs),
            "lesson": self,
            "course": course,
            "outline": outline,
            "enrolment": enrolment,
            "completed": completed,
            "is_complete": self.pk in completed,
            "previous_lesson": lessons[index - 1] if index > 0 else None,
            "next_lesson": later[0] if later else None,
            "position": index + 1,
            "lesson_count": len(lessons),
            "check": check,
            "questions": form.questions(feedback),
            "latest": latest,
            "feedback": feedback,
            "unanswered": form.unanswered,
            "attempt_number": (
                selectors.next_attempt_number(enrolment, self) if enrolment and check else 1
            ),
            "package": lesson_package(
                self, user=request.user, enrolled=enrolment is not None and not preview
            ),
            "launch_error": launch_error,
            "preview": preview,
            "language_note": self.language_note(),
        }
