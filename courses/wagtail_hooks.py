"""CMS screens for course authors ("Your courses", with how many learners enrol on, complete and
pass each of them) and starting a page again after abandoning an autosaved one."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.simple_translation.views import SubmitPageTranslationView

from courses.figures import share_text
from courses.models import AutosavedStart, CourseIndexPage, abandoned_start
from courses.reports import course_report

NO_LEARNERS, NO_ATTEMPTS = "No learners yet", "No attempts yet"


def _catalogue_permissions(user):
    catalogue = CourseIndexPage.objects.order_by("path").first()
    return None if catalogue is None else catalogue.permissions_for_user(user)


def may_author_courses(user) -> bool:
    """Whoever may add courses to the catalogue (training leads, administrators) is an author."""
    permissions = _catalogue_permissions(user)
    return permissions is not None and permissions.can_add_subpage()


def _status(course) -> str:
    if course.live:
        if course.in_review:
            return "Live, changes in review"
        return "Live, with draft changes" if course.has_unpublished_changes else "Live"
    if course.in_review:
        return "In review"
    return "Scheduled" if course.scheduled else "Draft"


def _owner_name(course) -> str:
    return course.owner.get_full_name() if course.owner else "Nobody"


def _rate(part: str, whole: str, *, empty: str):
    def accessor(course) -> str:
        total = getattr(course, whole)
        return share_text(100 * getattr(course, part) / total).capitalize() if total else empty

    return accessor


class CourseReportView(ReportView):
    """The courses the signed-in author owns; people who may publish in the catalogue without
    review (administrators) see every course and its owner."""

    page_title = "Your courses"
    header_icon = "doc-full-inverse"
    index_url_name = "courses_report"
    default_ordering = "title"
    verbose_name_plural = "courses"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        permissions = _catalogue_permissions(request.user)
        if permissions is None or not permissions.can_add_subpage():
            return permission_denied(request)
        self.sees_every_course = permissions.can_publish()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return "All courses" if self.sees_every_course else self.page_title

    def get_base_queryset(self):
        return course_report(owner=None if self.sees_every_course else self.request.user)

    @cached_property
    def columns(self):
        owner = [Column("owner", label="Owner", accessor=_owner_name)]
        return [
            TitleColumn(
                "title", label="Course", url_name="wagtailadmin_pages:edit", sort_key="title"
            ),
            Column("status", label="Status", accessor=_status),
            *(owner if self.sees_every_course else []),
            Column("enrolled", label="Enrolled", sort_key="enrolled"),
            Column("completed", label="Completed", sort_key="completed"),
            Column(
                "completion_rate",
                label="Completion rate",
                accessor=_rate("completed", "enrolled", empty=NO_LEARNERS),
            ),
            Column("attempts", label="Check attempts", sort_key="attempts"),
            Column(
                "pass_rate",
                label="Pass rate",
                accessor=_rate("attempts_passed", "attempts", empty=NO_ATTEMPTS),
            ),
            Column(
                "first_attempt_pass_rate",
                label="First-attempt pass rate",
                accessor=_rate("first_attempts_passed", "first_attempts", empty=NO_ATTEMPTS),
            ),
            # Each learner's progress and assignment, on the reports site (by URL name: courses
            # may not import the reports).
            TitleColumn(
                "learners",
                label="Learners",
                accessor=lambda course: f"Learners of {course.title}",
                get_url=lambda course: reverse("course_learners", args=[course.pk]),
            ),
        ]


class AuthorMenuItem(MenuItem):
    def is_shown(self, request):
        return may_author_courses(request.user)


@hooks.register("register_admin_urls")
def course_report_urls():
    return [path("your-courses/", CourseReportView.as_view(), name="courses_report")]


class CourseTranslationView(SubmitPageTranslationView):
    """Wagtail's "Translate page", with every language's home page and course catalogue made
    first (courses.loading.translation_roots_ensure), so a course can be copied into any
    language at once. Registered before simple_translation's own URLs, at the same address."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm("simple_translation.submit_translation"):
            from courses.loading import translation_roots_ensure

            translation_roots_ensure()
        return super().dispatch(request, *args, **kwargs)


@hooks.register("register_admin_urls")
def course_translation_urls():
    return [
        path(
            "translation/submit/page/<int:page_id>/",
            CourseTranslationView.as_view(),
            name="course_translation_submit",
        )
    ]


@hooks.register("register_admin_menu_item")
def course_report_menu_item():
    return AuthorMenuItem(
        "Your courses", reverse("courses_report"), icon_name="doc-full-inverse", order=250
    )


def _is_autosave(request) -> bool:
    # The editor's autosave posts the form asking for JSON; people's own clicks ask for HTML.
    return not request.accepts("text/html")


@hooks.register("before_create_page")
def abandoned_start_remove(request, parent_page, page_class):
    """Starting a page again where the author abandoned an autosaved one frees its slug."""
    slug = request.POST.get("slug", "") if request.method == "POST" else ""
    page = slug and abandoned_start(parent=parent_page, slug=slug, author=request.user)
    if page:
        page.delete()  # Wagtail logs the deletion, by the signed-in author


@hooks.register("after_create_page")
def autosaved_start_mark(request, page):
    if _is_autosave(request):
        AutosavedStart.objects.get_or_create(page=page)
    else:
        AutosavedStart.objects.filter(page=page).delete()


@hooks.register("after_edit_page")
@hooks.register("after_publish_page")
def autosaved_start_unmark(request, page):
    """Once the author saves, submits or publishes the page themselves, it is theirs to keep."""
    if not _is_autosave(request):
        AutosavedStart.objects.filter(page=page).delete()


# Reviewing a course as one unit with its modules and lessons.
from courses import review_hooks  # noqa: E402, F401
