"""Helpers of the browser tests: every page a test looks at is checked with axe-core.

    visit(page, "/institutions/")         load a page (relative to the live server) and check it
    follow(page, page.get_by_role(...))   click a link or submit button, wait for the next page, check it
    check_a11y(page)                      check the page as it is now (after a script changed it)
    sign_in(page, username, password)     through the sign-in page, as a person would

A violation of impact "serious" or "critical" fails the test; the report names the rule, the elements
and how to fix them. axe-core is vendored in vendor/ (assets/build.sh; MPL-2.0, see its licence there).
"""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

# Rules of WCAG 2.0/2.1/2.2 A and AA plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def format_violations(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"        {summary[:300]}")
    return "\n".join(lines)


def check_a11y(page) -> list[dict]:
    """Run axe-core on the page; fail on serious or critical violations. Returns all violations found."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)
    failing = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
    if failing:
        report = format_violations(failing)
        print(f"axe-core on {page.url}:\n{report}")
        pytest.fail(f"{len(failing)} serious or critical accessibility violation(s) on {page.url}:\n{report}",
                     pytrace=False)
    minor = [v for v in violations if v not in failing]
    if minor:
        print(f"axe-core on {page.url} (not failing):\n{format_violations(minor)}")
    return violations


def visit(page, url: str, *, status: int = 200):
    """Load `url`, expect the HTTP status, and check the page's accessibility."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == status, f"{url}: HTTP {response.status}, expected {status}"
    check_a11y(page)
    return response


def follow(page, locator, *, status: int = 200):
    """Click a link or submit button that leads to another page; check that page."""
    with page.expect_navigation() as navigation:
        locator.click()
    response = navigation.value
    assert response is not None and response.status == status, (
        f"{page.url}: HTTP {response.status if response else None}, expected {status}")
    check_a11y(page)
    return response


def sign_in(page, username: str, password: str):
    """Sign in through the sign-in page; lands on the page the form redirects to (the home page)."""
    visit(page, "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    return follow(page, page.locator("main").get_by_role("button"))
