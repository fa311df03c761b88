"""CMS registrations that span apps: erasing a person's learning records identity."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from lms.erasure_views import EraseLearnerConfirmView, EraseLearnerView, may_erase_learners


@hooks.register("register_admin_urls")
def erase_learner_urls():
    return [
        path("learning-records/erase/", EraseLearnerView.as_view(), name="erase_learner"),
        path(
            "learning-records/erase/<int:user_id>/",
            EraseLearnerConfirmView.as_view(),
            name="erase_learner_confirm",
        ),
    ]


class EraseLearnerMenuItem(MenuItem):
    def is_shown(self, request):
        return may_erase_learners(request.user)


@hooks.register("register_settings_menu_item")
def erase_learner_menu_item():
    return EraseLearnerMenuItem(
        _("Erase learning records"), reverse("erase_learner"), icon_name="bin", order=610
    )


@hooks.register("register_user_listing_buttons")
def erase_learner_user_button(user, request_user):
    if not may_erase_learners(request_user):
        return []
    return [
        Button(
            _("Erase learning records identity"),
            reverse("erase_learner_confirm", kwargs={"user_id": user.pk}),
            icon_name="bin",
            priority=90,
        )
    ]
