"""The learner's dashboard and learning plan, and a line manager adding to a report's plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks

from accounts.models import User
from courses import selectors
from courses.models import CoursePage
from courses.services import LearningError, plan_add, plan_move, plan_remove


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "courses/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enrolments = selectors.learner_enrolments(user)
        rows = [row for _, area_rows in selectors.learner_skills(user) for row in area_rows]
        plan = selectors.learning_plan_by_status(user)
        return {
            **super().get_context_data(**kwargs),
            # Work others asked of this person, listed first; apps above courses (which it may
            # not import) register a "learner_assigned_work" hook returning a panel's HTML.
            "assigned_work": [
                panel
                for panel in (fn(self.request) for fn in hooks.get_hooks("learner_assigned_work"))
                if panel
            ],
            "in_progress": [e for e in enrolments if e.enrolment.completed_at is None],
            "completed": [e for e in enrolments if e.enrolment.completed_at is not None],
            "plan": plan.to_do,
            "plan_completed": plan.completed,
            "recommended": selectors.recommendations(user, limit=3),
            "profile_summary": {
                "meets": sum(1 for r in rows if r.target and r.gap == 0),
                "below": sum(1 for r in rows if r.target and r.gap),
                "unknown": sum(1 for r in rows if r.target and r.gap is None),
                "targets": sum(1 for r in rows if r.target),
            },
        }


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@login_required
@require_POST
def plan_add_view(request: HttpRequest) -> HttpResponse:
    course = get_object_or_404(CoursePage.objects.live(), pk=request.POST.get("course"))
    learner = request.user
    if request.POST.get("for"):
        learner = get_object_or_404(User, pk=request.POST["for"])
    try:
        plan_add(user=learner, course=course, added_by=request.user)
    except LearningError as error:
        raise Http404(str(error)) from None
    messages.success(
        request, gettext("%(title)s is in the learning plan.") % {"title": course.title}
    )
    return redirect(_back(request, "dashboard"))


@login_required
@require_POST
def plan_move_view(request: HttpRequest, item_id: int) -> HttpResponse:
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, gettext("Choose to move the course up or down."))
    else:
        try:
            plan_move(user=request.user, item_id=item_id, offset=offset)
        except LearningError as error:
            messages.error(request, str(error))
    return redirect(f"{redirect('dashboard').url}#learning-plan")


@login_required
@require_POST
def plan_remove_view(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        plan_remove(user=request.user, item_id=item_id)
        messages.success(request, gettext("The course is no longer in your learning plan."))
    except LearningError as error:
        messages.error(request, str(error))
    return redirect(f"{redirect('dashboard').url}#learning-plan")


class SkillsView(LoginRequiredMixin, TemplateView):
    """The person's level in each competency, where it comes from, and their role's target."""

    template_name = "courses/skills.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "areas": selectors.learner_skills(self.request.user),
        }
