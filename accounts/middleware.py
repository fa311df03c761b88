"""Request guards: MFA for the roles that require it, and a plain 403 for the CMS."""

from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import SecurityPolicy
from accounts.selectors import user_role_names

CMS_PREFIX = "/cms/"

# Set for a session whose sign-in the organisation's identity provider says used a second
# factor (its amr or acr); that satisfies the MFA policy as allauth's own MFA would.
MFA_BY_IDENTITY_PROVIDER_SESSION_KEY = "accounts.mfa_by_identity_provider"

# Paths a person must still reach while they have no second factor.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/email/",
    "/accessibility/",
    "/privacy/",
    "/static/",
)


def _without_language(path: str) -> str:
    """`path` without the language code pages other than English start with (/fr/...)."""
    code = translation.get_language_from_path(path)
    return path[len(code) + 1 :] if code and path.startswith(f"/{code}/") else path


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_mfa(request):
            return redirect(f"{reverse('mfa_activate_totp')}?required=1")
        return self.get_response(request)

    def _must_set_up_mfa(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or _without_language(request.path).startswith(
            ALLOWED_PREFIXES
        ):
            return False
        required = SecurityPolicy.load(request_or_site=request).roles_requiring_mfa()
        if not required or required.isdisjoint(user_role_names(user)):
            return False
        if request.session.get(MFA_BY_IDENTITY_PROVIDER_SESSION_KEY):
            return False
        return not is_mfa_enabled(user)


class CmsAccessMiddleware:
    """Signed-in people without CMS access get a 403, not Wagtail's redirect to a login page
    they are already past."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(CMS_PREFIX)
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied(_("Your role does not include the content management system."))
        return self.get_response(request)
