"""SCIM 2.0 under /scim/v2/. Clients write paths with and without a trailing slash."""

from django.urls import re_path

from provisioning import views

urlpatterns = [
    re_path(r"^ServiceProviderConfig/?$", views.service_provider_config_view),
    re_path(r"^ResourceTypes/?$", views.resource_types_view),
    re_path(r"^ResourceTypes/(?P<name>[^/]+)/?$", views.resource_types_view),
    re_path(r"^Schemas/?$", views.schemas_view),
    re_path(r"^Schemas/(?P<schema_id>[^/]+)/?$", views.schemas_view),
    re_path(r"^Users/?$", views.users_view, name="scim_users"),
    re_path(r"^Users/\.search/?$", views.users_search_view),
    re_path(r"^Users/(?P<scim_id>[^/]+)/?$", views.user_view, name="scim_user"),
    re_path(r"^Groups/?$", views.groups_view, name="scim_groups"),
    re_path(r"^Groups/\.search/?$", views.groups_search_view),
    re_path(r"^Groups/(?P<scim_id>[^/]+)/?$", views.group_view, name="scim_group"),
    re_path(r"^\.search/?$", views.root_search_view),
    re_path(r"^(?P<path>.*)$", views.unknown_view),
]
