"""`make loadtest`: the deadline-day load test.

Creates the PostgreSQL database bcsp_loadtest (on the server DATABASE_URL points at, default
127.0.0.1:5432), seeds a call closing at a known instant and 50 providers with a draft each, starts gunicorn
(several workers, production settings over plain HTTP), then from this process drives 50 concurrent
providers with bounded threads: each signs in, saves its draft five times and submits once, half of them
after the deadline. Reports requests, errors and latency, then compares the database with what the clients
believe. Everything has a timeout; gunicorn is stopped and the database dropped on exit.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from . import adapter

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
DB_NAME = "bcsp_loadtest"
REQUEST_TIMEOUT = 10  # seconds, per request
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- loadtest:start -->", "<!-- loadtest:end -->"
REPORT = []  # the lines printed, copied into docs/performance.md at the end


def say(line=""):
    print(line, flush=True)
    REPORT.append(line)


def write_doc(header):
    """Put this run's report between the load-test markers in docs/performance.md."""
    text = DOC.read_text()
    if START not in text:
        return
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    body = "\n".join([header, "", "```", *REPORT, "```"])
    DOC.write_text(f"{head}{START}\n{body}\n{END}{tail}")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.errors = [], []

    def request(self, session, method, url, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                self.errors.append(f"{method} {url}: {type(exc).__name__}")
            return None
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            if response.status_code >= 500:
                self.errors.append(f"{method} {url}: HTTP {response.status_code}")
        return response


def csrf_token(response):
    match = CSRF_FIELD.search(response.text) if response is not None else None
    return match.group(1) if match else ""


def sign_in(base, plan, provider, recorder):
    """Sign in through the portal's form (CSRF token from the page). Returns the session, or None."""
    session = requests.Session()
    sign_in_url = base + plan["sign_in_path"]
    page = recorder.request(session, "GET", sign_in_url)
    data = {
        adapter.SIGN_IN_FIELDS["email"]: provider["email"],
        adapter.SIGN_IN_FIELDS["password"]: provider["password"],
        "csrfmiddlewaretoken": csrf_token(page),
    }
    response = recorder.request(session, "POST", sign_in_url, data=data, headers={"Referer": sign_in_url})
    return session if response is not None and "sessionid" in session.cookies else None


def provider_journey(base, provider, session, deadline, submit_at, recorder, stop_at):
    """One signed-in provider: five saves spread before its submit time, one submit. Returns its beliefs."""
    beliefs = {
        "number": provider["number"],
        "application": provider["application"],
        "before_deadline": submit_at < deadline,
        "last_saved": None,
        "submit": {"outcome": "not attempted"},
    }
    if session is None:
        beliefs["submit"] = {"outcome": "error", "detail": "could not sign in"}
        return beliefs
    save_url, submit_url = base + provider["save_path"], base + provider["submit_path"]
    # People do not all press Save in the same millisecond: each provider starts at its own moment within
    # its first save interval (seeded by its number, so runs repeat), then saves at an even pace.
    time.sleep(random.Random(provider["number"]).uniform(0, max(0.1, (submit_at - 2 - time.time()) / 5)))
    now = time.time()
    gap = max(0.1, (submit_at - 2 - now) / 5)
    for save_number in range(1, 6):
        if time.time() > stop_at:
            break
        page = recorder.request(session, "GET", save_url)
        fields = adapter.save_fields(save_number, provider["number"])
        response = recorder.request(
            session,
            "POST",
            save_url,
            data={**fields, "csrfmiddlewaretoken": csrf_token(page)},
            headers={"Referer": save_url},
        )
        if response is not None and adapter.save_acknowledged(response):
            beliefs["last_saved"] = fields[adapter.SAVED_FIELD]
        time.sleep(min(gap, max(0, stop_at - time.time())))
    time.sleep(max(0, min(submit_at, stop_at) - time.time()))
    page = recorder.request(session, "GET", submit_url)
    response = recorder.request(
        session,
        "POST",
        submit_url,
        data={**adapter.SUBMIT_FIELDS, "csrfmiddlewaretoken": csrf_token(page)},
        headers={"Referer": submit_url},
    )
    beliefs["submitted_at"] = time.time()
    beliefs["before_deadline"] = beliefs["submitted_at"] < deadline
    if response is None:
        beliefs["submit"] = {"outcome": "error", "detail": "no response"}
    elif adapter.DEADLINE_MESSAGE in response.text:
        beliefs["submit"] = {"outcome": "refused"}
    elif (match := adapter.REFERENCE_PATTERN.search(response.text)) and response.ok:
        beliefs["submit"] = {"outcome": "submitted", "reference": match.group(0)}
    else:
        beliefs["submit"] = {
            "outcome": "error",
            "detail": f"HTTP {response.status_code}, no reference or deadline message",
        }
    return beliefs


def report(title, recorder, target=False):
    latencies = sorted(recorder.latencies)
    say(f"{title}: {len(latencies)} requests, {len(recorder.errors)} errors (5xx or no response)")
    if latencies:
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        say(
            f"  latency p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
            + ("" if not target else "  (target p95 < 1 s: " + ("met)" if p95 < 1 else "NOT MET)"))
        )
    for error in recorder.errors[:20]:
        say(f"  ERROR: {error}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def django_step(db_url, *args, timeout, stdout=None):
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "loadtest.settings"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, timeout=timeout, stdout=stdout).returncode


def machine():
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = "unknown CPU"
    return f"{cpu}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"


def admin(url, *statements):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        for sql in statements:
            conn.execute(sql)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--deadline-in", type=int, default=30, help="seconds from the start of driving")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args(argv)
    # A terminated run still stops gunicorn and drops its database (the finally block below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("terminated"))
    port = args.port or free_port()
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The load test needs PostgreSQL: set DATABASE_URL to a postgres:// URL (its server is used).")
    parts = urlsplit(base_url)
    db_url = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    # The seeded drafts' attachments go to a throwaway directory, removed at the end.
    media = tempfile.mkdtemp(prefix="bcsp-loadtest-media-")
    os.environ.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="false",
        PRIVATE_MEDIA_ROOT=media,
    )
    # Fail before doing anything if the portal's pages are not there: never report a fake success.
    if django_step(db_url, "-m", "loadtest.django_side", "check", timeout=120):
        sys.exit(2)
    RESULTS.mkdir(exist_ok=True)
    plan_path, beliefs_path = RESULTS / "loadtest_plan.json", RESULTS / "loadtest_beliefs.json"
    admin(admin_url, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    gunicorn = None
    try:
        if django_step(db_url, "manage.py", "migrate", "--noinput", "-v0", timeout=900):
            sys.exit("migrate failed")
        # The call closes in an hour while seeding and signing in; the real deadline is set once all are in.
        placeholder = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        if django_step(
            db_url,
            "-m",
            "loadtest.django_side",
            "seed",
            "--providers",
            str(args.providers),
            "--closes-at",
            placeholder.isoformat(),
            "--out",
            str(plan_path),
            timeout=300,
        ):
            sys.exit("seeding failed")
        plan = json.loads(plan_path.read_text())
        env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "loadtest.settings"}
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        ready_by = time.time() + 30
        while True:
            if gunicorn.poll() is not None:
                sys.exit("gunicorn exited during start-up (see its messages above)")
            try:
                requests.get(base + plan["sign_in_path"], timeout=2)
                break
            except requests.RequestException:
                if time.time() > ready_by:
                    sys.exit("gunicorn did not start within 30 seconds")
                time.sleep(0.5)
        providers = plan["providers"]
        # Sign-in phase (not in the 60-second window): password hashing is deliberately slow, and on the day
        # people sign in over minutes, not in the same second. Ten at a time; reported separately.
        sign_ins = Recorder()
        with ThreadPoolExecutor(max_workers=10) as pool:
            sessions = list(pool.map(lambda p: sign_in(base, plan, p, sign_ins), providers, timeout=300))
        report("Sign-in phase", sign_ins)
        start = time.time() + 5
        deadline = start + args.deadline_in
        closes_at = dt.datetime.fromtimestamp(deadline, dt.UTC)
        if django_step(
            db_url, "-m", "loadtest.django_side", "deadline", "--closes-at", closes_at.isoformat(), timeout=60
        ):
            sys.exit("could not set the deadline")
        time.sleep(max(0, start - time.time()))
        if time.time() > deadline - 12:
            sys.exit("setting the deadline took too long: the before-deadline submissions would be late")
        stop_at = start + 60
        recorder = Recorder()
        half = len(providers) // 2
        schedule = [deadline - 10 + 8 * i / max(1, half) for i in range(half)]  # before: T-10 s .. T-2 s
        schedule += [deadline + 2 + 20 * i / max(1, len(providers) - half) for i in range(len(providers) - half)]
        pool = ThreadPoolExecutor(max_workers=len(providers))
        futures = [
            pool.submit(provider_journey, base, p, session, deadline, at, recorder, stop_at)
            for p, session, at in zip(providers, sessions, schedule)
        ]
        done, not_done = wait(futures, timeout=90)
        pool.shutdown(wait=False, cancel_futures=True)  # stragglers end at their request timeout
        clients = [f.result() for f in done]
        beliefs_path.write_text(json.dumps({"clients": clients}, indent=2))
        outcomes = {}
        for client in clients:
            outcomes[client["submit"]["outcome"]] = outcomes.get(client["submit"]["outcome"], 0) + 1
        say(f"Providers finished: {len(done)}/{len(futures)}; submit outcomes: {outcomes}")
        report("Deadline window (saves and submits)", recorder, target=True)
        verify_log = RESULTS / "loadtest_verify.txt"
        with open(verify_log, "w") as out:
            problems = django_step(
                db_url, "-m", "loadtest.django_side", "verify", "--beliefs", str(beliefs_path), timeout=120, stdout=out
            )
        for line in verify_log.read_text().splitlines():
            say(line)
        failed = bool(problems or recorder.errors or sign_ins.errors or not_done)
        say("LOAD TEST " + ("FAILED" if failed else "PASSED: no lost or duplicated submissions, no errors"))
        if not args.no_doc:
            write_doc(
                f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} on {machine()}: {len(providers)} "
                f"providers, gunicorn {args.workers} workers, deadline {args.deadline_in} s after the start."
            )
        sys.exit(1 if failed else 0)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        admin(admin_url, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
