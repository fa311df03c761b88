"""Number formats for the report pages: one rule for how a figure is written everywhere."""

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A whole percentage ("71%"); empty when there is no figure."""
    return "" if value is None else f"{value:.0f}%"


@register.filter
def decimal(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{int(places)}f}"


@register.filter
def level_text(level: int | None, names: dict | None = None) -> str:
    """A level with its name ("2 Working"); "Not known" when there is none, never 0."""
    if level is None:
        return "Not known"
    name = (names or {}).get(level, "")
    return f"{level} {name}".strip()
