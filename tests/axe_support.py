"""axe-core (vendored under ``tests/vendor/axe-core``) run on the page a browser test shows:
the serious and critical violations of WCAG 2.1 A/AA and axe's best practices."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# EventCalendar 5.10's resource timeline marks its rows role="row" and "rowheader" in an order
# ARIA does not allow (the vendored file is kept unchanged): these two rules are waived inside
# the component only, and anywhere else they still fail the test.
VENDOR_WAIVED = {".ec": ["aria-required-children", "aria-required-parent"]}
RUN = """(waived) => axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
}).then(result => result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({...v, nodes: v.nodes.filter(n => !Object.entries(waived).some(
        ([inside, rules]) => rules.includes(v.id)
            && document.querySelector(n.target[0])?.closest(inside)))}))
    .filter(v => v.nodes.length > 0)
    .map(v => v.id + ": " + v.help + " @ " + v.nodes.slice(0, 3)
        .map(n => n.target.join(" ")).join(", ")))"""


@cache
def axe_source() -> str:
    """The axe-core script."""
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[str]:
    """The page's serious and critical accessibility violations, one line each.

    The script is evaluated through the browser's debugging protocol, which the page's
    Content Security Policy does not govern: no inline script is added to the page.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;undefined")
    found: list[str] = page.evaluate(RUN, VENDOR_WAIVED)
    return found
