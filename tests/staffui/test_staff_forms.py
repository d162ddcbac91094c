"""Issue 14, item 2: staff forms rendered the Wagtail way, with dates that show in the browser, help text on
every field, an error summary linking to fields, targets as a grid and a check-and-confirm step."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from commissioning.admin_views import forms as assessment_forms
from commissioning.admin_views.users import InviteForm
from commissioning.staff_forms import IsoDateInput, StaffFormMixin
from outcomes import forms as outcome_forms
from outcomes.models import Award
from tests import factories

pytestmark = pytest.mark.django_db


def every_staff_form(award, application):
    call = factories.CallFactory()
    criteria = list(call.criteria.all())
    indicator = award.targets.first().indicator
    return [
        assessment_forms.EligibilityForm(),
        assessment_forms.AssignForm(),
        assessment_forms.BulkAssignForm(),
        assessment_forms.DeclarationForm(),
        assessment_forms.CriterionScoresForm(criteria=criteria),
        assessment_forms.ModerationForm(criteria=criteria),
        assessment_forms.DecisionForm(),
        assessment_forms.ReasonForm(),
        outcome_forms.AwardForm(allocation_bp={"support": 10000}, target_rows=[((indicator, 2026, 2), Decimal("5"))]),
        outcome_forms.VariationForm(award=award),
        outcome_forms.CloseAwardForm(),
        outcome_forms.ReviewForm(),
        outcome_forms.RecordPaymentForm(),
        InviteForm(),
    ]


def test_every_staff_form_is_a_staff_form_with_help_on_every_field_and_no_colons(award, application):
    for form in every_staff_form(award, application):
        name = type(form).__name__
        assert isinstance(form, StaffFormMixin), name
        html = str(form)
        assert "w-field__wrapper" in html, f"{name} is not rendered with Wagtail's field component"
        for field_name, field in form.fields.items():
            assert (field.help_text or "").strip(), f"{name}.{field_name} has no help text"
            assert not str(field.label or "").rstrip().endswith(":"), f"{name}.{field_name} label ends with ':'"
        assert not re.search(r"</?label[^>]*>[^<]*:\s*(<span|</label>)", html), f"{name} renders a label colon"


def test_date_fields_render_the_iso_value_the_browser_needs(award, application):
    """An <input type="date"> shows "2026-11-01" but stays blank with "01/11/2026"."""
    for form in every_staff_form(award, application):
        for field_name, field in form.fields.items():
            if isinstance(field, forms.DateField):
                assert isinstance(field.widget, IsoDateInput), f"{type(form).__name__}.{field_name}"
    award_form = outcome_forms.AwardForm(
        initial={"start_date": dt.date(2026, 11, 1), "end_date": dt.date(2027, 10, 31)},
        allocation_bp={"support": 10000},
        target_rows=[],
    )
    html = str(award_form)
    assert 'type="date" name="start_date" value="2026-11-01"' in html
    assert 'value="2027-10-31"' in html and "01/11/2026" not in html
    variation = str(outcome_forms.VariationForm(award=award))
    assert f'name="end_date" value="{award.end_date.isoformat()}"' in variation
    payment = str(outcome_forms.RecordPaymentForm(initial={"paid_on": dt.date(2026, 11, 24)}))
    assert 'name="paid_on" value="2026-11-24"' in payment


def test_any_date_input_given_to_a_staff_form_becomes_iso():
    class Example(StaffFormMixin, forms.Form):
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="A day.")

    html = str(Example(initial={"when": dt.date(2026, 4, 1)}))
    assert 'value="2026-04-01"' in html and 'type="date"' in html


def test_error_summary_at_the_top_links_to_each_field(client, commissioner, application):
    client.force_login(commissioner)
    response = client.post(
        reverse("outcomes_admin:award_create", args=[application.pk]),
        {"amount": "", "start_date": "2026-04-01", "end_date": "", "payment_basis": "arrears"},
    )
    body = response.content.decode()
    summary = body.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "There is a problem" in body and body.index("data-error-summary") < body.index('name="amount"')
    assert 'href="#id_amount"' in summary and 'href="#id_end_date"' in summary
    assert "Amount (£): This field is required." in summary
    assert response.context["form"].errors and "<title>Error: " in body


def test_targets_are_a_grid_of_indicator_by_quarter(client, commissioner, award):
    client.force_login(commissioner)
    body = client.get(reverse("outcomes_admin:award_vary", args=[award.pk])).content.decode()
    grid = body.split("bcsp-grid", 1)[1].split("</table>", 1)[0]
    indicators = {t.indicator.name for t in award.targets.all()}
    quarters = {(t.financial_year, t.quarter) for t in award.targets.all()}
    for year, quarter in quarters:
        assert f'<th scope="col">Q{quarter} {year}/{(year + 1) % 100:02d}</th>' in grid
    assert grid.count('<th scope="row">') == len(indicators)
    assert grid.count("<input") == award.targets.count()
    # Each cell is labelled by its indicator and quarter for screen readers.
    target = award.targets.select_related("indicator").first()
    assert f"{target.indicator.name}, Q{target.quarter} {target.financial_year}/" in grid


def test_going_back_from_the_confirmation_keeps_what_was_typed(client, commissioner, application):
    client.force_login(commissioner)
    url = reverse("outcomes_admin:award_create", args=[application.pk])
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}
    data.update({"conditions": "Quarterly meetings with the commissioner", "amount": "11000.00"})
    confirm = client.post(url, data)
    assert "Check and confirm" in confirm.content.decode() and "£11,000.00" in confirm.content.decode()
    back = client.post(url, {**data, "change": "1"})
    body = back.content.decode()
    assert back.status_code == 200 and "Check and confirm" not in body
    assert 'value="11000.00"' in body and "Quarterly meetings with the commissioner</textarea>" in body
    assert not Award.objects.exists()
