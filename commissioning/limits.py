"""One home for the range of every number and date a person or a file can supply.

Forms (``RangeField``, ``DateRangeField``), the Excel return upload and the spreadsheet imports read a value with
``Range.parse``; model fields carry ``RangeValidator``/``DateRangeValidator`` (the imports and the Wagtail admin
forms run them through ``full_clean``); each constrained column has a database ``CheckConstraint`` built by
``Range.constraint``/``date_constraint``, so the database refuses what a bypassed form would let through. The
README's "Limits" table is ``markdown_table()`` (a test keeps them equal), and a test checks that every field
with a range has its constraint.

Ranges fit both the column (``DecimalField(max_digits=12, decimal_places=2)`` holds up to 9,999,999,999.99)
and reality: one borough's VAWG grants, budgets and quarterly figures are far below these caps.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@dataclass(frozen=True)
class Range:
    """Numbers from ``minimum`` to ``maximum`` with at most ``places`` decimal places."""

    key: str
    noun: str  # "a whole number", "an amount in pounds", ...
    minimum: Decimal
    maximum: Decimal
    places: int = 0
    money: bool = False
    integer: bool = False  # stored in an integer column: parse returns an int
    thousands: bool = True  # "1,000,000"; years are written "2100"

    def shown(self, value) -> str:
        if self.money:
            return f"£{value:,.2f}"
        return f"{value:{',' if self.thousands else ''}.0f}"

    @property
    def allowed(self) -> str:
        """'between £0.00 and £10,000,000.00 (pounds and pence)', for '<field> must be ...'."""
        text = f"between {self.shown(self.minimum)} and {self.shown(self.maximum)}"
        if self.money:
            return f"{text} (pounds and pence)"
        if self.places:
            text += f", with at most {self.places} decimal places"
        return f"{self.noun} {text}"

    @property
    def expectation(self) -> str:
        """What is allowed, for 'expected ...' and 'Enter ...': 'a whole number between 0 and 1,000,000'."""
        return f"{self.noun} {self.allowed}" if self.money else self.allowed

    def parse(self, raw):
        """Read what a person typed or a spreadsheet cell holds ("£1,500.50", 12, 85.5, "12"). Returns a
        Decimal with ``places`` places (an int for integer columns); raises ValueError(self.expectation) for
        anything else: text, NaN, infinity, out of range, too many decimal places."""
        if raw is None or isinstance(raw, bool) or len(str(raw)) > 100:
            raise ValueError(self.expectation)
        if isinstance(raw, float):
            raw = repr(raw)  # shortest text for the float: 1e+30, 85.5
        text = str(raw).strip().replace(",", "")
        if self.money:
            text = text.removeprefix("£").strip()
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(self.expectation) from None
        # Range before rounding: quantizing 1E+30 would overflow the decimal context.
        if not value.is_finite() or value < self.minimum or value > self.maximum:
            raise ValueError(self.expectation)
        step = Decimal(1).scaleb(-self.places)
        if value != value.quantize(step):
            raise ValueError(self.expectation)
        value = value.quantize(step) + 0  # + 0 turns -0 into 0
        return int(value) if self.integer else value

    def q(self, field) -> Q:
        return Q(**{f"{field}__gte": self.minimum, f"{field}__lte": self.maximum})

    def constraint(self, field, name, *, null=False) -> CheckConstraint:
        condition = self.q(field) | Q(**{f"{field}__isnull": True}) if null else self.q(field)
        return CheckConstraint(
            condition=condition, name=name, violation_error_message=f"{field} must be {self.expectation}."
        )

    @property
    def validator(self):
        return RangeValidator(self.key)


def _range(key, noun, minimum, maximum, places=0, **kwargs):
    return Range(key, noun, Decimal(minimum), Decimal(maximum), places, **kwargs)


MONEY_MAX = "10000000"
RANGES = {
    r.key: r
    for r in (
        _range("money", "an amount", 0, MONEY_MAX, 2, money=True),
        _range("money_positive", "an amount", "0.01", MONEY_MAX, 2, money=True),
        _range("count", "a whole number", 0, 1_000_000),
        _range("percentage", "a percentage", 0, 100, 2),
        _range("pounds", "an amount", 0, MONEY_MAX, 2, money=True),
        _range("days", "a number of days", 0, 3650, 2),
        # A figure or target column holds any unit: the widest of the four (forms check the unit's own range).
        _range("figure", "a number", 0, MONEY_MAX, 2),
        _range("incidents", "a whole number", 0, 10_000, integer=True),
        _range("people", "a whole number", 0, 10_000_000, integer=True),
        _range("allocation_bp", "a whole number of basis points", 0, 10_000, integer=True),
        _range("sequence", "a whole number", 1, 100, integer=True),
        _range("display_order", "a whole number", 0, 10_000, integer=True),
        # Financial years are named by their first year; 1999/00 holds January to March 2000.
        _range("financial_year", "a financial year", 1999, 2100, integer=True, thousands=False),
    )
}
MONEY, MONEY_POSITIVE = RANGES["money"], RANGES["money_positive"]
FIGURE, INCIDENTS, PEOPLE = RANGES["figure"], RANGES["incidents"], RANGES["people"]
ALLOCATION_BP, SEQUENCE, DISPLAY_ORDER = RANGES["allocation_bp"], RANGES["sequence"], RANGES["display_order"]
FINANCIAL_YEAR = RANGES["financial_year"]


def figure_range(unit) -> Range:
    """The range of an indicator figure or target in ``unit`` (count, percentage, pounds, days)."""
    return RANGES[str(unit)]


@deconstructible
class RangeValidator:
    """A model-field validator naming the range (by key, so migrations do not freeze the numbers)."""

    def __init__(self, key):
        self.key = key

    def __call__(self, value):
        if value is None:
            return
        try:
            RANGES[self.key].parse(value)
        except ValueError as exc:
            raise ValidationError(f"Enter {exc}.", code="out_of_range") from None

    def __eq__(self, other):
        return isinstance(other, RangeValidator) and other.key == self.key


# ------------------------------------------------------------------------------------------------ dates

DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
DATE_RANGE_TEXT = "between 1 January 2000 and 31 December 2100"
_DATETIME_MIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_DATETIME_MAX = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)


def date_in_range(value) -> bool:
    if isinstance(value, dt.datetime):
        return _DATETIME_MIN <= value < _DATETIME_MAX if value.tzinfo else DATE_MIN <= value.date() <= DATE_MAX
    return DATE_MIN <= value <= DATE_MAX


@deconstructible
class DateRangeValidator:
    def __call__(self, value):
        if value is not None and not date_in_range(value):
            raise ValidationError(f"Enter a date {DATE_RANGE_TEXT}.", code="date_out_of_range")

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator)


def date_constraint(field, name, *, null=False, datetime=False) -> CheckConstraint:
    low, high = (_DATETIME_MIN, _DATETIME_MAX) if datetime else (DATE_MIN, DATE_MAX)
    upper = f"{field}__lt" if datetime else f"{field}__lte"
    condition = Q(**{f"{field}__gte": low, upper: high})
    if null:
        condition |= Q(**{f"{field}__isnull": True})
    return CheckConstraint(
        condition=condition, name=name, violation_error_message=f"{field} must be {DATE_RANGE_TEXT}."
    )


def paid_date_problem(paid_on, award, today) -> str | None:
    """Why ``paid_on`` cannot be the date an instalment of ``award`` was paid, or None: not before the
    award started or was offered (whichever is earlier: an advance can be paid on acceptance) and not after
    today."""
    from .formats import govuk_date

    if paid_on > today:
        return f"The date paid cannot be in the future: enter {govuk_date(today)} or earlier."
    earliest, what = award.start_date, "the award's start date"
    offered = timezone.localdate(award.offered_at) if award.offered_at else None
    if offered and offered < earliest:
        earliest, what = offered, "the date the award was offered"
    earliest = max(earliest, DATE_MIN)
    if paid_on < earliest:
        return f"The date paid must be on or after {govuk_date(earliest)}, {what}."
    return None


# ------------------------------------------------------------------------------------------------ text

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def control_character_problem(value, *, one_line) -> str | None:
    """What is wrong with ``value``'s characters, or None. One-line fields (names, titles, references)
    take no line breaks and no control characters; multi-line text takes line breaks and tabs but no other
    control characters (they break spreadsheets, email and some databases)."""
    for character in value or "":
        if character in LINE_BREAKS:
            if one_line:
                return "must be on one line: remove the line break"
            if character in "\n\r":
                continue
        if character == "\t" and not one_line:
            continue
        if unicodedata.category(character) == "Cc" or character in "\u2028\u2029":
            return f"cannot contain control characters such as U+{ord(character):04X}: remove it"
    return None


@deconstructible
class OneLineValidator:
    """Model-field validator for one-line text (names, titles, references)."""

    def __call__(self, value):
        problem = control_character_problem(value, one_line=True)
        if problem:
            raise ValidationError(f"This {problem}.", code="not_one_line")

    def __eq__(self, other):
        return isinstance(other, OneLineValidator)


one_line = OneLineValidator()


# ------------------------------------------------------------------------------------------------ forms


class RangeField(forms.CharField):
    """A number typed into a text box (GOV.UK advises text inputs for numbers), read with ``Range.parse``.
    Every failure gives one message naming the field and the range."""

    def __init__(self, range_, *, prefix=None, **kwargs):
        self.range = range_
        self.prefix = prefix
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        self.validators = []  # max_length is ours: a long string gets the range message, not a length one
        self.widget.attrs.update({"inputmode": "numeric" if range_.places == 0 else "decimal", "spellcheck": "false"})

    def message(self):
        return f"{self.label or 'This'} must be {self.range.allowed}."

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return self.range.parse(value)
        except ValueError:
            raise ValidationError(
                self.message().replace("%", "%%"),  # a label like "Prevention (%)": params are applied with %
                code="out_of_range",
                params={"label": self.label, "expectation": self.range.expectation},
            ) from None


class DateRangeField(forms.DateField):
    """A date from 2000 to 2100, with messages naming the field."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(DateRangeValidator())

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as exc:
            if any(error.code == "required" for error in exc.error_list):
                raise
            raise ValidationError(
                f"{self.label or 'The date'} must be a real date {DATE_RANGE_TEXT}.", code="date_out_of_range"
            ) from None


