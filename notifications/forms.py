"""The preferences form: what a person chooses to be emailed."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferencesForm(forms.Form):
    optional_reminders = forms.BooleanField(
        label=_("Reminders about optional training assigned to you"),
        required=False,
        help_text=_("Reminders about mandatory training are always sent."),
    )
    manager_digest = forms.BooleanField(
        label=_("A weekly summary of your team's overdue mandatory training"),
        required=False,
        help_text=_("Only sent to line managers, on weeks when someone in their team is overdue."),
    )
