"""The custom User (email is the login) and the site-wide security policy."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from accounts.roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class FirstSteps(models.TextChoices):
    """Whether a person is asked for their department and job role after their first sign-in.

    Accounts made by sign-up or by a first sign-in through an identity provider are `DUE`;
    accounts made by an administrator, the HR roster or SCIM are never asked."""

    NOT_ASKED = "", _("Not asked")
    DUE = "due", _("To be asked at sign-in")
    ANSWERED = "answered", _("Answered")
    SKIPPED = "skipped", _("Skipped")


class User(AbstractUser):
    """A person with an account. Signs in with their email address; has no username."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("given name"), max_length=150)
    last_name = models.CharField(_("family name"), max_length=150, blank=True)
    first_steps = models.CharField(
        "department and job role question",
        max_length=10,
        choices=FirstSteps.choices,
        default=FirstSteps.NOT_ASKED,
        blank=True,
    )

    # The language the person chose to read the service in; blank until they choose, when
    # their browser's preference stands in (lms.languages).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        # Closed accounts are few; reports count them on every view to notice a closure.
        indexes = [
            models.Index(fields=["id"], condition=models.Q(is_active=False), name="user_inactive")
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


@register_setting(icon="lock")
class SecurityPolicy(BaseGenericSetting):
    """Which roles must use a second factor. Enforced on every request by RequireMfaMiddleware."""

    require_mfa_for_administrators = models.BooleanField(
        _("Administrators must use two-factor authentication"), default=True
    )
    require_mfa_for_cto_office = models.BooleanField(
        _("CTO office must use two-factor authentication"), default=False
    )
    require_mfa_for_department_leads = models.BooleanField(
        _("Department leads must use two-factor authentication"), default=False
    )
    require_mfa_for_training_leads = models.BooleanField(
        _("Training leads must use two-factor authentication"), default=False
    )

    panels = [
        HelpPanel(
            content=_(
                "<p>People in a role ticked here are sent to set up an authenticator app "
                "before they can use anything else. Learners can always choose to use one.</p>"
            )
        ),
        FieldPanel("require_mfa_for_administrators"),
        FieldPanel("require_mfa_for_cto_office"),
        FieldPanel("require_mfa_for_department_leads"),
        FieldPanel("require_mfa_for_training_leads"),
    ]

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def roles_requiring_mfa(self) -> set[str]:
        flags = {
            Role.ADMINISTRATOR: self.require_mfa_for_administrators,
            Role.CTO_OFFICE: self.require_mfa_for_cto_office,
            Role.DEPARTMENT_LEAD: self.require_mfa_for_department_leads,
            Role.TRAINING_LEAD: self.require_mfa_for_training_leads,
        }
        return {str(role) for role, required in flags.items() if required}
