"""The preferences form: what a person chooses to be emailed."""

from django import forms


class PreferencesForm(forms.Form):
    optional_reminders = forms.BooleanField(
        label="Reminders about optional training assigned to you",
        required=False,
        help_text="Reminders about mandatory training are always sent.",
    )
    manager_digest = forms.BooleanField(
        label="A weekly summary of your team's overdue mandatory training",
        required=False,
        help_text="Only sent to line managers, on weeks when someone in their team is overdue.",
    )
