"""Issue 11, ranges and text (items 1, 5, 7 and 8): one regression test per example in the issue's "Why" list,
plus the checks that keep forms, uploads, imports, database constraints and the README reading one module.
Runs on SQLite and PostgreSQL."""

import datetime as dt
import importlib
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from commissioning import limits
from commissioning.govuk_forms import WORD_SEPARATORS, count_words
from commissioning.models import AuditEntry, Indicator, User
from commissioning.services.accounts import request_to_join
from outcomes.models import Award, IndicatorResult, Payment, PaymentStatus, QuarterlyReturn
from outcomes.services.payments import approve_payment
from outcomes.xlsx_returns import build_template
from tests import factories
from tests.outcomes.conftest import approved_application, award_for
from tests.reporting.test_import_export import DATA, ORG_HEADERS, csv_file, org_row

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def award(organisation, commissioner):
    return award_for(approved_application(organisation=organisation), commissioner)


@pytest.fixture
def active_award(award, provider):
    from outcomes.services.awards import accept_award

    return accept_award(award=award, actor=provider, typed_name="Pat Provider")


@pytest.fixture
def first_return(active_award):
    return active_award.returns.order_by("financial_year", "quarter").first()


def women():
    return Indicator.objects.get(code="survivors-supported-women")


# ------------------------------------------------------------------ one module, read by everything


def ranged_fields():
    """(model, field, condition the database must hold) for every field carrying a range validator."""
    for model in [*apps.get_app_config("commissioning").get_models(), *apps.get_app_config("outcomes").get_models()]:
        for field in model._meta.concrete_fields:
            for validator in field.validators:
                if isinstance(validator, limits.RangeValidator):
                    range_ = limits.RANGES[validator.key]
                    yield model, field, range_.constraint(field.name, "x", null=field.null).condition
                elif isinstance(validator, limits.DateRangeValidator):
                    datetime = field.get_internal_type() == "DateTimeField"
                    yield (
                        model,
                        field,
                        limits.date_constraint(field.name, "x", null=field.null, datetime=datetime).condition,
                    )


# Payment due dates are worked out by the system (a return due 21 days after a quarter ending in December 2100
# falls in 2101); a person or file supplying one is checked by the import's validator.
NO_CONSTRAINT = {("outcomes.payment", "due_date")}


def test_every_ranged_field_has_the_same_range_as_a_database_constraint():
    checked = 0
    for model, field, condition in ranged_fields():
        if (model._meta.label_lower, field.name) in NO_CONSTRAINT:
            continue
        conditions = [c.condition for c in model._meta.constraints if hasattr(c, "condition")]
        assert condition in conditions, f"{model._meta.label}.{field.name} has no constraint matching its range"
        checked += 1
    assert checked >= 30


def test_the_database_refuses_every_value_outside_its_range(active_award, provider):
    from outcomes.services.returns import return_budget_lines, save_return_draft

    quarterly_return = active_award.returns.order_by("financial_year", "quarter").first()
    save_return_draft(
        quarterly_return=quarterly_return,
        actor=provider,
        results={women().pk: Decimal("3")},
        spend={return_budget_lines(quarterly_return)[0].pk: Decimal("10.00")},
        fields={"safeguarding_incidents": 0},
    )
    Indicator.objects.update(display_order=1)
    factories.ApplicationFactory(organisation=active_award.organisation, beneficiary_count=5)
    from commissioning.models import Call

    Call.objects.update(closed_early_at=timezone.now())
    Award.objects.filter(pk=active_award.pk).update(final_spend=0, clawback_amount=0, amount_applied_for=1)
    Payment.objects.filter(award=active_award).update(status=PaymentStatus.PAID, paid_on=active_award.start_date)
    tried = 0
    for model, field, _ in ranged_fields():
        if (model._meta.label_lower, field.name) in NO_CONSTRAINT:
            continue
        instance = model.objects.exclude(**{f"{field.name}__isnull": True}).first()
        assert instance is not None, f"no {model._meta.label} with a {field.name} to try"
        if isinstance(field.validators[-1], limits.DateRangeValidator) or any(
            isinstance(v, limits.DateRangeValidator) for v in field.validators
        ):
            bad = [dt.datetime(1999, 12, 31, tzinfo=dt.UTC), dt.datetime(2101, 1, 1, tzinfo=dt.UTC)]
            if field.get_internal_type() == "DateField":
                bad = [dt.date(1, 1, 1), dt.date(2101, 1, 1)]
        else:
            range_ = next(limits.RANGES[v.key] for v in field.validators if isinstance(v, limits.RangeValidator))
            bad = [range_.maximum + 1, range_.minimum - 1] if range_.minimum > 0 else [range_.maximum + 1]
            if field.get_internal_type() == "DecimalField":
                bad.append(Decimal("-0.01"))
        for value in bad:
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=instance.pk).update(**{field.name: value})
            tried += 1
    assert tried >= 55


