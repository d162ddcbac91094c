"""How the load test talks to the provider portal: sign in, save a draft section, submit.

Matched to the merged portal (commissioning/urls.py, commissioning/views/portal_applications.py): the
"Your project" section is saved with "Save and come back later" and the application submitted from
``portal:submit``. This is the only file that should need changing if the portal's names change;
``loadtest.django_side check`` reverses every URL name here and fails loudly if one does not exist.
"""

import re

SIGN_IN_URL_NAME = "portal:login"
SIGN_IN_FIELDS = {"email": "username", "password": "password"}

# Reversed with the application's primary key (and the section key for saving).
SAVE_SECTION_URL_NAME = "portal:section"
SAVE_SECTION_SLUG = "project"
SUBMIT_URL_NAME = "portal:submit"


def save_fields(save_number: int, provider_number: int) -> dict:
    """Every field of the project section (the form saves what it is sent, so a field left out would be
    blanked and the draft would no longer be complete enough to submit); the title changes on each save."""
    return {
        "project_title": f"Load test project {provider_number} save {save_number}",
        "summary": f"Summary written on save {save_number}.",
        "need_and_evidence": "Local need shown by referral figures.",
        "delivery_plan": "Weekly group sessions and one-to-one support.",
        "beneficiaries": "Women and girls in the borough.",
        "beneficiary_count": "50",
        "safeguarding_approach": "A named safeguarding lead and annual training.",
        "action": "later",  # "Save and come back later"
    }


SAVED_FIELD = "project_title"  # checked against the database: no draft lost


def save_acknowledged(response) -> bool:
    """Did the portal tell the provider the draft was saved? (Redirects are followed to the task list, which
    shows the confirmation.) A page showing the GOV.UK error summary did not save."""
    return (
        response.ok and "govuk-error-summary" not in response.text and "Your answers have been saved" in response.text
    )


SUBMIT_FIELDS = {}  # the submit page's button posts nothing but the CSRF token

# What the portal says when a submission arrives after the call has closed (a substring of the page).
DEADLINE_MESSAGE = "This call closed"
# An acknowledged submission shows its reference (<call reference>-NNN) on the confirmation page.
REFERENCE_PATTERN = re.compile(r"LOAD-\d{4}-\d{2}-\d{3}")

REQUIRED_URL_NAMES = [SIGN_IN_URL_NAME, SAVE_SECTION_URL_NAME, SUBMIT_URL_NAME]


def url_args(url_name, application_pk):
    if url_name == SAVE_SECTION_URL_NAME:
        return [application_pk, SAVE_SECTION_SLUG]
    if url_name == SUBMIT_URL_NAME:
        return [application_pk]
    return []
