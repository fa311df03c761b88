"""Template context every page needs: the service's name and the navigation for the viewer."""

from django.conf import settings
from django.http import HttpRequest

from lms.navigation import account_navigation_for, navigation_for


def service(request: HttpRequest) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "navigation": navigation_for(request),
        "account_navigation": account_navigation_for(request),
    }
