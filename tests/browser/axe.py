"""axe-core in the page: WCAG 2.2 A and AA rules, and a reflow check at narrow widths."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    """Violations as (rule id, help, offending HTML) summaries, empty when the page passes."""
    # Only violations are read: asking for no more spares axe detailing every passed check.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    return [
        {
            "rule": violation["id"],
            "help": violation["help"],
            "nodes": [node["html"][:200] for node in violation["nodes"][:5]],
        }
        for violation in results.response["violations"]
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