def test_the_readme_lists_the_ranges_of_the_limits_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert limits.markdown_table() in readme


def test_the_browser_counts_words_with_the_same_separators_as_the_server():
    script = (ROOT / "cms" / "frontend" / "app.js").read_text(encoding="utf-8")
    assert f"/{WORD_SEPARATORS}/u" in script


# ------------------------------------------------------------------ "Big numbers crash and corrupt"


@pytest.mark.parametrize("typed", ["1e20", "10000000000", "NaN", "Infinity", "1e-7", "0.001", "-1", "1000001"])
def test_a_huge_or_strange_return_figure_is_refused_and_kept_on_screen(client, provider, first_return, typed):
    client.force_login(provider)
    url = reverse("outcomes_portal:return", args=[first_return.pk])
    response = client.post(url, {f"result_{women().pk}": typed, "progress_narrative": "Kept.", "save": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "New survivors supported: women must be a whole number between 0 and 1,000,000." in body
    assert f'value="{typed}"' in body  # what was typed is still in the box
    first_return.refresh_from_db()
    assert first_return.progress_narrative == "Kept." and not first_return.results.exists()
    assert client.get(url).status_code == 200  # and every later view works


def test_a_huge_spend_is_refused_naming_the_field_and_range(client, provider, first_return):
    from outcomes.services.returns import return_budget_lines

    client.force_login(provider)
    line = return_budget_lines(first_return)[0]
    response = client.post(
        reverse("outcomes_portal:return", args=[first_return.pk]), {f"spend_{line.pk}": "1e20", "save": "1"}
    )
    assert "Spend on Support worker (Staff) must be between £0.00 and £10,000,000.00 (pounds and pence)." in (
        response.content.decode()
    )
    assert not first_return.spend_lines.exists()


def fill(quarterly_return, cells):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(quarterly_return)))
    for (sheet, cell), value in cells.items():
        workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "return.xlsx"
    return buffer


