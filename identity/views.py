"""Sign-in views that stand in for allauth's where the provider's answer needs a harder check."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django.http import Http404, HttpRequest, HttpResponse

from identity.oidc import SignatureCheckedOIDCAdapter


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's OpenID Connect callback, with the ID token's signature always checked."""
    try:
        view = OAuth2CallbackView.adapter_view(SignatureCheckedOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404("No identity provider signs in at this address.") from None
