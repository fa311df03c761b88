"""How a share is written for people to read: one rule for every page, chart and file that shows
a percentage (the authors' course reports here, the skills reports over them).

A share is rounded to a whole percentage, half up, except where rounding would say something
untrue: a share above 0 never reads "0%" (it is "fewer than 1%"), and a share below 100 never
reads "100%" (it is "more than 99%"). Exactly 0 and exactly 100 read "0%" and "100%".
"""

from decimal import ROUND_HALF_UP, Decimal

FEWER_THAN_ONE = "fewer than 1%"
MORE_THAN_99 = "more than 99%"
# The same two, where a chart cell has room for a few characters only.
COMPACT = {FEWER_THAN_ONE: "<1%", MORE_THAN_99: ">99%"}


def whole_percent(value: float) -> int:
    """`value` rounded to a whole number, half up (2.5 is 3, as people round)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_text(value: float | None, *, compact: bool = False) -> str:
    """A percentage as people should read it: "0%", "fewer than 1%", "37%", "more than 99%",
    "100%"; "" when there is no figure. `compact` writes "<1%" and ">99%" instead."""
    if value is None:
        return ""
    rounded = whole_percent(value)
    if value > 0 and rounded == 0:
        text = FEWER_THAN_ONE
    elif value < 100 and rounded == 100:
        text = MORE_THAN_99
    else:
        return f"{rounded}%"
    return COMPACT[text] if compact else text


def share_of(part: int | None, whole: int | None) -> str:
    """`part` as a share of `whole` with the counts beside it: "fewer than 1% (1 of 376)";
    "" when either is missing or there is nothing to divide by."""
    if part is None or not whole:
        return ""
    return f"{share_text(100 * part / whole)} ({part} of {whole})"
