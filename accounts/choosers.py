"""A chooser for people in the CMS: other apps use its widget to pick a user."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from accounts.models import User


class PersonFilterForm(BaseFilterForm):
    # A plain database match: people are too many and change too often for a search index.
    q = forms.CharField(label=_("Name or email"), required=False)

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(
                Q(email__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
        return objects


class PersonChooseView(ChooseView):
    filter_form_class = PersonFilterForm


class PersonChooseResultsView(ChooseResultsView):
    filter_form_class = PersonFilterForm


class PersonChooserViewSet(ChooserViewSet):
    model = User
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    edit_item_text = _("Edit person")
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView


person_chooser_viewset = PersonChooserViewSet("person_chooser")
