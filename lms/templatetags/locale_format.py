"""Numbers as each language writes them: `percent` (45 %, 45%, ٪45 follow the catalogue's
pattern), and `number` with the locale's decimal and thousands separators.

Arabic pages keep Western digits (see docs/translation-glossary.md); only the separators and
the place of the percent sign change.
"""

from django import template
from django.utils import formats
from django.utils.translation import gettext

register = template.Library()


@register.filter
def number(value, decimals: int | None = None) -> str:
    """`value` with the active language's separators (1,234.5 / 1 234,5 / 1.234,5)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def percent(value, decimals: int = 0) -> str:
    """`value` (already a percentage, 0 to 100) followed by the percent sign as the active
    language places it."""
    if value is None or value == "":
        return ""
    # Translators: a percentage; %(number)s is the figure. French puts a no-break space
    # before the sign.
    return gettext("%(number)s%%") % {"number": number(value, decimals)}
