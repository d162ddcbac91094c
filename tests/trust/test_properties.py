"""Issue 11, item 2: property-based tests (Hypothesis). Generated values (huge, negative, NaN, infinity, exponents,
many decimals, control characters, lookalike Unicode, very long strings) are posted to every field of the portal's
and the staff screens' forms, written into every input cell of the Excel return template and every column of the
import files. A test fails on any 5xx (the test client raises the view's exception) or on any stored value
outside its range (``assert_everything_stored_is_in_range``). Runs on SQLite and PostgreSQL.

Each example runs in a savepoint that is rolled back, so examples do not depend on each other; examples are
derandomised (the same on every run and in CI) and bounded per test to keep the suite fast. Set
HYPOTHESIS_EXPLORE=1 to draw new random examples locally."""

import csv
import io
import os
from contextlib import contextmanager

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning import limits
from commissioning.models import Indicator, Question, Theme
from outcomes.services import returns as return_services
from outcomes.services.payments import approve_payment
from outcomes.xlsx_returns import build_template
from tests import factories
from tests.outcomes.conftest import approved_application, award_for
from tests.reporting.factories import AwardFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------ what a careful attacker and a clumsy user type

NASTY_NUMBERS = [
    "1e20", "10000000000", "1E+30", "9" * 400, "NaN", "-NaN", "sNaN", "Infinity", "-inf", "1e-7", "0.001", "-1",
    "-0", "-0.00", "1e308", "1_000", "0x10", "£-5", "1,2,3", "12\n", "١٢", "１２", "\u202e12", "12\u200b", "",
]  # fmt: skip
NASTY_TEXT = [
    "Pat\nBcc: x@example.org", "a\r\nb", "\x00", "\x07bell", "\x1b[31m", "\u2028", "Ｐａｔ", "Pаt (Cyrillic а)",
    "\u202eevil", "\u200b", "\u2800".join(["w"] * 700), "word " * 600, "x" * 25_000, "=HYPERLINK(\"x\")", "🌈",
    "<script>alert(1)</script>", "'; DROP TABLE x; --", " ", "0001-01-01", "2101-01-01", "31/02/2026",
]  # fmt: skip

