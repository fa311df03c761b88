"""Pages for a person's notifications: the list, marking read, preferences and the one-click
unsubscribe link from an email."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from notifications import selectors
from notifications.forms import PreferencesForm
from notifications.services import (
    UNSUBSCRIBABLE,
    UnsubscribeLinkInvalid,
    notifications_mark_read,
    preferences_unsubscribe,
    preferences_update,
    unsubscribe_read,
)

PAGE_SIZE = 25


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/list.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        paginator = Paginator(selectors.notifications_for(self.request.user), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context["page"] = page
        context["notifications"] = list(page.object_list)
        context["any_unread"] = any(n.read_at is None for n in context["notifications"])
        return context


class MarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        if not notifications_mark_read(user=request.user, ids=[pk]):
            # Someone else's, already read, or gone: nothing of the viewer's to mark.
            raise Http404("No unread notification of yours has that number.")
        messages.success(request, _("Notification marked as read."))
        return redirect("notifications:list")


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = notifications_mark_read(user=request.user)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s notification marked as read.",
                    "%(count)s notifications marked as read.",
                    count,
                )
                % {"count": count},
            )
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"
    form_class = PreferencesForm

    def get_initial(self) -> dict:
        preferences = selectors.preferences_for(self.request.user)
        return {
            "optional_reminders": preferences.optional_reminders,
            "manager_digest": preferences.manager_digest,
        }

    def form_valid(self, form: PreferencesForm):
        preferences_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your email preferences have been saved."))
        return redirect("notifications:preferences")


# The token is the proof: mail programs post to the link with no session or form token
# (RFC 8058's one-click unsubscribe), and the link only ever switches an email off.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    template_name = "notifications/unsubscribe.html"

    def get(self, request, token: str):
        try:
            _, kind = unsubscribe_read(token)
        except UnsubscribeLinkInvalid:
            return self._invalid(request)
        return render(
            request,
            self.template_name,
            {"what": UNSUBSCRIBABLE[kind], "done": False},
        )

    def post(self, request, token: str):
        try:
            _, kind = preferences_unsubscribe(token=token)
        except UnsubscribeLinkInvalid:
            return self._invalid(request)
        return render(
            request,
            self.template_name,
            {"what": UNSUBSCRIBABLE[kind], "done": True},
        )

    @staticmethod
    def _invalid(request):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
