"""The Swagger UI page really runs in Chromium under our strict CSP, with nothing from a CDN."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_under_csp(live_server, browser_page, settings):
    settings.DANGBO_API_DOCS_PUBLIC = True  # the page for everyone (else a session or a key)
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else problems.append(r.url),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .info .title", timeout=15_000)
    assert "dangbo API" in page.inner_text("#swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/orgs/", timeout=15_000)
    assert not [p for p in problems if "Content Security Policy" in p or "http" in p], problems
