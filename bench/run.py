"""`make bench`: build synthetic datasets at scale 1 and 10 in databases of the bench's own, measure every
page in bench/pages.py on each, and report query counts, medians and the issue's targets per row.

PostgreSQL when DATABASE_URL points at it (the bench creates and drops <database>_bench_<scale> on that
server, named after DATABASE_URL's database so that benches for different databases never meet; that
database itself is never touched), else SQLite files under bench-results/.
Writes bench-results/latest.json and latest.md and copies the table into docs/performance.md.
Benchmarks live outside tests/ because they are measurements, not pass/fail checks.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
MAX_QUERIES = 15
FLOOR_RATIO = 3.0
GROWTH = {"paginated": 1.2, "aggregate": 2.0, "export": 1.2}
OPENPYXL_RATIO = 1.5


class Database:
    """A throwaway database for one dataset."""

    def __init__(self, scale: str):
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        prefix = (urlsplit(base).path.strip("/") if self.postgres else "") or "bcsp"
        self.name = f"{prefix}_bench_{scale.replace('.', '_')}"
        if self.postgres:
            parts = urlsplit(base)
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        else:
            self.path = RESULTS / f"{self.name}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def create(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')
        else:
            self.path.unlink(missing_ok=True)

    def drop(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            self.path.unlink(missing_ok=True)

    def _admin(self, *statements):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            for sql in statements:
                conn.execute(sql)

    def version(self):
        if not self.postgres:
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"
        import psycopg

        with psycopg.connect(self.admin_url, connect_timeout=10) as conn:
            return conn.execute("SELECT version()").fetchone()[0]


def manage(db, *args, timeout):
    env = {**os.environ, "DATABASE_URL": db.url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def machine(db):
    cpu, ram = "unknown", "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        kib = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return {
        "uname": " ".join(platform.uname()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "database": db.version(),
        "python": platform.python_version(),
    }


def run_scale(scale, runs, pages=""):
    db = Database(scale)
    out = RESULTS / f"scale_{scale}.json"
    db.create()
    try:
        print(f"== scale {scale}: migrating {db.name}", flush=True)
        manage(db, "manage.py", "migrate", "--noinput", "-v0", timeout=900)
        started = time.monotonic()
        manage(db, "manage.py", "generate_synthetic", "--scale", scale, "--seed", "1", timeout=3600)
        build_seconds = round(time.monotonic() - started, 1)
        print(f"== scale {scale}: measuring", flush=True)
        measure = ["-m", "bench.measure", "--scale", scale, "--runs", str(runs), "--out", str(out), "--pages", pages]
        manage(db, *measure, timeout=3600)
        result = json.loads(out.read_text())
        result["build_seconds"] = build_seconds
        return result, machine(db)
    finally:
        db.drop()


def floor_ratio(page):
    """The page's median over its floor's, both timed alternately in the same run."""
    return page["median_ms"] / max(page.get("floor_ms", 0), 0.01)


def growth(small, big):
    """Scale 10 over scale 1, each measured against its own paired floor so that a busier machine
    during one run does not read as growth (the raw medians are in the table too)."""
    return floor_ratio(big) / max(floor_ratio(small), 0.0001)


def own_queries(result, page):
    """The page's queries less its floor's (same base template, same user): what the page itself asks for.
    The floor's are the framework's fixed cost: session, user, the Wagtail admin's menu and permission look-ups."""
    floor = result.get("floors", {}).get(f"{page['floor']}:{page['user']}", {})
    return page["queries"] - floor.get("queries", 0)


def verdicts(small, large):
    """Compare each page with the targets; returns rows for the table."""
    rows = []
    large_pages = {p["name"]: p for p in large["pages"]} if large else {}
    for page in small["pages"]:
        big = large_pages.get(page["name"], {})
        row = {"page": page, "large": big, "checks": []}
        if page["status"] != "measured" or (large and big.get("status") != "measured"):
            reason = page.get("reason") or big.get("reason", "")
            status = page["status"] if page["status"] != "measured" else big.get("status", "not available")
            row["verdict"] = f"{status}: {reason}"
            rows.append(row)
            continue
        checks = row["checks"]
        counts = [own_queries(small, page)] + ([own_queries(large, big)] if big else [])
        checks.append(("own queries <= 15", max(counts) <= MAX_QUERIES))
        if big:
            checks.append(("same queries at both sizes", big["queries"] == page["queries"]))
        if page["kind"] == "export" and "openpyxl_median_ms" in page:
            ratio = page.get("openpyxl_ratio", OPENPYXL_RATIO)
            for name, result in (("", page), (" at scale 10", big)):  # held at both sizes
                if "openpyxl_median_ms" in result:
                    limit = ratio * max(result["openpyxl_median_ms"], 0.01)
                    checks.append((f"<= {ratio:g}x openpyxl{name}", result["median_ms"] <= limit))
        elif page["kind"] != "export":
            checks.append(("<= 3x floor", floor_ratio(page) <= FLOOR_RATIO))
        if big:
            limit = GROWTH[page["kind"]]
            checks.append((f"scale 10 <= {limit}x scale 1", growth(page, big) <= limit))
        failed = [name for name, ok in checks if not ok]
        row["verdict"] = "meets targets" if not failed else "does not meet: " + "; ".join(failed)
        rows.append(row)
    return rows


