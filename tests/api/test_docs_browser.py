"""The Swagger UI page really runs in Chromium under our strict CSP, with nothing from a CDN."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_under_csp(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = os.environ.get("DANGBO_CHROMIUM", "/usr/bin/chromium")
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type == "error" else None,
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith(live_server.url) else problems.append(r.url),
        )
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector("#swagger-ui .info .title", timeout=15_000)
        assert "dangbo API" in page.inner_text("#swagger-ui .info .title")
        page.wait_for_selector("text=/api/v1/orgs/", timeout=15_000)
        browser.close()
    assert not [p for p in problems if "Content Security Policy" in p or "http" in p], problems
