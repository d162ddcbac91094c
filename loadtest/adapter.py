"""How the load test talks to the provider portal: sign in, save a draft section, submit.

The portal's application pages are built on another branch; after merging, adjust the URL names, form
field names and the messages below to match them (this is the only file that should need changing).
``loadtest.seed --check`` reverses every URL name here and fails loudly if one does not exist.
"""

import re

SIGN_IN_URL_NAME = "portal:login"
SIGN_IN_FIELDS = {"email": "username", "password": "password"}

# Reversed with the application's primary key (and the section slug for saving).
SAVE_SECTION_URL_NAME = "portal:application_section"
SAVE_SECTION_SLUG = "project"
SUBMIT_URL_NAME = "portal:application_submit"

# The fields the load test writes on each save: the last value saved must be in the database afterwards.
def save_fields(save_number: int, provider_number: int) -> dict:
    return {
        "project_title": f"Load test project {provider_number} save {save_number}",
        "summary": f"Summary written on save {save_number}.",
    }


SAVED_FIELD = "project_title"  # checked against the database: no draft lost


def save_acknowledged(response) -> bool:
    """Did the portal tell the provider the draft was saved? (Redirects are followed.) A page showing the
    GOV.UK error summary did not save."""
    return response.ok and "govuk-error-summary" not in response.text
SUBMIT_FIELDS = {"confirm": "yes"}

# What the portal says when a submission arrives after the call has closed (a substring of the page).
DEADLINE_MESSAGE = "This call closed"
# An acknowledged submission shows its reference; the pattern finds it in the response page.
REFERENCE_PATTERN = re.compile(r"LOAD-\d{4}-\d{2}-\d{3}")

REQUIRED_URL_NAMES = [SIGN_IN_URL_NAME, SAVE_SECTION_URL_NAME, SUBMIT_URL_NAME]


def url_args(url_name, application_pk):
    if url_name == SAVE_SECTION_URL_NAME:
        return [application_pk, SAVE_SECTION_SLUG]
    if url_name == SUBMIT_URL_NAME:
        return [application_pk]
    return []