def test_an_excel_cell_of_ten_to_the_thirty_gets_a_cell_message(client, provider, first_return):
    client.force_login(provider)
    upload = fill(first_return, {("Outcomes", "C7"): 10**30, ("Spend", "C7"): 1e30, ("Narrative", "B8"): 10**30})
    response = client.post(reverse("outcomes_portal:return_upload", args=[first_return.pk]), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sheet &#x27;Outcomes&#x27;, cell C7: expected a whole number between 0 and 1,000,000, got" in body
    assert "Sheet &#x27;Spend&#x27;, cell C7: expected an amount between £0.00 and £10,000,000.00" in body
    assert "Sheet &#x27;Narrative&#x27;, cell B8: expected a whole number between 0 and 10,000" in body
    assert not QuarterlyReturn.objects.get(pk=first_return.pk).results.exists()


def bypass_constraints(table, constraint):
    """Let a bad value in as an older release did, so the repair can be tested (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = 1")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while deferred checks are pending
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')


def restore_constraints():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = 0")
        else:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_the_migration_repairs_values_that_broke_pages_and_audits_it(client, provider, commissioner, first_return):
    payment = first_return.award.payments.order_by("sequence").first()
    try:
        bypass_constraints("outcomes_indicatorresult", "result_actual_range")
        bypass_constraints("outcomes_payment", "payment_paid_on_range")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO outcomes_indicatorresult (quarterly_return_id, indicator_id, actual) VALUES (%s, %s, %s)",
                # SQLite kept whatever it was given; PostgreSQL's column held up to 9,999,999,999.99.
                [first_return.pk, women().pk, "1E+20" if connection.vendor == "sqlite" else "5000000000"],
            )
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PAID, paid_on=dt.date(1, 1, 1))
        migration = importlib.import_module("outcomes.migrations.0002_ranges")
        migration.repair_then_refuse_rows_outside(apps, None)
    finally:
        restore_constraints()
    assert not IndicatorResult.objects.filter(quarterly_return=first_return).exists()
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (PaymentStatus.APPROVED, None)
    assert AuditEntry.objects.filter(action="data.repaired").count() == 2
    client.force_login(provider)
    assert client.get(reverse("outcomes_portal:return", args=[first_return.pk])).status_code == 200


# ------------------------------------------------------------------ "Impossible dates"; refused forms keep typing


@pytest.fixture
def approved_payment(active_award, commissioner):
    payment = active_award.payments.order_by("sequence").first()
    if payment.status != PaymentStatus.APPROVED:
        approve_payment(payment=payment, actor=commissioner)
    payment.refresh_from_db()
    return payment


@pytest.mark.parametrize(
    "paid_on, message",
    [
        ("0001-01-01", "Date paid must be a real date between 1 January 2000 and 31 December 2100."),
        ("2024-01-01", "The date paid must be on or after"),
        ("2099-01-01", "The date paid cannot be in the future"),
        ("not a date", "Date paid must be a real date"),
    ],
)
def test_an_impossible_paid_date_is_refused_and_what_was_typed_stays(
    client, commissioner, approved_payment, paid_on, message
):
    client.force_login(commissioner)
    response = client.post(
        reverse("outcomes_admin:payment_record", args=[approved_payment.pk]),
        {"paid_on": paid_on, "reference": "BACS-77"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert f'value="{paid_on}"' in body and 'value="BACS-77"' in body
    approved_payment.refresh_from_db()
    assert approved_payment.status == PaymentStatus.APPROVED and approved_payment.paid_on is None


def test_a_real_paid_date_is_recorded(client, commissioner, approved_payment):
    client.force_login(commissioner)
    paid_on = max(approved_payment.award.start_date, timezone.localdate(approved_payment.award.offered_at))
    response = client.post(
        reverse("outcomes_admin:payment_record", args=[approved_payment.pk]),
        {"paid_on": paid_on.isoformat(), "reference": "BACS-78"},
    )
    assert response.status_code == 302
    approved_payment.refresh_from_db()
    assert (approved_payment.status, approved_payment.paid_on) == (PaymentStatus.PAID, paid_on)


def test_refused_award_variation_and_closure_forms_keep_what_was_typed(client, commissioner, active_award):
    from outcomes.admin_views.views import applications_ready_to_award

    client.force_login(commissioner)
    vary = client.post(
        reverse("outcomes_admin:award_vary", args=[active_award.pk]),
        {"reason": "More demand", "amount": "1e20", "end_date": "0001-01-01"},
    )
    body = vary.content.decode()
    assert "Amount (£) must be between £0.01 and £10,000,000.00" in body and 'value="1e20"' in body
    assert "End date must be a real date between 1 January 2000" in body and 'value="0001-01-01"' in body
    assert "More demand" in body
    close = client.post(
        reverse("outcomes_admin:award_close", args=[active_award.pk]),
        {"final_spend": "10000000000", "clawback_amount": "NaN", "notes": "Closing notes"},
    )
    body = close.content.decode()
    assert 'value="10000000000"' in body and 'value="NaN"' in body and "Closing notes" in body
    assert "Final spend (£) must be between £0.00 and £10,000,000.00" in body
    application = approved_application(organisation=factories.OrganisationFactory(), reference="NEW-1")
    assert application in applications_ready_to_award()
    create = client.post(
        reverse("outcomes_admin:award_create", args=[application.pk]),
        {"amount": "Infinity", "start_date": "2025-04-01", "end_date": "2026-03-31", "conditions": "Typed"},
    )
    body = create.content.decode()
    assert 'value="Infinity"' in body and "Typed" in body and "must be between £0.01 and £10,000,000.00" in body


# ------------------------------------------------------------------ "Word limits bypassed"; one-line fields


@pytest.mark.parametrize("glue", ["\u2800", "\u3164", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xa0"])
def test_invisible_separators_count_as_separators(glue):
    assert count_words(glue.join(["word"] * 6)) == 6
    assert count_words(glue * 3) == 0


def test_a_word_limit_cannot_be_bypassed_with_invisible_separators(client, provider, organisation):
    draft = factories.ApplicationFactory(organisation=organisation, status="draft", summary="Kept.")
    client.force_login(provider)
    glued = "\u2800".join(["word"] * 151)
    response = client.post(reverse("portal:section", args=[draft.pk, "project"]), {"summary": glued, "action": "later"})
    assert "Use 150 words or fewer. You have used 151 words." in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Kept."


@pytest.mark.parametrize(
    "first_name, message",
    [
        ("Pat\nBcc: everyone@example.org", "First name must be on one line: remove the line break."),
        ("Pat\r\nX", "First name must be on one line: remove the line break."),
        ("Pat\u2028X", "First name must be on one line: remove the line break."),
        ("Pat\x07", "First name cannot contain control characters such as U+0007: remove it."),
    ],
)
def test_a_line_break_or_control_character_in_a_name_is_refused(client, first_name, message):
    response = client.post(
        reverse("portal:sign_up"),
        {"first_name": first_name, "last_name": "Smith", "email": "pat@example.org", "password": "a-long-passphrase-9"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert not User.objects.filter(email="pat@example.org").exists()


def test_one_line_rules_hold_in_the_admin_and_imports_too(client, commissioner):
    client.force_login(commissioner)
    upload = csv_file(ORG_HEADERS, [org_row("Line\nBreak Org")])
    response = client.post(DATA + "organisations/import/", {"file": upload})
    assert "must be on one line" in response.content.decode()
    assert not response.context["valid"]


def test_a_name_with_a_line_break_already_stored_never_reaches_an_email_header(
    organisation, provider, django_capture_on_commit_callbacks
):
    joiner = factories.UserFactory(email_confirmed_at=timezone.now())
    User.objects.filter(pk=joiner.pk).update(first_name="Pat\nBcc: everyone@example.org")
    joiner.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        request_to_join(actor=joiner, organisation=organisation)
    assert mail.outbox and all("\n" not in message.subject for message in mail.outbox)
    assert "Pat Bcc: everyone@example.org" in mail.outbox[-1].subject


def test_multi_line_text_takes_line_breaks_but_no_other_control_characters(client, provider, first_return):
    client.force_login(provider)
    url = reverse("outcomes_portal:return", args=[first_return.pk])
    client.post(url, {"progress_narrative": "Line one.\r\nLine two.\tTabbed.", "save": "1"})
    first_return.refresh_from_db()
    assert first_return.progress_narrative == "Line one.\r\nLine two.\tTabbed."
    response = client.post(url, {"progress_narrative": "Bell\x07", "save": "1"})
    assert "Progress this quarter cannot contain control characters such as U+0007" in response.content.decode()


# ------------------------------------------------------------------ "The Excel upload skips the web form's checks"


def test_the_excel_upload_runs_the_web_forms_text_checks(client, provider, first_return):
    client.force_login(provider)
    upload = fill(
        first_return,
        {
            ("Narrative", "B4"): " ".join(["word"] * 501),
            ("Narrative", "B5"): "x" * 20_001,
            ("Narrative", "B6"): "Someone we helped",
            ("Narrative", "B7"): "No",
        },
    )
    response = client.post(reverse("outcomes_portal:return_upload", args=[first_return.pk]), {"file": upload})
    body = response.content.decode()
    assert "cell B4: Use 500 words or fewer. You have used 501 words." in body
    assert "cell B5: This must be 20,000 characters or fewer. You entered 20001 characters." in body
    assert "cell B7: Confirm that no one can be identified from the case study, or remove it." in body
    first_return.refresh_from_db()
    assert first_return.case_study == "" and first_return.progress_narrative == ""


# ------------------------------------------------------------------ "Rough edges"


def test_an_import_with_unrecognised_columns_names_them(client, commissioner):
    client.force_login(commissioner)
    response = client.post(DATA + "organisations/import/", {"file": csv_file(["nom", "ville"], [["a", "b"]])})
    body = response.content.decode()
    assert "This import does not recognise the columns “nom”, “ville”." in body
    assert "The file has no “name” column" in body
    assert "0 with errors" not in body
    upload = csv_file([*ORG_HEADERS, "postocde"], [[*org_row("Typo Org"), "DA6 7JN"]])
    body = client.post(DATA + "organisations/import/", {"file": upload}).content.decode()
    assert "does not recognise the column “postocde”" in body and "Confirm import" not in body


@pytest.mark.parametrize("path", ["/portal/sign-up/", "/portal/sign-in/", "/admin/login/"])
def test_a_form_over_the_size_limit_gets_a_page_saying_the_limit(client, path):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = client.post(path, "summary=" + "x" * size, content_type="application/x-www-form-urlencoded")
    body = response.content.decode()
    assert response.status_code == 413
    assert "The form was too big" in body and "larger than 2 MB" in body and "govuk-template" in body


def test_a_form_with_too_many_fields_gets_a_page_saying_the_limit(client):
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post("/portal/sign-up/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert re.search(r"more than 1,000 fields", response.content.decode())


def test_a_tampered_sort_order_on_the_call_form_is_refused_without_an_error_page(client, commissioner):
    """Found by the property-based tests: Wagtail's inline panel failed with KeyError re-showing the form."""
    from tests.commissioning.test_call_admin import call_form_data

    client.force_login(commissioner)
    response = client.post("/admin/calls/new/", call_form_data(**{"criteria-0-ORDER": "x", "criteria-1-weight": "20"}))
    assert response.status_code == 200
    assert "The criteria weights must add up to 100. They add up to 90." in response.content.decode()


def test_a_range_message_on_a_percent_label_does_not_break(commissioner, active_award):
    """Found by the property-based tests: "Prevention (%) must be ..." failed when Django applied its params."""
    from outcomes.forms import VariationForm

    form = VariationForm(
        {"reason": "x", "amount": "100", "end_date": "2026-03-31"}
        | {f"allocation_{slug}": "abc" for slug in ("prevention", "support", "perpetrators", "trust")},
        award=active_award,
    )
    assert not form.is_valid()
    assert any("(%) must be a percentage between 0 and 100" in message for message in form.errors["allocation_trust"])
