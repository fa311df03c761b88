"""Departments (a tree), job roles, and each person's place in the organisation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9-]{1,19}$",
    _("Use 2 to 20 capital letters, digits or hyphens, starting with a letter (for example FIN)."),
)


class DepartmentQuerySet(models.QuerySet):
    def with_headcount(self):
        return self.annotate(headcount=models.Count("memberships", distinct=True))


class Department(index.Indexed, models.Model):
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Leave empty for a top-level department."),
    )
    establishment = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Planned number of staff, used to show how much of the department is covered."),
    )

    objects = DepartmentQuerySet.as_manager()

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("parent"),
        FieldPanel("establishment"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("code"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "A department cannot sit inside itself."})
            ancestor = ancestor.parent


class JobRole(index.Indexed, models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    family = models.CharField(
        max_length=100, blank=True, help_text=_("The role family, as in the HR framework.")
    )
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("family"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipSource(models.TextChoices):
    """Who last set a person's place. Every one of them is an authority: a person's own word
    about themselves never changes it (see docs/decisions/0012-identity-and-membership.md)."""

    ADMINISTRATOR = "administrator", _("Administrator")
    ROSTER = "roster", _("HR roster")
    IDENTITY_PROVIDER = "identity_provider", _("Identity provider")
    SCIM = "scim", _("SCIM provisioning")
    APPROVED_REQUEST = "approved_request", _("Approved correction")


class Membership(models.Model):
    """Where a person works: their department, job role and line manager."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    job_role = models.ForeignKey(
        JobRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_memberships",
    )
    employee_number = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The person's number in the HR system; it links roster rows and SCIM records."),
    )
    leaving_date = models.DateField(
        null=True, blank=True, help_text=_("The last working day the HR roster has recorded.")
    )
    source = models.CharField(
        max_length=20, choices=MembershipSource.choices, default=MembershipSource.ADMINISTRATOR
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        # Reports key their cache on the latest change (organisations.selectors).
        indexes = [models.Index(fields=["updated_at"], name="membership_updated_at")]
        permissions = [
            ("view_own_department", "Can see their own department, aggregated"),
            ("view_all_departments", "Can see every department, aggregated"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.job_role or 'no role'}, {self.department or 'no department'}"

    def clean(self) -> None:
        if self.line_manager_id is None:
            return
        if self.line_manager_id == self.user_id:
            raise ValidationError({"line_manager": "A person cannot be their own line manager."})
        # Walk up the management chain: a manager who (indirectly) reports to this person
        # would make a loop that no report could ever be drawn from.
        seen, manager_id = {self.user_id}, self.line_manager_id
        while manager_id is not None:
            if manager_id in seen:
                raise ValidationError(
                    {"line_manager": _("This would make a loop of line managers.")}
                )
            seen.add(manager_id)
            manager_id = (
                Membership.objects.filter(user_id=manager_id)
                .values_list("line_manager_id", flat=True)
                .first()
            )


class DepartmentLead(models.Model):
    """The scope of a department lead: granted by an administrator, the HR roster or the
    identity provider, never taken from the department a person belongs to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="led_departments"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="leads")
    source = models.CharField(
        max_length=20, choices=MembershipSource.choices, default=MembershipSource.ADMINISTRATOR
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("user"), FieldPanel("department")]

    class Meta:
        ordering = ["department__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="one_lead_grant_per_pair")
        ]
        verbose_name = "department lead"

    def __str__(self) -> str:
        return f"{self.user} leads {self.department}"


class MembershipRequest(models.Model):
    """A person's own correction of their department or job role, waiting for an
    administrator or their line manager to approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    job_role = models.ForeignKey(
        JobRole, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_membership_requests",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_membership_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.department or 'no department'}, {self.job_role or 'no role'}"
