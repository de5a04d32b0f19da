"""An accessibility check for the browser tests: axe-core (vendored, e2e/vendor) run in the page."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it stands, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def assert_accessible(page) -> None:
    found = serious_violations(page)
    assert not found, f"{page.url}:\n" + "\n".join(found)


def assert_fits(page, width: int) -> None:
    """Nothing pushes the page wider than the screen (tables scroll inside their box)."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"
