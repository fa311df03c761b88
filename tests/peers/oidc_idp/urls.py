"""The test provider's addresses: OpenID Connect at the root, its own sign-in under /accounts/."""

from django.urls import include, path

urlpatterns = [
    path("", include("allauth.idp.urls")),
    path("accounts/", include("allauth.urls")),
]
