"""Template context every page needs: the service's name, the navigation for the viewer and
the languages they can switch to."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from lms.languages import html_tag, language_choices
from lms.navigation import account_navigation_for, home_url, navigation_for


def service(request: HttpRequest) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "home_url": home_url(),
        "navigation": navigation_for(request),
        "account_navigation": account_navigation_for(request),
        "html_lang": html_tag(translation.get_language() or settings.LANGUAGE_CODE),
        "language_choices": language_choices(),
    }
