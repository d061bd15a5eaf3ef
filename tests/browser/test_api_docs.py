"""The Content API's documentation page (/api/v1/docs/) in a real browser, under the site's
strict Content Security Policy: Swagger UI, served from static/, loads the schema and shows
every operation, and the console reports no policy violation."""

import pytest
from django.urls import reverse

from .conftest import DESKTOP, set_viewport
from .test_writing_screen import csp_violations, wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def operations(browser):
    """(method, path) of each operation Swagger UI shows."""
    return browser.execute_script(
        """return [...document.querySelectorAll('.opblock')].map(block => [
            block.querySelector('.opblock-summary-method').textContent.trim(),
            block.querySelector('.opblock-summary-path').getAttribute('data-path')])"""
    )


def test_swagger_ui_shows_every_operation_with_no_policy_violation(browser, live_server, client):
    schema = client.get(reverse("api:schema") + "?format=json").json()
    expected = sorted(
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    )
    assert len(expected) >= 10
    set_viewport(browser, DESKTOP)
    browser.get("about:blank")
    csp_violations(browser)  # forget what earlier pages reported

    browser.get(live_server.url + reverse("api:docs"))
    wait(browser, lambda b: len(operations(b)) == len(expected))
    assert sorted(map(tuple, operations(browser))) == expected
    assert browser.execute_script("return document.querySelector('.info .title').textContent").startswith(
        "HKAI Content API"
    )
    # The policy is the site's for scripts and styles; only its icons (data: images) are let in.
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in client.get(reverse("api:docs"))["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["img-src"].split() == ["'self'", "data:"]

    # Opening an operation and trying it out sends the request from the page (connect-src 'self').
    browser.execute_script("document.querySelector('.opblock-summary-control').click()")
    wait(browser, lambda b: b.execute_script("return !!document.querySelector('.try-out__btn')"))
    browser.execute_script("document.querySelector('.try-out__btn').click()")
    wait(browser, lambda b: b.execute_script("return !!document.querySelector('.execute')"))
    browser.execute_script("document.querySelector('.execute').click()")
    answered = "return document.querySelector('.live-responses-table tbody .response-col_status')"
    wait(browser, lambda b: b.execute_script(answered))
    assert browser.execute_script(answered + ".textContent.trim()") == "200"
    assert csp_violations(browser) == []
