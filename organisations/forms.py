"""Forms for the organisation: a person's own details, and deciding others' corrections."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.models import Department, JobRole


class OwnDetailsForm(forms.Form):
    first_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your given name")},
    )
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("Not set"),
        error_messages={"invalid_choice": _("Select a department from the list")},
    )
    job_role = forms.ModelChoiceField(
        label=_("Job role"),
        queryset=JobRole.objects.order_by("name"),
        required=False,
        empty_label=_("Not set"),
        error_messages={"invalid_choice": _("Select a job role from the list")},
    )
    reason = forms.CharField(
        label=_("Why should your department or job role change? (optional)"),
        help_text=_("For example: moved to this team on 1 March."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MembershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("reject", _("Do not approve"))],
        error_messages={"required": _("Choose whether to approve the correction")},
    )


class FirstStepsForm(forms.Form):
    """A new person's department and job role, chosen by code from the organisation's lists."""

    department = forms.ModelChoiceField(
        label=_("Your department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose your department"),
        error_messages={"invalid_choice": _("Select your department from the list")},
    )
    job_role = forms.ModelChoiceField(
        label=_("Your job role"),
        queryset=JobRole.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose your job role"),
        error_messages={"invalid_choice": _("Select your job role from the list")},
    )

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("department") is None and data.get("job_role") is None:
            self.add_error(
                "department",
                gettext("Select your department or your job role, or skip this question"),
            )
        return data
