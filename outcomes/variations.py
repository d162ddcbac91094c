"""A variation's before and after values as rows a person can read (the stored form is a JSON dict)."""

import datetime as dt
from decimal import Decimal

from commissioning import formats
from commissioning.models import Indicator, Theme

from .models import ALLOCATION_FIELDS


def _percent_from_bp(value):
    return formats.percent(Decimal(value) / 100, places=2) if value is not None else "None"


def _date(value):
    return formats.govuk_date(dt.date.fromisoformat(value)) if value else "None"


def _target_key(key):
    """ "12/2026/Q2" (indicator id, financial year, quarter) -> (12, 2026, 2)."""
    indicator_id, year, quarter = key.split("/")
    return int(indicator_id), int(year), int(quarter.lstrip("Q"))


def change_rows(variations):
    """{variation pk: [(what changed, before, after)]} for the given variations, in two queries at most."""
    variations = list(variations)
    indicator_ids = {
        _target_key(key)[0]
        for variation in variations
        for side in (variation.changes.get("targets") or [{}, {}])
        for key in (side or {})
    }
    indicators = Indicator.objects.in_bulk(indicator_ids) if indicator_ids else {}
    themes = (
        dict(Theme.objects.values_list("slug", "name")) if any("allocation_bp" in v.changes for v in variations) else {}
    )
    return {variation.pk: _rows(variation.changes, indicators, themes) for variation in variations}


def _rows(changes, indicators, themes):
    rows = []
    if "amount" in changes:
        before, after = changes["amount"]
        rows.append(("Amount", formats.money(before), formats.money(after)))
    if "end_date" in changes:
        before, after = changes["end_date"]
        rows.append(("End date", _date(before), _date(after)))
    if "allocation_bp" in changes:
        before, after = changes["allocation_bp"]
        for slug in ALLOCATION_FIELDS:
            if before.get(slug) != after.get(slug):
                rows.append(
                    (
                        f"Theme allocation: {themes.get(slug, slug)}",
                        _percent_from_bp(before.get(slug)),
                        _percent_from_bp(after.get(slug)),
                    )
                )
    if "targets" in changes:
        before, after = changes["targets"]
        for key in sorted(after, key=_target_key):
            indicator_id, year, quarter = _target_key(key)
            indicator = indicators.get(indicator_id)
            name = indicator.name if indicator else "An indicator no longer in the library"
            rows.append(
                (
                    f"Target: {name}, {formats.quarter(year, quarter)}",
                    formats.figure(before.get(key), empty="None") if before else "None",
                    formats.figure(after[key], empty="None"),
                )
            )
    return rows
