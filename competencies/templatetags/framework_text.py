"""`{{ competency|in_language:"title" }}`: framework text in the reader's language, else the
framework's own."""

from django import template

from competencies.translation import text_in

register = template.Library()


@register.filter
def in_language(row, field: str) -> str:
    if row is None or row == "":
        return ""
    return text_in(row, field)
