"""Browser smoke test: the admin login renders in bokmål and has no axe violations."""

from __future__ import annotations

import pytest

from tests.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_login_in_bokmaal_without_axe_violations(live_server, page):
    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_label("Brukernavn").is_visible()
    assert page.get_by_label("Passord").is_visible()
    assert page.get_by_role("button", name="Logg inn").is_visible()
    assert_no_axe_violations(page)
