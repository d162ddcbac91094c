import datetime as dt

from commissioning.fiscal import (
    FinancialQuarter,
    financial_year_label,
    financial_year_of,
    quarter_of,
    quarters_between,
)


def test_financial_years_run_april_to_march():
    assert financial_year_of(dt.date(2026, 4, 1)) == 2026
    assert financial_year_of(dt.date(2027, 3, 31)) == 2026
    assert financial_year_of(dt.date(2026, 3, 31)) == 2025
    assert financial_year_label(2026) == "2026/27"
    assert financial_year_label(2099) == "2099/00"


def test_quarters_start_in_april():
    assert quarter_of(dt.date(2026, 4, 1)) == FinancialQuarter(2026, 1)
    assert quarter_of(dt.date(2026, 6, 30)) == FinancialQuarter(2026, 1)
    assert quarter_of(dt.date(2026, 7, 1)) == FinancialQuarter(2026, 2)
    assert quarter_of(dt.date(2026, 12, 31)) == FinancialQuarter(2026, 3)
    assert quarter_of(dt.date(2027, 1, 1)) == FinancialQuarter(2026, 4)
    q4 = FinancialQuarter(2026, 4)
    assert (q4.start, q4.end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert FinancialQuarter(2026, 1).end == dt.date(2026, 6, 30)


def test_partial_quarters_are_included():
    quarters = quarters_between(dt.date(2026, 5, 15), dt.date(2027, 1, 10))
    assert [q.label for q in quarters] == ["Q1 2026/27", "Q2 2026/27", "Q3 2026/27", "Q4 2026/27"]
    assert quarters_between(dt.date(2026, 5, 1), dt.date(2026, 4, 1)) == []
