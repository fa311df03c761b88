"""Forms for the organisation: a person's own details, and deciding others' corrections."""

from django import forms

from organisations.models import Department, JobRole


class OwnDetailsForm(forms.Form):
    first_name = forms.CharField(
        label="Given name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your given name"},
    )
    last_name = forms.CharField(
        label="Family name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    department = forms.ModelChoiceField(
        label="Department",
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="Not set",
        error_messages={"invalid_choice": "Select a department from the list"},
    )
    job_role = forms.ModelChoiceField(
        label="Job role",
        queryset=JobRole.objects.order_by("name"),
        required=False,
        empty_label="Not set",
        error_messages={"invalid_choice": "Select a job role from the list"},
    )
    reason = forms.CharField(
        label="Why should your department or job role change? (optional)",
        help_text="For example: moved to this team on 1 March.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MembershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve"), ("reject", "Do not approve")],
        error_messages={"required": "Choose whether to approve the correction"},
    )
