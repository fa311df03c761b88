"""The language an email is written in, as its HTML declares it."""

from django import template
from django.conf import settings
from django.utils import translation

from lms.languages import html_tag

register = template.Library()


@register.simple_tag
def email_lang() -> str:
    """The active language as HTML's lang attribute writes it (en-GB, fr, ar)."""
    return html_tag(translation.get_language() or settings.LANGUAGE_CODE)
