"""The staff screens: who may open each URL, the list filters, the blind and conflict rules in the
browser, the bad inputs' messages, downloads and exports, and bounded query counts."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commissioning.models import ApplicationStatus as S
from commissioning.models import Attachment, AuditEntry, Decision, Score
from commissioning.services import assessment as services
from tests import factories
from tests.conftest import is_refused

from .conftest import assessors, moderate_all, score_all, scored_application, submitted_application

pytestmark = pytest.mark.django_db


def url(name, *args, **kwargs):
    return reverse(f"assessment_admin:{name}", args=args, kwargs=kwargs)


@pytest.fixture
def assigned(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    return application, people


# --- Access rules -----------------------------------------------------------------------------------


def test_executive_is_refused_on_every_screen(client, executive, assigned):
    application, _people = assigned
    client.force_login(executive)
    call = application.call
    for target in [
        url("index"),
        url("applications", call.pk),
        url("application", application.pk),
        url("moderation", call.pk),
        url("export", call.pk, "csv"),
        url("score", application.pk),
        url("decide", application.pk),
        url("eligibility", application.pk),
    ]:
        assert is_refused(client.get(target)), target


def test_provider_cannot_reach_the_admin(client, provider, assigned):
    application, _people = assigned
    client.force_login(provider)
    response = client.get(url("application", application.pk))
    assert response.status_code in (302, 403)


def test_assessor_sees_only_assigned_applications(client, assigned, open_call):
    application, people = assigned
    other = submitted_application(open_call)
    client.force_login(people[0])
    response = client.get(url("applications", open_call.pk))
    assert response.status_code == 200
    assert application.reference in response.content.decode()
    assert other.reference not in response.content.decode()
    assert client.get(url("application", other.pk)).status_code == 404
    assert client.get(url("score", other.pk)).status_code == 404
    assert client.get(url("application", application.pk)).status_code == 200
    # Commissioner-only screens are refused to assessors.
    assert is_refused(client.get(url("moderation", open_call.pk)))
    response = client.get(url("decide", application.pk))
    assert is_refused(response) or response.status_code == 404


def test_conflicted_assessor_cannot_open_scoring_or_application(client, assigned):
    application, people = assigned
    assessment = application.assessments.get(assessor=people[0])
    services.declare_conflict(assessment=assessment, actor=people[0], conflicted=True, description="Trustee")
    client.force_login(people[0])
    assert client.get(url("score", application.pk)).status_code == 404
    assert client.get(url("application", application.pk)).status_code == 404
    assert client.post(url("score", application.pk), {"submit": "1"}).status_code == 404


def test_index_for_commissioner_and_assessor(client, commissioner, assigned):
    application, people = assigned
    client.force_login(commissioner)
    assert application.call.reference in client.get(url("index")).content.decode()
    client.force_login(people[0])
    body = client.get(url("index")).content.decode()
    assert application.reference in body and "Declare interests" in body


# --- 6. List, filters, detail -----------------------------------------------------------------------


def test_list_filters_and_search(client, commissioner, open_call):
    first = submitted_application(open_call, factories.OrganisationFactory(name="Erith Outreach"))
    second, people = scored_application(open_call, commissioner, values=((5, 5), (5, 4)))
    client.force_login(commissioner)
    base = url("applications", open_call.pk)

    def refs(**params):
        body = client.get(base, params).content.decode()
        return {a.reference for a in (first, second) if a.reference in body}

    assert refs() == {first.reference, second.reference}
    assert refs(status="scored") == {second.reference}
    assert refs(search="erith") == {first.reference}
    assert refs(search=second.reference) == {second.reference}
    assert refs(assessor=people[0].pk) == {second.reference}
    assert refs(band="80") == {second.reference}
    assert refs(band="none") == {first.reference}
    assert refs(band="40") == set()
    theme = first.themes.first()
    second.themes.clear()
    assert refs(theme=theme.pk) == {first.reference}


def test_list_shows_needs_reassignment(client, commissioner, assigned):
    application, people = assigned
    assessment = application.assessments.get(assessor=people[0])
    services.declare_conflict(assessment=assessment, actor=people[0], conflicted=True, description="Trustee")
    client.force_login(commissioner)
    assert "Needs reassignment" in client.get(url("applications", application.call_id)).content.decode()
    assert "needs reassignment" in client.get(url("application", application.pk)).content.decode()


def test_detail_shows_answers_budget_history_and_attachment_link(client, commissioner, assigned):
    application, _people = assigned
    attachment = Attachment.objects.create(
        application=application,
        kind="accounts",
        file=ContentFile(b"%PDF-1.4 accounts", name="a.pdf"),
        original_name="accounts 2025.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
    )
    client.force_login(commissioner)
    body = client.get(url("application", application.pk)).content.decode()
    assert "Because we know Bexley." in body
    assert "Bexley Voluntary Service Council" in body
    assert "£15,000.00" in body
    assert url("attachment", attachment.token) in body
    assert "Application under assessment" in body  # history from the audit trail, in words
    assert "application.under_assessment" not in body


def test_attachment_download_is_private_checked_and_audited(client, commissioner, assigned, open_call):
    application, people = assigned
    attachment = Attachment.objects.create(
        application=application,
        kind="accounts",
        file=ContentFile(b"%PDF-1.4 accounts", name="a.pdf"),
        original_name="accounts.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
    )
    client.force_login(commissioner)
    response = client.get(url("attachment", attachment.token))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 accounts"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.for_object(application).filter(action="attachment.downloaded").exists()
    outsider = assessors(1)[0]
    client.force_login(outsider)
    assert client.get(url("attachment", attachment.token)).status_code == 404


def test_list_query_count_is_bounded(client, commissioner, open_call, django_assert_max_num_queries):
    client.force_login(commissioner)
    people = assessors(2)
    for size in (2, 8):
        for _ in range(size):
            application = submitted_application(open_call)
            services.assign_assessors(application=application, assessors=people, actor=commissioner)
        with django_assert_max_num_queries(21):  # 20 before the list was paginated; the page count is one more
            assert client.get(url("applications", open_call.pk)).status_code == 200


def test_moderation_query_count_is_bounded(client, commissioner, open_call, django_assert_max_num_queries):
    client.force_login(commissioner)
    for size in (1, 5):
        for _ in range(size):
            scored_application(open_call, commissioner)
        with django_assert_max_num_queries(20):
            assert client.get(url("moderation", open_call.pk)).status_code == 200


# --- 7/8. Eligibility and assignment screens ----------------------------------------------------------


def test_eligibility_screen_fail_without_reason_then_with(client, commissioner, open_call):
    application = submitted_application(open_call)
    client.force_login(commissioner)
    data = {"governance_result": "pass", "insurance_result": "fail", "insurance_notes": "Lapsed in 2025"}
    response = client.post(url("eligibility", application.pk), data)
    assert response.status_code == 400
    assert "the provider will see it" in response.content.decode()
    response = client.post(url("eligibility", application.pk), {**data, "reason": "No public liability insurance."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.INELIGIBLE


def test_assign_screen_and_bulk_assign(client, commissioner, open_call):
    application = submitted_application(open_call)
    other = submitted_application(open_call)
    people = assessors(3)
    client.force_login(commissioner)
    response = client.post(url("assign", application.pk), {"assessors": [people[0].pk]})
    assert response.status_code == 400 and "at least 2" in response.content.decode()
    assert client.post(url("assign", application.pk), {"assessors": [p.pk for p in people[:2]]}).status_code == 302
    response = client.post(
        url("bulk_assign", open_call.pk), {"assessors": [p.pk for p in people], "per_application": 2}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == S.UNDER_ASSESSMENT and other.assessments.count() == 2
    # The least-loaded assessor (people[2]) gets a place.
    assert other.assessments.filter(assessor=people[2]).exists()


# --- 9. Declaring and scoring in the browser ----------------------------------------------------------


def test_scoring_before_declaring_redirects_to_declaration(client, assigned):
    application, people = assigned
    client.force_login(people[0])
    response = client.get(url("score", application.pk))
    assert response.status_code == 302 and response["Location"] == url("declare", application.pk)
    criterion = application.call.criteria.first()
    response = client.post(url("score", application.pk), {f"score_{criterion.pk}": "3", "submit": "1"})
    assert response.status_code == 302
    assert not Score.objects.exists()


def test_declaration_conflict_requires_description(client, assigned):
    application, people = assigned
    client.force_login(people[0])
    response = client.post(url("declare", application.pk), {"conflicted": "yes", "description": ""})
    assert response.status_code == 400 and "Describe the conflict" in response.content.decode()
    response = client.post(url("declare", application.pk), {"conflicted": "no"})
    assert response.status_code == 302 and response["Location"] == url("score", application.pk)


def test_score_form_draft_bad_score_and_submit(client, assigned):
    application, people = assigned
    client.force_login(people[0])
    client.post(url("declare", application.pk), {"conflicted": "no"})
    first, second = application.call.criteria.all()
    body = client.get(url("score", application.pk)).content.decode()
    assert "Excellent: exceeds the requirement" in body
    response = client.post(
        url("score", application.pk), {f"score_{first.pk}": "4", f"text_{first.pk}": "Strong", "draft": "1"}
    )
    assert response.status_code == 302
    response = client.post(
        url("score", application.pk),
        {
            f"score_{first.pk}": "7",
            f"text_{first.pk}": "x",
            f"score_{second.pk}": "3",
            f"text_{second.pk}": "y",
            "submit": "1",
        },
    )
    assert response.status_code == 400
    assert "Choose a whole-number score from 0 to 5" in response.content.decode()
    assert Score.objects.get(criterion=first).score == 4  # the draft is kept
    response = client.post(
        url("score", application.pk),
        {
            f"score_{first.pk}": "4",
            f"text_{first.pk}": "Strong",
            f"score_{second.pk}": "3",
            f"text_{second.pk}": "Fair",
            "submit": "1",
        },
    )
    # Submitting locks the scores, so it asks to check and confirm first; nothing is submitted yet.
    assert response.status_code == 200 and "Check and confirm" in response.content.decode()
    assert application.assessments.get(assessor=people[0]).status != "submitted"
    confirm = {
        f"score_{first.pk}": "4",
        f"text_{first.pk}": "Strong",
        f"score_{second.pk}": "3",
        f"text_{second.pk}": "Fair",
        "submit": "1",
    }
    changed = client.post(url("score", application.pk), {**confirm, "change": "1"})
    assert changed.status_code == 200 and 'value="Strong"' not in changed.content.decode()  # back on the form
    assert "Strong</textarea>" in changed.content.decode()
    response = client.post(url("score", application.pk), {**confirm, "confirmed": "yes"})
    assert response.status_code == 302
    assessment = application.assessments.get(assessor=people[0])
    assert assessment.weighted_total == Decimal("72.00")


def test_blind_scoring_in_the_detail_page(client, assigned):
    application, people = assigned
    score_all(application, people[1], (1, 1), comment="SECRET-OTHER-COMMENT")
    client.force_login(people[0])
    client.post(url("declare", application.pk), {"conflicted": "no"})
    assert "SECRET-OTHER-COMMENT" not in client.get(url("application", application.pk)).content.decode()
    score_all(application, people[0], (3, 3))
    assert "SECRET-OTHER-COMMENT" in client.get(url("application", application.pk)).content.decode()


def test_reopen_screen(client, commissioner, open_call):
    application, people = scored_application(open_call, commissioner)
    assessment = application.assessments.get(assessor=people[0])
    client.force_login(people[1])
    response = client.post(url("reopen", assessment.pk), {"reason": "x"})
    assert is_refused(response) or response.status_code == 404
    client.force_login(commissioner)
    assert client.post(url("reopen", assessment.pk), {"reason": "Missing comment"}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.UNDER_ASSESSMENT


# --- 10/11. Moderation, ranking, decisions ------------------------------------------------------------


def test_moderation_panel_flags_divergence_and_funding_line(client, commissioner, closed_call):
    # Budget 40,000; each requests 15,000: two fit, the third falls below the line.
    top, _ = scored_application(closed_call, commissioner, values=((5, 5), (5, 5)))
    middle, _ = scored_application(closed_call, commissioner, values=((4, 4), (2, 4)))
    bottom, _ = scored_application(closed_call, commissioner, values=((1, 1), (1, 1)))
    moderate_all(middle, commissioner, score=3)
    client.force_login(commissioner)
    response = client.get(url("moderation", closed_call.pk))
    ranking = response.context["ranking"]
    assert [row.item.application for row in ranking] == [top, middle, bottom]
    assert [row.cumulative for row in ranking] == [Decimal("15000.00"), Decimal("30000.00"), Decimal("45000.00")]
    assert [row.within_budget for row in ranking] == [True, True, False]
    assert ranking[1].item.moderated_total == Decimal("60.00")  # falls back to mean only when unmoderated
    assert ranking[0].item.moderated_total is None and ranking[0].item.mean == Decimal("100.00")
    panel = {item.application: item for item in response.context["panel"]}
    assert panel[middle].divergent and not panel[top].divergent
    assert response.context["funding_line_after"] == 2
    assert "Funding line" in response.content.decode()


def test_moderate_screen(client, commissioner, open_call):
    application, _ = scored_application(open_call, commissioner)
    criteria = list(application.call.criteria.all())
    client.force_login(commissioner)
    data = {f"score_{c.pk}": "4" for c in criteria}
    response = client.post(url("moderate", application.pk), data)
    assert response.status_code == 400
    data.update({f"text_{c.pk}": "Agreed at panel" for c in criteria})
    assert client.post(url("moderate", application.pk), data).status_code == 302
    application.refresh_from_db()
    assert application.status == S.MODERATED


def test_decision_screen_reduction_without_reason(client, commissioner, open_call):
    application, _ = scored_application(open_call, commissioner)
    client.force_login(commissioner)
    response = client.post(
        url("decide", application.pk), {"outcome": "approve", "approved_amount": "10000.00", "feedback": "Good"}
    )
    assert response.status_code == 400
    assert "Give a reason for approving less than the £15,000.00 requested." in response.content.decode()
    response = client.post(
        url("decide", application.pk),
        {
            "outcome": "approve",
            "approved_amount": "10000.00",
            "feedback": "Good",
            "reduction_reason": "Trim evaluation costs",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get(application=application).approved_amount == Decimal("10000.00")
    # Releasing emails providers: a check-and-confirm page first, then the release.
    response = client.post(url("release", open_call.pk))
    assert response.status_code == 200 and application.reference in response.content.decode()
    assert Decision.objects.get(application=application).released_at is None
    assert client.post(url("release", open_call.pk), {"confirmed": "yes"}).status_code == 302
    assert Decision.objects.get(application=application).released_at is not None


# --- 12. Export ---------------------------------------------------------------------------------------


@pytest.fixture
def exportable(open_call, commissioner):
    application, _ = scored_application(open_call, commissioner)
    answer = application.answers.first()
    answer.text = '=HYPERLINK("http://evil.example")'
    answer.save()
    application.project_title = "+cmd"
    application.save()
    moderate_all(application, commissioner)
    services.record_decision(application=application, actor=commissioner, outcome="reject", feedback="-not this time")
    return application


def test_csv_export_one_row_per_application_flattened_and_safe(client, commissioner, exportable, open_call):
    submitted_application(open_call)
    client.force_login(commissioner)
    response = client.get(url("export", open_call.pk, "csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == 2
    row = next(r for r in rows if r["Reference"] == exportable.reference)
    question = open_call.questions.first()
    assert row[f"Q: {question.text}"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Project title"] == "'+cmd"
    assert row["Feedback"] == "'-not this time"
    assert row["Decision"] == "Reject"
    assert row["Moderated total"] == "80.00"
    assert AuditEntry.objects.filter(action="applications.exported", data__format="csv").exists()


def test_xlsx_export(client, administrator, exportable, open_call):
    client.force_login(administrator)
    response = client.get(url("export", open_call.pk, "xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    values = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert values["Reference"] == exportable.reference
    assert values["Project title"] == "'+cmd"


def test_export_refused_to_assessor_and_unknown_format(client, assessor, commissioner, open_call):
    client.force_login(assessor)
    assert is_refused(client.get(url("export", open_call.pk, "csv")))
    client.force_login(commissioner)
    assert client.get(url("export", open_call.pk, "pdf")).status_code == 404


def test_no_funding_line_when_everything_fits(client, commissioner, open_call):
    scored_application(open_call, commissioner)  # 15,000 of a 100,000 budget
    client.force_login(commissioner)
    response = client.get(url("moderation", open_call.pk))
    assert response.context["funding_line_after"] is None
    assert "Every ranked application fits within the budget" in response.content.decode()


def test_funding_line_before_the_first_when_it_alone_exceeds(client, commissioner, closed_call):
    scored_application(closed_call, commissioner, amounts=("30000.00", "20000.00"))
    client.force_login(commissioner)
    response = client.get(url("moderation", closed_call.pk))
    assert response.context["funding_line_after"] == 0
    assert "runs out here" in response.content.decode()
