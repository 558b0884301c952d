"""The harness itself: check_a11y must fail on an inaccessible page, and pass a clean one."""

import pytest

from tests.browser.helpers import check_a11y


def test_check_a11y_fails_on_serious_violations(browser):
    page = browser.new_page()
    try:
        page.set_content('<html><head><title>t</title></head><body><main><h1>x</h1>'
                         '<img src="data:,"><a href="/"></a>'
                         '<p style="color:#aaa;background:#fff">faint text</p></main></body></html>')
        with pytest.raises(pytest.fail.Exception) as failure:
            check_a11y(page)
        message = str(failure.value)
        for rule in ("image-alt", "link-name", "color-contrast", "html-has-lang"):
            assert rule in message, rule
    finally:
        page.close()


def test_check_a11y_passes_a_clean_page(browser):
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>Fine</h1>'
                         '<p>Readable text.</p></main></body></html>')
        violations = check_a11y(page)
        assert not [v for v in violations if v["impact"] in ("serious", "critical")]
    finally:
        page.close()
