"""CMS forms for LRS clients, forwarding endpoints and outbox entries: secrets go in, never out."""

from datetime import datetime, time

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from xapi.models.clients import SCOPES, TRUSTED_EVIDENCE


class LrsClientForm(WagtailAdminModelForm):
    secret = forms.CharField(
        label=_("Secret"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        min_length=8,
        help_text=_(
            "The Basic-auth password, at least 8 characters. It is stored hashed and "
            "cannot be shown again."
        ),
    )
    scopes = forms.MultipleChoiceField(
        choices=SCOPES, widget=forms.CheckboxSelectMultiple, help_text="What this client may do."
    )
    trusted_evidence = forms.MultipleChoiceField(
        label=_("Trusted to send"),
        choices=TRUSTED_EVIDENCE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Evidence that claims authority counts in reports only from this platform and "
            "from clients trusted for it here. Statements of a kind not ticked are still stored, "
            "but are not evidence of anyone's level."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["secret"].required = True
        else:
            self.fields["secret"].help_text = gettext("Leave blank to keep the current secret.")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        # A colon would end the user name inside a Basic-auth header.
        if ":" in key:
            raise forms.ValidationError(gettext("The key cannot contain a colon."))
        return key

    def clean_trusted_evidence(self) -> list[str]:
        return sorted(self.cleaned_data["trusted_evidence"])

    def save(self, commit: bool = True):
        if self.cleaned_data.get("secret"):
            self.instance.set_secret(self.cleaned_data["secret"])
        return super().save(commit=commit)


BACKFILL_NONE, BACKFILL_WHILE_OFF, BACKFILL_SINCE = "none", "while_off", "since"


class ForwardingEndpointForm(WagtailAdminModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        help_text=_("Stored encrypted. Leave blank to keep the current password."),
    )
    # Shown only on an endpoint that is turned off: statements stored meanwhile were not
    # queued for it.
    backfill = forms.ChoiceField(
        label=_("If you turn this endpoint back on, which statements should it be sent?"),
        widget=forms.RadioSelect,
        required=False,
        initial=BACKFILL_NONE,
        help_text=_(
            "Statements stored while it was turned off were not sent to it. The default is "
            "to send only new ones: sending earlier statements can be a large load on the other "
            "LRS at once, and it may already hold them from somewhere else."
        ),
    )
    backfill_since = forms.DateField(
        label=_("Send statements stored on or after this date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only if you chose to send statements stored since a date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.was_enabled = self.instance.pk is None or self.instance.enabled
        self.disabled_at = self.instance.disabled_at  # save() clears it on turning back on
        if self.was_enabled:
            del self.fields["backfill"], self.fields["backfill_since"]
            return
        choices = [(BACKFILL_NONE, gettext("Only statements stored from now on"))]
        if self.disabled_at is not None:
            moment = timezone.localtime(self.disabled_at)
            off = gettext("%(date)s at %(time)s") % {
                "date": formats.date_format(moment, gettext("j F Y")),
                "time": formats.time_format(moment, "H:i"),
            }
            choices.append(
                (
                    BACKFILL_WHILE_OFF,
                    gettext("Also the statements stored while it was off (since %(off)s)")
                    % {"off": off},
                )
            )
        choices.append((BACKFILL_SINCE, gettext("Also the statements stored since a date")))
        self.fields["backfill"].choices = choices

    def clean(self):
        cleaned = super().clean()
        for name in ("batch_size", "timeout_seconds"):
            if cleaned.get(name) == 0:
                self.add_error(name, gettext("Enter 1 or more."))
        if cleaned.get("password") and not cleaned.get("username"):
            self.add_error("username", gettext("Enter the user name the password belongs to."))
        if cleaned.get("backfill") == BACKFILL_SINCE:
            since = cleaned.get("backfill_since")
            if since is None and "backfill_since" not in self.errors:
                self.add_error("backfill_since", gettext("Enter the date to send statements from."))
            elif since is not None and since > timezone.localdate():
                self.add_error("backfill_since", gettext("The date must be today or in the past."))
        if cleaned.get("backfill") not in (None, "", BACKFILL_NONE) and not cleaned.get("enabled"):
            self.add_error("backfill", gettext("Tick Enabled to send earlier statements."))
        return cleaned

    def backfill_from(self) -> datetime | None:
        """When the statements to queue on turning the endpoint back on start, if any."""
        if self.was_enabled or not self.cleaned_data.get("enabled"):
            return None
        choice = self.cleaned_data.get("backfill")
        if choice == BACKFILL_WHILE_OFF:
            return self.instance.disabled_at
        if choice == BACKFILL_SINCE:
            return timezone.make_aware(
                datetime.combine(self.cleaned_data["backfill_since"], time())
            )
        return None

    def save(self, commit: bool = True):
        if self.cleaned_data.get("password"):
            self.instance.set_password(self.cleaned_data["password"])
        if self.was_enabled and not self.instance.enabled:
            self.instance.disabled_at = timezone.now()
        elif self.instance.enabled:
            self.instance.disabled_at = None
        return super().save(commit=commit)


class OutboxEntryForm(WagtailAdminModelForm):
    requeue = forms.BooleanField(
        label=_("Send again"),
        required=False,
        help_text=_("Queue this statement again now, with a fresh count of refusals."),
    )

    def save(self, commit: bool = True):
        if self.cleaned_data.get("requeue") and self.instance.sent_at is None:
            self.instance.given_up_at = None
            self.instance.rejections = 0
            self.instance.next_attempt_at = timezone.now()
        return super().save(commit=commit)
