"""Issue 11, item 4: the migration that makes organisation names and registration numbers unique keeps
existing duplicates safely (nothing merged or deleted; what was taken off is recorded), and attachments and
awards get their new columns filled. Runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# Before this branch's migrations (one migration run down and up again: they are slow, so one test).
BEFORE = [("commissioning", "0005_ranges_without_frozen_messages"), ("outcomes", "0004_ranges_without_frozen_messages")]
AFTER = [("commissioning", "0007_organisation_identity"), ("outcomes", "0005_award_recipient_name")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Later migrations (in either app) are unapplied by going back to BEFORE: re-apply them all afterwards so
    the tests that follow meet the real schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def organisation(apps, name, **fields):
    Organisation = apps.get_model("commissioning", "Organisation")
    defaults = {
        "legal_form": "registered_charity",
        "address_line_1": "1 High Street",
        "postcode": "DA6 7AT",
        "income_band": "10k_100k",
        "safeguarding_lead_name": "Sam",
        "safeguarding_lead_email": "sam@example.test",
    }
    return Organisation.objects.create(name=name, **{**defaults, **fields})


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_migrated_safely():
    old = migrate(BEFORE)
    first = organisation(old, "Bexley Women's Aid", charity_number="1098765")
    twin = organisation(old, "BEXLEY WOMEN\u2019S AID.", charity_number="1098765")
    third = organisation(old, "Erith Refuge", charity_number="1098765", company_number="04567890")
    fourth = organisation(old, "Erith Refuge Trading", legal_form="clg", company_number="04567890")
    award = old.get_model("outcomes", "Award").objects.create(
        reference="MIG-A-1",
        organisation=first,
        title="Project",
        description="",
        amount=100,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2027, 3, 31),
        prevention_bp=10000,
    )
    call = old.get_model("commissioning", "Call").objects.create(
        reference="MIG-1",
        title="Call",
        summary="",
        eligibility="Anyone",
        total_budget=1000,
        min_grant=1,
        max_grant=1000,
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=1),
    )
    creator = old.get_model("commissioning", "User").objects.create(email="creator@example.test")
    application = old.get_model("commissioning", "Application").objects.create(
        call=call, organisation=first, created_by=creator
    )
    for n in range(3):
        old.get_model("commissioning", "Attachment").objects.create(
            application=application,
            kind="other",
            file=f"applications/x/{n}",
            original_name=f"{n}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )

    new = migrate(AFTER)
    Organisation = new.get_model("commissioning", "Organisation")
    AuditEntry = new.get_model("commissioning", "AuditEntry")
    rows = {row.pk: row for row in Organisation.objects.all()}
    assert len(rows) == 4  # nothing merged or deleted; every name kept
    assert rows[twin.pk].name == "BEXLEY WOMEN\u2019S AID."
    assert rows[first.pk].name_key == "bexley women's aid"
    assert rows[twin.pk].name_key == f"bexley women's aid#{twin.pk}"
    # The oldest holder keeps a shared number; the others lose it, with an audit entry saying what it was.
    assert rows[first.pk].charity_number == "1098765"
    assert rows[twin.pk].charity_number == rows[third.pk].charity_number == ""
    assert rows[third.pk].company_number == "04567890" and rows[fourth.pk].company_number == ""
    recorded = AuditEntry.objects.filter(action="organisation.duplicate_found")
    assert {(e.object_id, tuple(sorted(e.data))) for e in recorded} == {
        (str(twin.pk), ("lookalike_of",)),
        (str(twin.pk), ("charity_number", "kept_by")),
        (str(third.pk), ("charity_number", "kept_by")),
        (str(fourth.pk), ("company_number", "kept_by")),
    }
    assert recorded.get(object_id=str(third.pk)).data == {"charity_number": "1098765", "kept_by": first.pk}
    # Every existing attachment gets a token of its own; every award its recipient's name.
    tokens = list(new.get_model("commissioning", "Attachment").objects.values_list("token", flat=True))
    assert len(tokens) == 3 and len(set(tokens)) == 3 and None not in tokens
    assert new.get_model("outcomes", "Award").objects.get(pk=award.pk).recipient_name == "Bexley Women's Aid"
