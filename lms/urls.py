"""Root URLs: the site's own pages, allauth, the CMS, and Wagtail's page tree last."""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # Single sign-on's checked callbacks first, so they answer instead of allauth's.
    path("accounts/", include("identity.urls")),
    path("accounts/", include("allauth.urls")),
    # The CMS signs people in through allauth's login, where MFA and rate limits apply.
    path(
        "cms/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="cms_login",
    ),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("xapi/", include("xapi.urls")),
    # Answers only on the content origin (packages.middleware), where package files are served.
    path("package-content/cmi5/", include("cmi5.content_urls")),
    path("package-content/scorm/", include("scorm.urls")),
    path("package-content/", include("packages.urls")),
    path("cmi5/", include("cmi5.urls")),
    path("scim/v2/", include("provisioning.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("organisations.urls")),
    path("", include("competencies.urls")),
    path("", include("courses.urls")),
    path("", include("analytics.urls")),
    path("", include("assignments.urls")),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility_statement.html"),
        name="accessibility_statement",
    ),
    path(
        "privacy/",
        TemplateView.as_view(template_name="pages/privacy_notice.html"),
        name="privacy_notice",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree answers everything not matched above, so it stays last.
urlpatterns.append(path("", include(wagtail_urls)))
