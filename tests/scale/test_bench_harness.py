"""The benchmark's bookkeeping (not its timings): unresolved pages are reported, never passed."""

import pytest

from bench import run
from bench.measure import resolve
from bench.pages import PAGES, PICKERS, USERS, Page, selected


def test_a_missing_url_name_is_not_available():
    path, reason = resolve(Page("Later", user="executive", url="reporting:nowhere"), None)
    assert path is None and "does not exist" in reason


def test_a_path_caught_only_by_wagtail_is_not_available():
    path, reason = resolve(Page("Later", user="anonymous", path="/portal-later/"), None)
    assert path is None and "catch-all" in reason


def test_a_page_needing_an_object_that_is_missing_is_not_available():
    path, reason = resolve(Page("Award", user="commissioner", url="calls:inspect", pick="award", args=("pk",)), None)
    assert path is None and "found nothing" in reason


def test_an_existing_page_resolves():
    assert resolve(Page("Dashboard", user="provider", url="portal:dashboard"), None) == ("/portal/", None)


def test_every_entry_names_a_known_user_and_picker():
    for page in PAGES:
        assert page.user in USERS
        assert not page.pick or page.pick in PICKERS
        assert page.kind in run.GROWTH and bool(page.url) != bool(page.path)


def _result(scale, pages, floor_ms=10.0):
    return {
        "scale": scale,
        "floors": {"admin:commissioner": {"status": "measured", "median_ms": floor_ms}},
        "pages": pages,
    }


def _page(name, queries, ms, kind="paginated", status="measured", floor_ms=10.0):
    return {
        "name": name,
        "user": "commissioner",
        "floor": "admin",
        "kind": kind,
        "status": status,
        "queries": queries,
        "median_ms": ms,
        "floor_ms": floor_ms,
        "reason": "URL name 'x' does not exist",
    }


def test_verdicts_per_row():
    small = _result(
        "1",
        [_page("ok", 10, 20), _page("n+1", 10, 20), _page("slow", 5, 50), _page("later", 0, 0, status="not available")],
    )
    # At scale 10 the machine was busier (floor 20 ms): "ok" doubled in raw time but not against its floor.
    large = _result(
        "10",
        [
            _page("ok", 10, 44, floor_ms=20),
            _page("n+1", 40, 21),
            _page("slow", 5, 52),
            _page("grows", 5, 60),
            _page("later", 0, 0, status="not available"),
        ],
    )
    small["pages"].append(_page("grows", 5, 20))
    verdicts = {row["page"]["name"]: row["verdict"] for row in run.verdicts(small, large)}
    assert verdicts["ok"] == "meets targets"
    assert "own queries <= 15" in verdicts["n+1"] and "same queries" in verdicts["n+1"]
    assert "3x floor" in verdicts["slow"]
    assert verdicts["later"].startswith("not available")
    assert verdicts["grows"] == "does not meet: scale 10 <= 1.2x scale 1"
    assert "growth" not in verdicts["slow"] and "scale 10" not in verdicts["slow"]


def test_the_query_target_is_held_against_the_page_less_its_floor():
    small = _result("1", [_page("admin page", 25, 20), _page("heavy", 30, 20)])
    small["floors"]["admin:commissioner"]["queries"] = 12
    assert run.own_queries(small, small["pages"][0]) == 13
    verdicts = {row["page"]["name"]: row["verdict"] for row in run.verdicts(small, None)}
    assert verdicts["admin page"] == "meets targets"
    assert "own queries <= 15" in verdicts["heavy"]


def test_an_export_is_held_to_its_own_openpyxl_ratio():
    pack = {**_page("pack", 10, 190, kind="export"), "openpyxl_median_ms": 100.0, "openpyxl_ratio": 2.0}
    other = {**_page("other", 10, 190, kind="export"), "openpyxl_median_ms": 100.0}
    verdicts = {row["page"]["name"]: row["verdict"] for row in run.verdicts(_result("1", [pack, other]), None)}
    assert verdicts["pack"] == "meets targets"
    assert verdicts["other"] == "does not meet: <= 1.5x openpyxl"
    assert next(p for p in PAGES if p.name == "Board pack").openpyxl_ratio == 2.0


def test_pages_can_be_selected_by_name_and_a_wrong_name_stops_the_run():
    assert [p.name for p in selected("Board pack, 360Giving export")] == ["360Giving export", "Board pack"]
    assert selected("") == PAGES
    with pytest.raises(SystemExit, match="No page named 'Bored pack'"):
        selected("Bored pack")


def test_the_openpyxl_ratio_is_held_at_both_sizes():
    small = {**_page("pack", 10, 190, kind="export"), "openpyxl_median_ms": 100.0, "openpyxl_ratio": 2.0}
    large = {**_page("pack", 10, 2500, kind="export"), "openpyxl_median_ms": 1000.0, "openpyxl_ratio": 2.0}
    (row,) = run.verdicts(_result("1", [small]), _result("10", [large]))
    assert "<= 2x openpyxl at scale 10" in row["verdict"] and "<= 2x openpyxl;" not in row["verdict"]