hostile = st.one_of(
    st.sampled_from(NASTY_NUMBERS + NASTY_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.dates().map(lambda day: day.isoformat()),
)


def mixed(baseline: dict):
    """Each field keeps its valid baseline value or gets a hostile one, so valid and invalid fields mix."""
    return st.fixed_dictionaries({name: st.one_of(st.just(value), hostile) for name, value in baseline.items()})


@contextmanager
def example():
    """One example's changes, rolled back afterwards."""
    with transaction.atomic():
        yield
        assert_everything_stored_is_in_range()
        transaction.set_rollback(True)


def _our_models():
    return [*apps.get_app_config("commissioning").get_models(), *apps.get_app_config("outcomes").get_models()]


def assert_everything_stored_is_in_range():
    """Every number and date is inside its range from commissioning/limits.py; one-line text has no line breaks
    or control characters; multi-line text has none but line breaks and tabs."""
    for model in _our_models():
        for field in model._meta.concrete_fields:
            for validator in field.validators:
                if isinstance(validator, limits.RangeValidator):
                    condition = limits.RANGES[validator.key].q(field.name)
                elif isinstance(validator, limits.DateRangeValidator):
                    datetime = field.get_internal_type() == "DateTimeField"
                    condition = limits.date_constraint(field.name, "x", datetime=datetime).condition
                else:
                    continue
                bad = model.objects.filter(~condition, **{f"{field.name}__isnull": False})
                assert not bad.exists(), f"{model._meta.label}.{field.name} out of range: {list(bad.values_list('pk'))}"
        text = [f for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")]
        for row in model.objects.values_list("pk", *[f.name for f in text]):
            for field, value in zip(text, row[1:]):
                one_line = any(isinstance(v, limits.OneLineValidator) for v in field.validators)
                if field.get_internal_type() == "TextField" or one_line:
                    problem = limits.control_character_problem(value, one_line=one_line)
                    assert not problem, f"{model._meta.label}.{field.name} {problem}: {value[:80]!r}"


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code < 500
    return response


# ------------------------------------------------------------------ portal screens


@pytest.fixture
def award(organisation, commissioner):
    return award_for(approved_application(organisation=organisation), commissioner)


@pytest.fixture
def active_award(award, provider):
    from outcomes.services.awards import accept_award

    return accept_award(award=award, actor=provider, typed_name="Pat Provider")


@pytest.fixture
def return_baseline(active_award):
    quarterly_return = active_award.returns.order_by("financial_year", "quarter").first()
    data = {"progress_narrative": "Groups ran.", "challenges_and_risks": "None", "safeguarding_incidents": "0"}
    data |= {"case_study": "", "case_study_confirmed_anonymous": "on"}
    for indicator, _ in return_services.return_indicators(quarterly_return):
        data[f"result_{indicator.pk}"] = "5"
    for line in return_services.return_budget_lines(quarterly_return):
        data[f"spend_{line.pk}"] = "100.00"
    return quarterly_return, data


@EXAMPLES
@given(data=st.data())
def test_the_return_form(client, provider, return_baseline, data):
    quarterly_return, baseline = return_baseline
    client.force_login(provider)
    with example():
        post(client, reverse("outcomes_portal:return", args=[quarterly_return.pk]), data.draw(mixed(baseline)))


@pytest.fixture
def draft(organisation, provider):
    call = factories.CallFactory()
    Question.objects.filter(call=call).update(word_limit=50)
    return factories.ApplicationFactory(call=call, organisation=organisation, status="draft", created_by=provider)


@EXAMPLES
@given(data=st.data())
def test_the_application_sections(client, provider, draft, data):
    from commissioning.services.applications import project_years

    client.force_login(provider)
    year = str(project_years(draft.call)[0])
    question = draft.call.questions.first()
    theme = draft.call.themes.first()
    screens = {
        "project": {
            "project_title": "Safe spaces", "summary": "A summary.", "need_and_evidence": "Need.",
            "delivery_plan": "Plan.", "beneficiaries": "Women.", "beneficiary_count": "120", "partners": "bvsc",
            "other_partners": "", "safeguarding_approach": "Policy.",
        },
        "themes": {"themes": str(theme.pk), "themes_how": "How."},
        "questions": {f"answer_{question.pk}": "An answer."},
        "budget": {"category": "staff", "description": "Worker", "financial_year": year, "amount": "1500.50"},
        "declarations": {"declares_information_true": "on", "declares_policies_in_place": "on"},
    }  # fmt: skip
    key = data.draw(st.sampled_from(sorted(screens)))
    with example():
        values = data.draw(mixed(screens[key])) | {"action": data.draw(st.sampled_from(["later", "continue", "add"]))}
        post(client, reverse("portal:section", args=[draft.pk, key]), values)


@EXAMPLES
@given(data=st.data())
def test_the_proposed_outcome_form(client, provider, draft, data):
    from commissioning.services.applications import project_years

    client.force_login(provider)
    baseline = {"indicator": "", "custom_name": "Women completing", "custom_unit": "count"}
    baseline |= {"custom_theme": str(draft.call.themes.first().pk)}
    baseline |= {f"target_{year}": "25" for year in project_years(draft.call)}
    with example():
        post(client, reverse("portal:outcome_add", args=[draft.pk]), data.draw(mixed(baseline)))


@EXAMPLES
@given(data=st.data())
def test_sign_up_organisation_and_grant_acceptance(client, provider, organisation, award, data):
    screens = {
        ("portal:sign_up", None, False): {
            "first_name": "Pat", "last_name": "Smith", "email": "new@example.org", "password": "long-passphrase-91",
        },
        ("portal:organisation_edit", organisation.pk, True): {
            "name": organisation.name, "legal_form": "registered_charity", "charity_number": "1187654",
            "company_number": "", "address_line_1": "2 Broadway", "address_line_2": "", "town": "Bexleyheath",
            "postcode": "DA6 7JN", "website": "", "income_band": "10k_100k", "safeguarding_lead_name": "Pat Lead",
            "safeguarding_lead_email": "lead@example.org",
        },
        ("outcomes_portal:accept", award.pk, True): {"typed_name": "Pat Provider"},
        ("outcomes_portal:decline", award.pk, True): {"reason": "We cannot deliver it."},
    }  # fmt: skip
    (name, pk, signed_in), baseline = data.draw(st.sampled_from(sorted(screens.items(), key=str)))
    client.logout()
    if signed_in:
        client.force_login(provider)
    with example():
        post(client, reverse(name, args=[pk] if pk else []), data.draw(mixed(baseline)))


# ------------------------------------------------------------------ staff screens


@pytest.fixture
def staff_screens(organisation, commissioner, active_award):
    ready = approved_application(organisation=factories.OrganisationFactory(), reference="READY-1")
    payment = active_award.payments.order_by("sequence").first()
    approve_payment(payment=payment, actor=commissioner)
    quarterly_return = active_award.returns.order_by("financial_year", "quarter").first()
    allocation = {f"allocation_{slug}": "25" for slug in ("prevention", "support", "perpetrators", "trust")}
    target = active_award.targets.first()
    moderated = factories.ApplicationFactory(organisation=organisation, status="moderated", reference="MOD-1")
    return {
        reverse("outcomes_admin:award_create", args=[ready.pk]): {
            "amount": "12000.00", "start_date": "2025-04-01", "end_date": "2026-03-31", "conditions": "Attend.",
            "payment_basis": "arrears", "advance_reason": "", **allocation,
        },
        reverse("outcomes_admin:award_vary", args=[active_award.pk]): {
            "reason": "Demand", "amount": "13000", "end_date": "2026-03-31", f"target_{target.pk}": "7",
            **allocation,
        },
        reverse("outcomes_admin:award_close", args=[active_award.pk]): {
            "final_spend": "11000", "clawback_amount": "0", "notes": "Done.",
        },
        reverse("outcomes_admin:payment_record", args=[payment.pk]): {
            "paid_on": "2025-07-01", "reference": "BACS-1",
        },
        reverse("outcomes_admin:return_review", args=[quarterly_return.pk]): {
            "decision": "changes", "comments": "Add detail.",
        },
        reverse("assessment_admin:decide", args=[moderated.pk]): {
            "outcome": "approve", "approved_amount": "9000", "reduction_reason": "Budget", "feedback": "Good.",
        },
        "/admin/reporting/": {"year": "2025", "call": "", "provider": "", "theme": ""},
    }  # fmt: skip


@EXAMPLES
@given(data=st.data())
def test_the_staff_screens(client, commissioner, staff_screens, data):
    client.force_login(commissioner)
    url, baseline = data.draw(st.sampled_from(sorted(staff_screens.items())))
    with example():
        values = data.draw(mixed(baseline))
        if url == "/admin/reporting/":
            assert client.get(url, values).status_code < 500
        else:
            post(client, url, values)


@EXAMPLES
@given(data=st.data())
def test_the_call_form_in_the_admin(client, commissioner, data):
    from tests.commissioning.test_call_admin import call_form_data

    client.force_login(commissioner)
    baseline = {
        key: value
        for key, value in call_form_data().items()
        if not key.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS", "themes"))
    }
    fixed = {key: value for key, value in call_form_data().items() if key not in baseline}
    with example():
        post(client, "/admin/calls/new/", fixed | data.draw(mixed(baseline)))


# ------------------------------------------------------------------ every input cell of the Excel return template


@EXAMPLES
@given(data=st.data())
def test_every_cell_of_the_return_template(client, provider, return_baseline, data):
    quarterly_return, _ = return_baseline
    client.force_login(provider)
    template = openpyxl.load_workbook(io.BytesIO(build_template(quarterly_return)))
    inputs = [
        (sheet.title, cell.coordinate)
        for sheet in template.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.protection.locked is False
    ]
    assert len(inputs) >= 9  # two figures, two spend lines, five narrative cells
    cell_value = st.one_of(
        hostile,
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["_x0007_", "_x000B_ bell", "Yes", "No", True, None, 10**30]),
    )
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(quarterly_return)))
    for sheet, coordinate in inputs:
        value = data.draw(st.one_of(st.just(workbook[sheet][coordinate].value), cell_value))
        if isinstance(value, str):
            value = openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", value)  # what a file can hold
        workbook[sheet][coordinate] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("return.xlsx", buffer.getvalue())
    with example():
        post(client, reverse("outcomes_portal:return_upload", args=[quarterly_return.pk]), {"file": upload})


