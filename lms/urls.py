"""Root URLs: the site's own pages, allauth, the CMS, and Wagtail's page tree last.

Pages people read come in every language, English at the addresses it always had and the
others under their code (/fr/...); machine interfaces (the LRS, SCIM, package content, cmi5's
launch endpoints, the single sign-on callbacks registered with identity providers) and the CMS
(whose language is each editor's own setting) keep one address."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.languages import language_set

urlpatterns = [
    # Single sign-on's checked callbacks first, so they answer instead of allauth's.
    path("accounts/", include("identity.urls")),
    path("language/", language_set, name="language_set"),
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
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
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
    path("notifications/", include("notifications.urls")),
    # Wagtail's page tree answers everything not matched above, so it stays last.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