# ------------------------------------------------------------------------------------------------ README


README_ROWS = [
    (
        "Money: call budgets and grant ranges, budget lines, approved and awarded amounts, amounts applied for, "
        "return spend, final spend, underspend to repay, payments",
        MONEY,
    ),
    ("Call budget, maximum grant, award amount (must be more than £0)", MONEY_POSITIVE),
    ("Return figures and targets counted in people or things", RANGES["count"]),
    ("Return figures and targets in percent", RANGES["percentage"]),
    ("Return figures and targets in pounds", RANGES["pounds"]),
    ("Return figures and targets in days", RANGES["days"]),
    ("Any figure or target, in the database (whatever its unit)", FIGURE),
    ("Safeguarding incidents in a quarter", INCIDENTS),
    ("People an application will benefit", PEOPLE),
    ("Theme allocation in an import, per theme (the four add up to 10,000)", ALLOCATION_BP),
    ("Payment number within an award (imports)", SEQUENCE),
    ("Indicator display order", DISPLAY_ORDER),
    ("Financial years (budget lines, targets, returns)", FINANCIAL_YEAR),
]


def markdown_table() -> str:
    """The README's table of ranges (tests/trust/test_limits.py keeps the README equal to this)."""
    lines = ["| What | Allowed |", "|---|---|"]
    for what, range_ in README_ROWS:
        lines.append(f"| {what} | {range_.expectation} |")
    lines.append(
        f"| Every date (award periods, call dates, payment dates) | {DATE_RANGE_TEXT}; a payment's date paid is "
        "also not before the award's start (or offer) date and not after today |"
    )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ migrations


def refuse_rows_outside(apps, app_label, operations):
    """For a migration that adds range constraints: raise, naming every row that would break one, so that
    nobody meets an unexplained IntegrityError half-way through ``migrate``. Run after any repair step."""
    from django.db import migrations

    problems = []
    for operation in operations:
        if not isinstance(operation, migrations.AddConstraint):
            continue
        model = apps.get_model(app_label, operation.model_name)
        # Only the primary keys are read: an out-of-range value may not even convert (SQLite's 1E+20).
        bad = list(model.objects.filter(~operation.constraint.condition).values_list("pk", flat=True)[:20])
        if bad:
            problems.append(f"{model._meta.db_table} rows {bad}: {operation.constraint.violation_error_message}")
    if problems:
        raise RuntimeError(
            "These rows hold values outside the ranges in commissioning/limits.py. Correct them (for example in "
            "the admin or with SQL), then run migrate again:\n" + "\n".join(problems)
        )