def table(results, rows, info):
    small, large = results[0], results[1] if len(results) > 1 else None
    s1, s2 = small["scale"], large["scale"] if large else "-"
    lines = [
        f"Run {info['when']} on `{info['machine']['uname']}`; CPU {info['machine']['cpu']}, "
        f"{info['machine']['cores']} cores, {info['machine']['ram']} RAM; {info['machine']['database']}; "
        f"Python {info['machine']['python']}.",
        "",
        "Datasets (built by `generate_synthetic`):",
        "",
        "| scale | build (s) | " + " | ".join(small["counts"]) + " |",
        "|---|---|" + "---|" * len(small["counts"]),
    ]
    for result in results:
        lines.append(
            f"| {result['scale']} | {result['build_seconds']} | "
            + " | ".join(f"{v:,}" for v in result["counts"].values())
            + " |"
        )
    lines += [
        "",
        "Floors measured on their own (median ms): "
        + "; ".join(
            f"{key} {scale_result['floors'][key].get('median_ms', 'n/a')} at scale {scale_result['scale']}"
            for scale_result in results
            for key in scale_result["floors"]
        ),
        "",
        '"floor ms" is the trivial view through the same base template, timed alternately with the page as the '
        'same user; "x floor" is the page\'s median over it (target <= 3); "growth" is scale 10\'s x-floor over '
        "scale 1's (targets <= 1.2 for lists and detail pages, <= 2 for aggregates). \"Own queries\" is the page's "
        "count less its floor's (session, user, Wagtail admin menu and permissions, session save: the same on every "
        "page); the 15-query target is held against it.",
        "",
    ]
    lines += [
        f"| Page | User | Queries (scale {s1} / {s2}) | Own queries | Median ms (scale {s1} / {s2}) | "
        f"floor ms (scale {s1}) | "
        "x floor | growth | openpyxl ms (scale 1 / 10) | Verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        page, big = row["page"], row["large"]
        if page["status"] != "measured" or (large and big.get("status") != "measured"):
            lines.append(f"| {page['name']} | {page['user']} | – | – | – | – | – | – | – | {row['verdict']} |")
            continue
        lines.append(
            f"| {page['name']} | {page['user']} | {page['queries']} / {big.get('queries', '–')} | "
            f"{own_queries(small, page)} / {own_queries(large, big) if big else '–'} | "
            f"{page['median_ms']} / {big.get('median_ms', '–')} | {page.get('floor_ms', '–')} | "
            f"{floor_ratio(page):.1f} | {f'{growth(page, big):.2f}' if big else '–'} | "
            f"{' / '.join(str(r['openpyxl_median_ms']) for r in (page, big) if 'openpyxl_median_ms' in r) or '–'} | "
            f"{row['verdict']} |"
        )
    return "\n".join(lines) + "\n"


def write_doc(markdown):
    DOC.parent.mkdir(exist_ok=True)
    text = (
        DOC.read_text()
        if DOC.exists()
        else (
            '# Performance\n\nThe latest `make bench` run (see README, "Scaling"). Timings are server-side, '
            "in-process (Django's test client), median of warmed runs; query counts from one request.\n\n"
            f"{START}\n{END}\n"
        )
    )
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n{markdown}{END}{tail}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated, smallest first (default 1,10)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page after warming")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    parser.add_argument(
        "--pages", default="", help="only these pages of bench/pages.py (names, comma-separated); implies --no-doc"
    )
    args = parser.parse_args(argv)
    from .pages import selected

    selected(args.pages)  # an unknown page name stops the run before any dataset is built
    RESULTS.mkdir(exist_ok=True)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL is not a PostgreSQL URL: benchmarking on SQLite (figures are not production-like).",
            flush=True,
        )
    results, info = [], None
    for scale in args.scales.split(","):
        result, machine_info = run_scale(scale.strip(), args.runs, args.pages)
        results.append(result)
        info = {"when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine_info}
    rows = verdicts(results[0], results[1] if len(results) > 1 else None)
    markdown = table(results, rows, info)
    (RESULTS / "latest.json").write_text(
        json.dumps({"info": info, "results": results, "verdicts": [r["verdict"] for r in rows]}, indent=2)
    )
    (RESULTS / "latest.md").write_text(markdown)
    if not args.no_doc and not args.pages:  # the document's table lists every page
        write_doc(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
