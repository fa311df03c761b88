"""CMS screens to erase a person's learning records identity: find the person, read what will
happen, confirm. Administrators only; everyone else is refused outright."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.models import User
from lms.erasure import ERASURE_EFFECTS, ErasureRefused, erasure_candidate, learner_erase
from xapi.models import LearnerIdentity

# Held by the Administrator role (xapi.apps); superusers hold every permission.
ERASE_PERMISSION = "xapi.delete_learneridentity"


def may_erase_learners(user) -> bool:
    return user.is_active and user.has_perm(ERASE_PERMISSION)


def effects_shown() -> list[str]:
    """What erasure does, in the reader's language."""
    return [gettext(effect) for effect in ERASURE_EFFECTS]


class AdministratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not may_erase_learners(request.user):
            # A plain 403 (Wagtail would turn a raised PermissionDenied into a redirect).
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


class EraseLearnerForm(forms.Form):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address the person signs in with."),
    )

    def clean_email(self):
        try:
            self.person = erasure_candidate(email=self.cleaned_data["email"])
        except ErasureRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return self.person.email


class EraseLearnerView(AdministratorsOnly, WagtailAdminTemplateMixin, FormView):
    """Find the person whose learning records identity to erase."""

    template_name = "lms/admin/erase_learner.html"
    form_class = EraseLearnerForm
    page_title = _("Erase learning records identity")
    header_icon = "bin"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(effects=effects_shown(), **kwargs)

    def form_valid(self, form):
        return redirect("erase_learner_confirm", user_id=form.person.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EraseLearnerConfirmView(AdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Say exactly what will happen to this person's records; erase on confirmation."""

    template_name = "lms/admin/erase_learner_confirm.html"
    page_title = _("Erase learning records identity")
    header_icon = "bin"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("erase_learner"), "label": self.page_title},
            {"url": "", "label": str(self.person)},
        ]

    def dispatch(self, request, *args, user_id, **kwargs):
        # Refused before the person is looked up, so nobody else learns who has an account.
        if may_erase_learners(request.user):
            self.person = get_object_or_404(User, pk=user_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            effects=effects_shown(),
            has_identity=LearnerIdentity.objects.filter(user=self.person).exists(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        return self.render_to_response(context, status=200 if context["has_identity"] else 409)

    def post(self, request, *args, **kwargs):
        try:
            learner_erase(user=self.person, actor=request.user, via="Content management")
        except ErasureRefused:
            return self.render_to_response(self.get_context_data(), status=409)
        messages.success(
            request,
            gettext(
                "The learning records identity of %(email)s was erased. The reports "
                "were recomputed without them."
            )
            % {"email": self.person.email},
        )
        return redirect("erase_learner")
