import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_provider_can_sign_in_with_the_keyboard_only(page, provider):
    page.goto("/portal/sign-in/")
    assert_accessible(page)
    page.keyboard.press("Tab")  # the skip link comes first and is visible when focused
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.get_by_label("Email address").focus()
    page.keyboard.type(provider.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()


def test_wrong_password_shows_the_error_summary(page, provider):
    page.goto("/portal/sign-in/")
    page.get_by_label("Email address").fill(provider.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter the email address and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
