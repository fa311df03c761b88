"""axe-core in the page: WCAG 2.2 A and AA rules, and a reflow check at narrow widths."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Every browser context the tests open loads axe-core into each page as it opens (an init
# script), so a check sends only its options, not axe-core's half a megabyte each time.
AXE_SOURCE = Axe().axe_script
# Only violations are read: asking for no more spares axe detailing every passed check, and
# without CSS selectors for what it reports (the summaries quote the HTML) it spares working
# out a unique selector for each node. Every rule still runs, on the page's own document: the
# frames a page holds (a course package's content) are not the service's pages, and axe-core
# is not asked to wait for them.
OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
    "selectors": False,
    "iframes": False,
}
RUN = (
    "options => window.axe ? axe.run(document, options).then(results => results.violations) : null"
)


def axe_violations(page) -> list[dict]:
    """Violations as (rule id, help, offending HTML) summaries, empty when the page passes."""
    # Only the violations come back over the wire, not the rules that passed or did not apply.
    violations = page.evaluate(RUN, OPTIONS)
    if violations is None:  # a page opened without the init script
        page.evaluate(AXE_SOURCE)
        violations = page.evaluate(RUN, OPTIONS)
    return [
        {
            "rule": violation["id"],
            "help": violation["help"],
            "nodes": [node["html"][:200] for node in violation["nodes"][:5]],
        }
        for violation in violations
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
