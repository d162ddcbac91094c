import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commissioning.models import (
    Application,
    ApplicationStatus,
    Attachment,
    AuditEntry,
    BudgetLine,
    Indicator,
    ProposedOutcome,
    Theme,
)
from commissioning.services import applications as service
from tests import factories

from .conftest import PDF_BYTES, make_call

pytestmark = pytest.mark.django_db


def section_url(application, key):
    return reverse("portal:section", args=[application.pk, key])


# ---------------------------------------------------------------- starting


def test_start_application_from_open_call(client, provider, organisation, open_call):
    client.force_login(provider)
    response = client.post(reverse("portal:application_start", args=[open_call.pk]), {"organisation": organisation.pk})
    application = Application.objects.get(call=open_call, organisation=organisation)
    assert response.url == reverse("portal:application", args=[application.pk])
    assert application.status == ApplicationStatus.DRAFT and application.multiple_allowed is False
    assert AuditEntry.objects.filter(action="application.started", object_id=str(application.pk)).exists()


def test_start_refused_when_call_not_open(client, provider, organisation):
    closed = make_call(opens_at=timezone.now() - dt.timedelta(days=30), closes_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(provider)
    response = client.post(
        reverse("portal:application_start", args=[closed.pk]), {"organisation": organisation.pk}, follow=True
    )
    assert "This call is not open for applications." in response.content.decode()
    assert not Application.objects.filter(call=closed).exists()


def test_second_application_refused_unless_call_allows(client, provider, organisation, open_call, draft):
    client.force_login(provider)
    response = client.post(
        reverse("portal:application_start", args=[open_call.pk]), {"organisation": organisation.pk}, follow=True
    )
    assert "already has an application for this call" in response.content.decode()
    assert Application.objects.filter(call=open_call).count() == 1
    multiple = make_call(allow_multiple_applications=True)
    service.start_application(actor=provider, call=multiple, organisation=organisation)
    second = service.start_application(actor=provider, call=multiple, organisation=organisation)
    assert second.multiple_allowed and Application.objects.filter(call=multiple).count() == 2


def test_unconfirmed_email_cannot_start(organisation, open_call):
    user = factories.provider_user(organisation)
    with pytest.raises(Exception, match="Confirm your email"):
        service.start_application(actor=user, call=open_call, organisation=organisation)


def test_person_without_membership_cannot_start(client, open_call, organisation):
    user = factories.UserFactory(email_confirmed_at=timezone.now())
    client.force_login(user)
    response = client.post(reverse("portal:application_start", args=[open_call.pk]), {"organisation": organisation.pk})
    assert response.status_code == 403
    assert not Application.objects.exists()


# ---------------------------------------------------------------- task list


def test_task_list_shows_section_states(client, provider, draft):
    client.force_login(provider)
    content = client.get(reverse("portal:application", args=[draft.pk])).content.decode()
    for title in service.SECTION_TITLES.values():
        assert title in content
    assert "Cannot start yet" in content  # declarations wait for the rest
    assert "Completed" in content  # your organisation
    assert "Incomplete" in content


def test_complete_draft_shows_every_section_completed(complete_draft):
    assert {state.status for state in service.section_statuses(complete_draft)} == {service.COMPLETED}


# ---------------------------------------------------------------- your project: partial saves


def project_data(**overrides):
    data = {
        "project_title": "Safe Spaces",
        "summary": "A short summary.",
        "need_and_evidence": "Need.",
        "delivery_plan": "Plan.",
        "beneficiaries": "Women in Bexley.",
        "beneficiary_count": "120",
        "partners": ["bvsc"],
        "other_partners": "",
        "safeguarding_approach": "Trained staff.",
        "action": "later",
    }
    data.update(overrides)
    return data


def test_save_later_keeps_valid_fields_and_reshows_invalid_ones(client, provider, draft):
    client.force_login(provider)
    too_long = " ".join(["word"] * 151)
    response = client.post(section_url(draft, "project"), project_data(summary=too_long, beneficiary_count="lots"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "Use 150 words or fewer. You have used 151 words." in content
    assert "How many people will benefit must be a whole number between 0 and 10,000,000." in content
    assert too_long in content  # nothing typed is lost
    draft.refresh_from_db()
    assert draft.project_title == "Safe Spaces" and draft.need_and_evidence == "Need."
    assert draft.partners == ["bvsc"]
    assert draft.summary == "" and draft.beneficiary_count is None


def test_save_later_with_empty_fields_is_allowed_and_section_incomplete(client, provider, draft):
    client.force_login(provider)
    response = client.post(section_url(draft, "project"), {"project_title": "Only a title", "action": "later"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.project_title == "Only a title"
    assert "project" not in draft.completed_sections


def test_save_and_continue_requires_everything(client, provider, draft):
    client.force_login(provider)
    response = client.post(section_url(draft, "project"), {"project_title": "Only a title", "action": "continue"})
    assert response.status_code == 200
    assert "Describe your safeguarding approach." in response.content.decode()
    response = client.post(section_url(draft, "project"), project_data(action="continue"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "project" in draft.completed_sections


def test_beneficiary_hint_says_aggregate_only(client, provider, draft):
    client.force_login(provider)
    assert "An aggregate number only" in client.get(section_url(draft, "project")).content.decode()


def test_word_count_markup_for_live_counting(client, provider, draft):
    client.force_login(provider)
    content = client.get(section_url(draft, "project")).content.decode()
    assert 'data-maxwords="150"' in content and 'data-module="bcsp-word-count"' in content


# ---------------------------------------------------------------- themes and outcomes


def test_theme_not_in_call_refused_even_when_tampered(client, provider, organisation):
    themes = list(Theme.objects.all())
    call = make_call(themes=themes[:1])
    application = factories.ApplicationFactory(call=call, organisation=organisation, created_by=provider)
    client.force_login(provider)
    response = client.post(
        section_url(application, "themes"),
        {"themes": [themes[1].pk], "themes_how": "By working together.", "action": "later"},
    )
    assert response.status_code == 200
    assert "Choose only themes this call funds" in response.content.decode()
    application.refresh_from_db()
    assert application.themes.count() == 0
    assert application.themes_how == "By working together."  # the valid field was kept
    with pytest.raises(Exception, match="only themes this call funds"):
        service.save_fields(actor=provider, application=application, values={"themes": [themes[1]]})


def test_themes_continue_needs_an_outcome_with_targets(client, provider, draft, open_call):
    client.force_login(provider)
    theme = open_call.themes.first()
    response = client.post(
        section_url(draft, "themes"), {"themes": [theme.pk], "themes_how": "How.", "action": "continue"}
    )
    assert response.status_code == 200
    assert "Propose at least one outcome" in response.content.decode()
    draft.refresh_from_db()
    assert list(draft.themes.all()) == [theme]


def test_add_library_outcome_with_targets_per_year(client, provider, draft, open_call):
    client.force_login(provider)
    indicator = Indicator.objects.library().filter(theme__in=open_call.themes.all()).first()
    years = service.project_years(open_call)
    data = {"indicator": indicator.pk, **{f"target_{y}": "12" for y in years}}
    response = client.post(reverse("portal:outcome_add", args=[draft.pk]), data)
    assert response.status_code == 302
    outcome = ProposedOutcome.objects.get(application=draft)
    assert outcome.indicator == indicator
    assert sorted(t.financial_year for t in outcome.targets.all()) == years


def test_custom_outcome_needs_unit_and_theme_and_keeps_valid_targets(client, provider, draft, open_call):
    client.force_login(provider)
    year = service.project_years(open_call)[0]
    response = client.post(
        reverse("portal:outcome_add", args=[draft.pk]),
        {"custom_name": "Women completing the course", f"target_{year}": "abc"},
    )
    content = response.content.decode()
    assert "Choose the unit for your own indicator." in content
    assert "Choose the theme for your own indicator." in content
    assert not ProposedOutcome.objects.exists()
    theme = open_call.themes.first()
    response = client.post(
        reverse("portal:outcome_add", args=[draft.pk]),
        {
            "custom_name": "Women completing the course",
            "custom_unit": "count",
            "custom_theme": theme.pk,
            f"target_{year}": "abc",
        },
    )
    assert response.status_code == 200
    outcome = ProposedOutcome.objects.get()
    assert outcome.custom_name == "Women completing the course"
    assert f'action="{reverse("portal:outcome_edit", args=[draft.pk, outcome.pk])}"' in response.content.decode()


def test_remove_outcome(client, provider, complete_draft):
    client.force_login(provider)
    outcome = complete_draft.proposed_outcomes.get()
    client.post(reverse("portal:outcome_delete", args=[complete_draft.pk, outcome.pk]))
    assert not ProposedOutcome.objects.exists()


# ---------------------------------------------------------------- budget


def budget(year, amount, action="add", **extra):
    return {
        "category": "staff",
        "description": "Support worker",
        "financial_year": str(year),
        "amount": amount,
        "action": action,
        **extra,
    }


@pytest.mark.parametrize(
    "amount, message",
    [
        ("abc", "Amount must be between £0.00 and £10,000,000.00 (pounds and pence)."),
        ("-5", "Amount must be between £0.00 and £10,000,000.00 (pounds and pence)."),
        ("10.123", "Amount must be between £0.00 and £10,000,000.00 (pounds and pence)."),
        ("1e20", "Amount must be between £0.00 and £10,000,000.00 (pounds and pence)."),
        ("NaN", "Amount must be between £0.00 and £10,000,000.00 (pounds and pence)."),
    ],
)
def test_bad_budget_amounts_refused_with_specific_message(client, provider, draft, open_call, amount, message):
    client.force_login(provider)
    year = service.project_years(open_call)[0]
    response = client.post(section_url(draft, "budget"), budget(year, amount))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'value="Support worker"' in content  # the description typed is kept
    assert not BudgetLine.objects.exists()


def test_budget_line_added_with_pounds_and_commas(client, provider, draft, open_call):
    client.force_login(provider)
    year = service.project_years(open_call)[0]
    response = client.post(section_url(draft, "budget"), budget(year, "£1,500.50"))
    assert response.status_code == 302
    assert BudgetLine.objects.get().amount == Decimal("1500.50")


def test_budget_total_checked_against_call_range(client, provider, draft, open_call):
    client.force_login(provider)
    year = service.project_years(open_call)[0]
    client.post(section_url(draft, "budget"), budget(year, "500"))
    response = client.post(section_url(draft, "budget"), {"action": "continue"}, follow=True)
    content = response.content.decode()
    assert "The total requested (£500.00) must be between £1,000.00 and £50,000.00" in content
    client.post(section_url(draft, "budget"), budget(year, "60000"))
    assert (
        "must be between"
        in client.post(section_url(draft, "budget"), {"action": "continue"}, follow=True).content.decode()
    )
    assert BudgetLine.objects.count() == 2  # both lines are kept so the provider can fix them


def test_budget_line_edit_and_remove(client, provider, draft, open_call):
    client.force_login(provider)
    year = service.project_years(open_call)[0]
    line = BudgetLine.objects.create(
        application=draft, category="staff", description="Old", financial_year=year, amount=Decimal("10")
    )
    client.post(reverse("portal:budget_line_edit", args=[draft.pk, line.pk]), budget(year, "20"))
    line.refresh_from_db()
    assert line.amount == Decimal("20.00")
    client.post(reverse("portal:budget_line_delete", args=[draft.pk, line.pk]))
    assert not BudgetLine.objects.exists()


def test_budget_year_outside_project_refused(client, provider, draft):
    client.force_login(provider)
    response = client.post(section_url(draft, "budget"), budget(1999, "100"))
    assert "Choose a financial year the project covers." in response.content.decode()


# ---------------------------------------------------------------- questions


def test_question_word_limit_enforced_and_valid_answers_kept(client, provider, organisation):
    call = make_call(questions=[("Why you?", 5, True), ("Anything else?", 10, False)])
    application = factories.ApplicationFactory(call=call, organisation=organisation, created_by=provider)
    first, second = call.questions.all()
    client.force_login(provider)
    response = client.post(
        section_url(application, "questions"),
        {f"answer_{first.pk}": "one two three four five six", f"answer_{second.pk}": "Fine.", "action": "later"},
    )
    content = response.content.decode()
    assert "Use 5 words or fewer. You have used 6 words." in content
    assert 'data-maxwords="5"' in content
    assert application.answers.get(question=second).text == "Fine."
    assert not application.answers.filter(question=first).exists()


def test_required_question_required_on_continue(client, provider, draft, open_call):
    client.force_login(provider)
    question = open_call.questions.get()
    response = client.post(section_url(draft, "questions"), {f"answer_{question.pk}": "", "action": "continue"})
    assert "Answer “Why you?”." in response.content.decode()


# ---------------------------------------------------------------- attachments


def test_upload_list_download_and_delete(client, provider, draft, django_capture_on_commit_callbacks):
    client.force_login(provider)
    upload = SimpleUploadedFile("Safeguarding policy.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        section_url(draft, "attachments"), {"kind": "safeguarding_policy", "file": upload, "action": "upload"}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "Safeguarding policy.pdf"
    assert attachment.size == len(PDF_BYTES) and len(attachment.sha256) == 64
    assert "Safeguarding policy.pdf" not in attachment.file.name  # stored under a random name
    assert AuditEntry.objects.filter(action="attachment.uploaded").exists()

    response = client.get(reverse("portal:attachment_download", args=[draft.pk, attachment.token]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEntry.objects.filter(action="attachment.downloaded", actor=provider).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:attachment_delete", args=[draft.pk, attachment.token]))
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action="attachment.deleted").exists()


def test_exe_renamed_pdf_refused_on_upload(client, provider, draft):
    client.force_login(provider)
    exe = SimpleUploadedFile("accounts.pdf", b"MZ" + b"\x00" * 300, content_type="application/pdf")
    response = client.post(section_url(draft, "attachments"), {"kind": "accounts", "file": exe, "action": "upload"})
    assert response.status_code == 200
    assert "not a real .pdf file" in response.content.decode()
    assert not Attachment.objects.exists()


def test_empty_upload_refused(client, provider, draft):
    client.force_login(provider)
    empty = SimpleUploadedFile("accounts.pdf", b"", content_type="application/pdf")
    response = client.post(section_url(draft, "attachments"), {"kind": "accounts", "file": empty, "action": "upload"})
    assert "is empty" in response.content.decode()


def test_too_large_upload_refused(client, provider, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(provider)
    big = SimpleUploadedFile("accounts.pdf", PDF_BYTES * 10, content_type="application/pdf")
    response = client.post(section_url(draft, "attachments"), {"kind": "accounts", "file": big, "action": "upload"})
    assert "must be smaller than" in response.content.decode()


def test_attachments_continue_needs_policy_and_accounts(client, provider, draft):
    client.force_login(provider)
    response = client.post(section_url(draft, "attachments"), {"action": "continue"}, follow=True)
    content = response.content.decode()
    assert "Upload your safeguarding policy" in content and "Upload your latest accounts" in content


# ---------------------------------------------------------------- declarations


def test_declarations_cannot_start_until_other_sections_complete(client, provider, draft):
    client.force_login(provider)
    response = client.get(section_url(draft, "declarations"))
    assert response.status_code == 302


def test_declarations_required_on_continue(client, provider, complete_draft):
    complete_draft.declares_data_protection = False
    complete_draft.save()
    client.force_login(provider)
    response = client.post(
        section_url(complete_draft, "declarations"), {"declares_information_true": "on", "action": "continue"}
    )
    assert "Confirm that you will handle personal data lawfully." in response.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.declares_information_true


def test_unknown_section_404(client, provider, draft):
    client.force_login(provider)
    assert client.get(section_url(draft, "nonsense")).status_code == 404


def test_multiple_choice_fields_render_as_govuk_checkboxes(client, provider, draft):
    client.force_login(provider)
    content = client.get(section_url(draft, "themes")).content.decode()
    assert 'class="govuk-checkboxes__input"' in content and "govuk-radios" not in content


def test_organisation_section_shows_details_and_edit_link_for_org_admin(client, provider, draft, organisation):
    client.force_login(provider)
    content = client.get(section_url(draft, "organisation")).content.decode()
    assert organisation.name in content
    assert reverse("portal:organisation_edit", args=[organisation.pk]) in content
    response = client.post(section_url(draft, "organisation"), {"action": "later"})
    assert response.url == reverse("portal:application", args=[draft.pk])


def test_declarations_save_later_keeps_ticked_boxes(client, provider, complete_draft):
    complete_draft.declares_information_true = complete_draft.declares_policies_in_place = False
    complete_draft.declares_data_protection = False
    complete_draft.save()
    client.force_login(provider)
    response = client.post(
        section_url(complete_draft, "declarations"), {"declares_policies_in_place": "on", "action": "later"}
    )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.declares_policies_in_place and not complete_draft.declares_information_true


def test_money_is_typed_into_a_text_box_so_pounds_signs_and_commas_reach_the_server(client, provider, draft):
    """A type="number" input made the browser refuse "£18,500": the amount must be a text input."""
    client.force_login(provider)
    url = reverse("portal:section", kwargs={"pk": draft.pk, "key": "budget"})
    html = client.get(url).content.decode()
    assert 'type="text" name="amount"' in html
    assert 'type="number" name="amount"' not in html
    year = service.project_years(draft.call)[0]
    client.post(
        url,
        {"category": "staff", "description": "Advocates", "financial_year": year, "amount": "£18,500", "action": "add"},
    )
    assert draft.budget_lines.get().amount == Decimal("18500.00")
