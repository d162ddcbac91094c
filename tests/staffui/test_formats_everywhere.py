"""Issue 14, item 5: money, dates and quarters are written by commissioning/formats.py everywhere: staff and
portal pages, the public site, emails, spreadsheets' text cells and the strings records print as."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from commissioning import formats
from tests import factories

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / app / "templates" for app in ("commissioning", "outcomes", "cms"))]
# Hand-formatting that formats.py replaces: money via floatformat or a "£" before a raw value, dates via
# Django's |date with a display format, financial years and quarters pieced together.
TEMPLATE_PATTERNS = {
    "money by floatformat": re.compile(r'floatformat:"?2g'),
    "£ before a raw value": re.compile(r"£\{\{"),
    "a display date by |date": re.compile(r"\|date:[\"'](?!Y-m-d)"),
    "a financial year pieced together": re.compile(r"financial_year\|add:1"),
    "a quarter pieced together": re.compile(r"Q\{\{ *[\w.]*quarter *\}\}"),
}
PYTHON_PATTERNS = {
    "money by format spec": re.compile(r"£\{[^}]*:,\.2f\}"),
    "a date by strftime for people": re.compile(r":%-?d %B %Y\}|strftime\(\"%-?d %B"),
    "a quarter pieced together": re.compile(r'f"Q\{[^}]*quarter\}'),
    "a financial year pieced together": re.compile(r"% 100:02d\}"),
}


def offending(paths, patterns):
    found = []
    for path in paths:
        text = path.read_text()
        for name, pattern in patterns.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                found.append(f"{where}:{line}: {name}")
    return found


def test_templates_use_the_bcsp_filters_not_hand_formatting():
    paths = [p for folder in TEMPLATE_DIRS for p in folder.rglob("*") if p.suffix in {".html", ".txt"}]
    assert paths
    problems = offending(paths, TEMPLATE_PATTERNS)
    assert not problems, "Use {% load bcsp %} filters (money, govuk_date, quarter...):\n" + "\n".join(problems)


def test_python_uses_formats_not_hand_formatting():
    paths = [
        p
        for app in ("commissioning", "outcomes", "cms")
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts and p.name not in {"formats.py", "fiscal.py"}
    ]
    problems = offending(paths, PYTHON_PATTERNS)
    assert not problems, "Use commissioning.formats:\n" + "\n".join(problems)


def test_the_guards_catch_hand_formatting(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('£{{ award.amount|floatformat:"2g" }} due {{ payment.due_date|date:"j M Y" }}')
    code = tmp_path / "code.py"
    code.write_text('message = f"over its budget of £{budget:,.2f}"\nlabel = f"Q{self.quarter} {year}"\n')
    assert len(offending([page], TEMPLATE_PATTERNS)) == 3
    assert len(offending([code], PYTHON_PATTERNS)) == 2


@pytest.mark.django_db
def test_records_print_with_the_one_format():
    from outcomes.models import Payment, QuarterlyReturn
    from tests.outcomes.conftest import approved_application, award_for

    organisation = factories.OrganisationFactory()
    commissioner = factories.staff_user("Commissioner")
    award = award_for(approved_application(organisation=organisation), commissioner)
    payment = Payment.objects.filter(award=award).first()
    payment.amount = Decimal("7500")
    assert str(payment).endswith(": £7,500.00")
    quarterly_return = QuarterlyReturn.objects.filter(award=award).order_by("financial_year", "quarter").first()
    assert quarterly_return.period_label == formats.quarter(quarterly_return)
    assert re.fullmatch(r"Q[1-4] \d{4}/\d{2}", quarterly_return.period_label)
    call = factories.CallFactory(total_budget=Decimal("200000.00"))
    assert call.budget == "£200,000.00" and call.get_total_budget_display() == "£200,000.00"
    assert call.closes == formats.govuk_datetime(call.closes_at)


def test_reporting_percentages_and_bcsp_filters_agree():
    rendered = Template("{% load reporting_tags %}{{ bp|bp_percent }} {{ share|percent }}").render(
        Context({"bp": 2500, "share": Decimal("62.50")})
    )
    assert rendered == "25% 62.5%"
    rendered = Template(
        "{% load bcsp %}{{ amount|money }} {{ day|govuk_date }} {{ year|financial_year }} {{ share|percent:2 }}"
    ).render(
        Context({"amount": Decimal("7500"), "day": dt.date(2026, 11, 24), "year": 2026, "share": Decimal("33.333")})
    )
    assert rendered == "£7,500.00 24 November 2026 2026/27 33.33%"
