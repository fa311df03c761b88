"""Sign-in addresses that answer before allauth's own (included under /accounts/)."""

from django.urls import path

from identity import views

urlpatterns = [
    # Same address as allauth's openid_connect_callback, which the redirect URI is built from.
    path(
        "oidc/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="identity_oidc_callback",
    ),
]