# ------------------------------------------------------------------ every column of the import files


@pytest.fixture
def import_rows(db):
    historic = AwardFactory(
        reference="H-1", is_historic=True, status="closed", offered_at=None, start_date="2019-04-01",
        end_date="2020-03-31",
    )  # fmt: skip
    org = historic.organisation
    return {
        "organisations": {
            "name": "Imported Org", "legal_form": "registered_charity", "charity_number": "1187654",
            "company_number": "", "address_line_1": "2 Broadway", "address_line_2": "", "town": "Bexleyheath",
            "postcode": "DA6 7JN", "website": "", "is_specialist_vawg": "1", "is_by_and_for": "0",
            "income_band": "10k_100k", "safeguarding_lead_name": "Pat Lead", "safeguarding_lead_email": "p@example.org",
        },
        "awards": {
            "reference": "H-2", "organisation": org.name, "call": "", "title": "Old grant", "description": "Support.",
            "amount": "5000.00", "amount_applied_for": "6000", "start_date": "2018-04-01", "end_date": "2019-03-31",
            "status": "closed", "prevention_bp": "2500", "support_bp": "2500", "perpetrators_bp": "2500",
            "trust_bp": "2500",
        },
        "payments": {
            "award": "H-1", "sequence": "1", "due_date": "2019-07-01", "amount": "2500.00", "status": "paid",
            "paid_on": "2019-07-05", "payment_reference": "BACS1",
        },
        "indicators": {
            "code": "imported-indicator", "name": "Imported", "theme": Theme.objects.first().slug, "unit": "count",
            "kind": "output", "description": "", "counts_people": "1", "is_library": "1", "is_active": "1",
            "display_order": "5",
        },
    }  # fmt: skip


@EXAMPLES
@given(data=st.data())
def test_every_column_of_the_import_files(client, commissioner, import_rows, data):
    client.force_login(commissioner)
    kind = data.draw(st.sampled_from(sorted(import_rows)))
    row = data.draw(mixed(import_rows[kind]))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(row.keys())
    writer.writerow([value.replace("\x00", "") for value in row.values()])  # the csv module cannot write NUL
    upload = SimpleUploadedFile("data.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")
    url = f"/admin/reporting/data/{kind}/import/"
    with example():
        response = post(client, url, {"file": upload})
        if response.context and response.context.get("valid"):
            assert post(client, url, {"confirm": "1", "digest": response.context["digest"]}).status_code == 302


def test_the_stored_value_check_can_fail():
    """The check finds text a bypassed form let through (database constraints already refuse numbers)."""
    assert_everything_stored_is_in_range()
    Indicator.objects.filter(pk=Indicator.objects.first().pk).update(name="Line\nbreak")
    with pytest.raises(AssertionError, match="must be on one line"):
        assert_everything_stored_is_in_range()
