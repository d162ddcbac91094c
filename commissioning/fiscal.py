"""UK financial years (April to March) and their quarters (Q1 = April to June).

A financial year is named by the calendar year it starts in: 2026 means 2026/27, 1 April 2026 to
31 March 2027. Deadlines are Europe/London wall-clock times, so BST/GMT changes are handled by zoneinfo.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    financial_year: int
    quarter: int

    @property
    def start(self) -> dt.date:
        month = 4 + 3 * (self.quarter - 1)
        year = self.financial_year + (1 if month > 12 else 0)
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "FinancialQuarter":
        if self.quarter == 4:
            return FinancialQuarter(self.financial_year + 1, 1)
        return FinancialQuarter(self.financial_year, self.quarter + 1)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {financial_year_label(self.financial_year)}"

    def __str__(self):
        return self.label


def quarter_of(day: dt.date) -> FinancialQuarter:
    fy = financial_year_of(day)
    months_in = (day.month - 4) % 12
    return FinancialQuarter(fy, months_in // 3 + 1)


def quarters_between(start: dt.date, end: dt.date) -> list[FinancialQuarter]:
    """Every financial quarter that the period [start, end] overlaps, partial ones included."""
    if end < start:
        return []
    quarters = []
    current = quarter_of(start)
    last = quarter_of(end)
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters


def current_financial_year(today: dt.date | None = None) -> int:
    from django.utils import timezone

    return financial_year_of(today or timezone.localdate())


def london_datetime(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime for a wall-clock time in London on ``day`` (BST or GMT as applies)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
