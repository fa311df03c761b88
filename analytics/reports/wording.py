"""Shares and counts written in the reader's language.

English keeps the service's own wording ("fewer than 1%", "7 of 10"), written by
courses.figures; other languages take the catalogue's words and the locale's number format
(45 %, 45%, ٪45), with the same rounding rule: a share above 0 never reads 0, a share below 100
never reads 100.
"""

from django.utils.translation import get_language, gettext

from courses.figures import share_of as english_share_of
from courses.figures import share_text as english_share_text
from courses.figures import whole_percent
from lms.templatetags.locale_format import number, percent


def in_english() -> bool:
    return (get_language() or "en").lower().startswith("en")


def is_rtl() -> bool:
    return (get_language() or "en").lower().split("-")[0] in {"ar", "he", "fa", "ur"}


def share_text(value: float | None, *, compact: bool = False) -> str:
    """`value` (a percentage) as the reader's language writes a share; "" without a figure."""
    if in_english():
        return english_share_text(value, compact=compact)
    if value is None:
        return ""
    rounded = whole_percent(value)
    if value > 0 and rounded == 0:
        if compact:
            return "<" + percent(1)
        # Translators: a share that rounds to 0 but is not 0; %(share)s is "1%".
        return gettext("fewer than %(share)s") % {"share": percent(1)}
    if value < 100 and rounded == 100:
        if compact:
            return ">" + percent(99)
        # Translators: a share that rounds to 100 but is not 100; %(share)s is "99%".
        return gettext("more than %(share)s") % {"share": percent(99)}
    return percent(rounded)


def share_of(part: int | None, whole: int | None) -> str:
    """`part` as a share of `whole` with the counts: "fewer than 1% (1 of 376)"."""
    if in_english():
        return english_share_of(part, whole)
    if part is None or not whole:
        return ""
    # Translators: a share with its counts, e.g. "12% (45 of 376)".
    return gettext("%(share)s (%(part)s of %(whole)s)") % {
        "share": share_text(100 * part / whole),
        "part": number(part),
        "whole": number(whole),
    }


def decimal_text(value: float | None, places: int = 1) -> str:
    """A figure with `places` decimals, in the locale's separators ("1.25", "1,25")."""
    if value is None:
        return ""
    if in_english():
        return f"{value:.{int(places)}f}"
    return number(round(float(value), int(places)), int(places))


def count_text(value) -> str:
    """A whole count in the locale's separators; English keeps it as it was written."""
    if value is None or value == "":
        return ""
    if in_english():
        return str(value)
    return number(value)
