"""Which language a person reads the service in, and how they change it.

The address says the language: English pages keep the addresses they always had, the others
start with their code (/fr/, /es/, /ar/). An address without a code is a first guess, so a
person who prefers another language is sent to it: their profile's choice first, then the one
they made before signing in (a cookie), then their browser's preference. An address with a code
is always served in that language, so a link shared in French opens in French.

Changing language is a form (it works without JavaScript); the choice goes into the profile of
a signed-in person and into a cookie for everyone, and the person lands on the page they were
reading, in the new language.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str
    # The code as HTML's lang attribute writes it (en-GB rather than en-gb).
    tag: str
    bidi: bool


def html_tag(code: str) -> str:
    """`code` as a BCP 47 tag: the region upper case (en-gb → en-GB)."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def language_choices() -> list[LanguageChoice]:
    return [
        LanguageChoice(code, name, html_tag(code), translation.get_language_info(code)["bidi"])
        for code, name in settings.LANGUAGES
    ]


def is_supported(code: str | None) -> bool:
    return bool(code) and code in dict(settings.LANGUAGES)


def path_in_language(path: str, code: str) -> str:
    """The address of the page at `path` (with or without a language code) in `code`; `path`
    itself when it names no page of the site that has languages (the LRS, the CMS)."""
    current = translation.get_language_from_path(path)
    if current and current != settings.LANGUAGE_CODE:
        path = path[len(current) + 1 :] or "/"
    # translate_url reads the address in the active language; unprefixed is the default's.
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(path, code)


def preferred_language(request: HttpRequest) -> str:
    """The person's language when the address does not say one."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and is_supported(user.language):
        return user.language
    return translation.get_language_from_request(request, check_path=False)


class PreferredLanguageMiddleware:
    """Sends a person reading an address without a language code to their own language's
    address of the same page (after LocaleMiddleware and AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS and not translation.get_language_from_path(
            request.path_info
        ):
            preferred = preferred_language(request)
            if preferred != settings.LANGUAGE_CODE:
                here = request.get_full_path()
                there = path_in_language(here, preferred)
                if there != here:
                    response = HttpResponseRedirect(there)
                    patch_vary_headers(response, ("Cookie", "Accept-Language"))
                    return response
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switches the person to the language posted, and back to the page they were reading."""
    code = request.POST.get("language", "")
    if not is_supported(code):
        return HttpResponseBadRequest(
            _("There is no language “%(code)s”. Choose one of the languages offered.")
            % {"code": code[:20]},
            content_type="text/plain; charset=utf-8",
        )
    after = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        after, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        after = "/"
    response = HttpResponseRedirect(path_in_language(after, code))
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    _remember(response, code)
    return response


def _remember(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


@receiver(user_logged_in, dispatch_uid="lms.languages.keep_choice_made_before_signing_in")
def keep_choice_made_before_signing_in(sender, request, user, **kwargs) -> None:
    """A language chosen before signing in becomes the profile's, unless it has one; and a
    person who signed in at an address without a language code is told so in the profile's
    language, the one the next page is read in."""
    if request is None:
        return
    if not user.language:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if is_supported(chosen):
            user.language = chosen
            user.save(update_fields=["language"])
    if is_supported(user.language) and not translation.get_language_from_path(request.path_info):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
