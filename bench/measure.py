"""Measure every page in bench.pages.PAGES against the current database (run by bench/run.py in a fresh
process per dataset, with DJANGO_SETTINGS_MODULE=bench.settings). Writes one JSON file."""

import argparse
import io
import json
import statistics
import sys
import time
from dataclasses import replace

import django

WARM_RUNS = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def resolve(page, obj):
    """(path, None) or (None, reason the page is not available)."""
    from django.urls import NoReverseMatch, Resolver404, reverse
    from django.urls import resolve as url_resolve

    if page.pick and obj is None:
        return None, f"no object to show: picker '{page.pick}' found nothing in this dataset"
    if page.url:
        try:
            return reverse(page.url, args=[*(getattr(obj, a) for a in page.args), *page.literal_args]), None
        except NoReverseMatch:
            return None, f"URL name '{page.url}' does not exist (not merged yet?)"
    path = page.path.format(obj=obj)
    try:
        match = url_resolve(path)
    except Resolver404:
        return None, f"path {path} does not resolve"
    if match.url_name == "wagtail_serve" and not page.wagtail_page:
        return None, f"path {path} only matches Wagtail's page catch-all"
    return path, None


def login(client, user):
    """Sign the test client in as ``user`` the way a real session would be: staff with a verified second
    factor (a confirmed TOTP device, as after signing in with a code), since /admin/ requires one when
    STAFF_2FA_REQUIRED is on (production and the bench); providers with their password session only."""
    from commissioning.roles import is_staff_user

    client.force_login(user)
    if not is_staff_user(user):
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Bench authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def measure_page(page, runs, floor_path=None):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from .pages import PICKERS, USERS

    row = {"name": page.name, "kind": page.kind, "floor": page.floor, "user": page.user}
    if page.kind == "export":
        row["openpyxl_ratio"] = page.openpyxl_ratio
    obj = PICKERS[page.pick]() if page.pick else None
    path, reason = resolve(page, obj)
    if path is None:
        return {**row, "status": "not available", "reason": reason}
    row["path"] = path
    client = Client()
    user = USERS[page.user]()
    if user is not None:
        login(client, user)
    try:
        for _ in range(WARM_RUNS):
            response = client.get(path)
            body_of(response)
        if response.status_code != 200:
            kind = "not available" if response.status_code == 404 else "error"
            return {**row, "status": kind, "reason": f"HTTP {response.status_code} for {path}"}
        with CaptureQueriesContext(connection) as queries:
            body = body_of(client.get(path))
        query_count = len(queries)  # read now: the capture is a lazy view of the connection's log
        timings, floor_timings = [], []
        for _ in range(runs):
            # The floor is timed alternately with the page, as the same user, so that both see the same
            # machine load: their ratio is robust on a busy machine, where absolute times are not.
            if floor_path:
                started = time.perf_counter()
                body_of(client.get(floor_path))
                floor_timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            body_of(client.get(path))
            timings.append((time.perf_counter() - started) * 1000)
    except Exception as exc:  # a page that crashes is an error in the table, not the end of the run
        return {**row, "status": "error", "reason": f"{type(exc).__name__}: {exc}"[:300]}
    row.update(
        status="measured",
        queries=query_count,
        median_ms=round(statistics.median(timings), 2),
        timings_ms=[round(t, 2) for t in timings],
        bytes=len(body),
        content_type=response.get("Content-Type", ""),
    )
    if floor_timings:
        row["floor_ms"] = round(statistics.median(floor_timings), 2)
    if row["content_type"].startswith(XLSX):
        row.update(bare_openpyxl(body, runs))
    return row


def bare_openpyxl(body, runs):
    """Time openpyxl write-only writing exactly the cells of the export: the cost of the file format."""
    from openpyxl import Workbook, load_workbook

    source = load_workbook(io.BytesIO(body), read_only=True)
    sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in source.worksheets]
    cells = sum(len(r) for _, rows in sheets for r in rows)
    timings = []
    for _ in range(WARM_RUNS + runs):
        started = time.perf_counter()
        book = Workbook(write_only=True)
        for title, rows in sheets:
            sheet = book.create_sheet(title)
            for values in rows:
                sheet.append(values)
        book.save(io.BytesIO())
        timings.append((time.perf_counter() - started) * 1000)
    return {"xlsx_cells": cells, "openpyxl_median_ms": round(statistics.median(timings[WARM_RUNS:]), 2)}


def dataset_counts():
    from django.apps import apps

    names = [
        "commissioning.Call",
        "commissioning.Application",
        "commissioning.Score",
        "commissioning.Organisation",
        "outcomes.Award",
        "outcomes.QuarterlyReturn",
        "outcomes.IndicatorResult",
        "outcomes.Payment",
    ]
    return {name.split(".")[1]: apps.get_model(name).objects.count() for name in names}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", required=True)
    parser.add_argument("--pages", default="", help="only these pages (names, comma-separated)")
    args = parser.parse_args(argv)
    django.setup()
    from django.urls import reverse

    from .pages import FLOORS, ensure_public_pages, selected

    PAGES = selected(args.pages)
    ensure_public_pages()
    result = {"scale": args.scale, "counts": dataset_counts(), "floors": {}, "pages": []}
    # One floor per (base template, user) pair in use: a signed-in request costs a session and a user query.
    for key in sorted({f"{page.floor}:{page.user}" for page in PAGES}):
        base, user = key.split(":")
        floor = measure_page(replace(FLOORS[base], user=user, name=f"{FLOORS[base].name} as {user}"), args.runs)
        result["floors"][key] = floor
        print(f"  floor {key}: {floor.get('median_ms', floor.get('reason'))} ms", flush=True)
    for page in PAGES:
        row = measure_page(page, args.runs, floor_path=reverse(FLOORS[page.floor].url))
        result["pages"].append(row)
        shown = f"{row['queries']} queries, {row['median_ms']} ms" if row["status"] == "measured" else row["reason"]
        print(f"  {page.name}: {row['status']} ({shown})", flush=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=2, default=str)


if __name__ == "__main__":
    sys.exit(main())
