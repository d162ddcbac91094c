"""Item 9: a populated database survives backup and restore with identical counts and totals.

Portable path (both databases): ``dumpdata --natural-foreign --natural-primary`` then ``migrate`` +
``loaddata`` into an empty database. PostgreSQL path: ``pg_dump -Fc`` then ``pg_restore`` into a fresh
database, exactly as the README's operator instructions say.
"""

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from commissioning import audit
from commissioning.models import ApplicationStatus, BudgetLine, Call
from commissioning.roles import Role
from tests import factories
from tests.conftest import otp_login

ROOT = Path(settings.BASE_DIR)
# Derived or transient tables that a restore rebuilds or does not need (documented in the README).
DUMP_EXCLUDES = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "wagtailsearch",
    "axes",
    "django_tasks_database",
    "wagtailadmin.admin",
    "wagtailcore.referenceindex",
]
COUNTED_APPS = ["commissioning", "outcomes", "cms", "otp_totp", "otp_static", "wagtailcore"]

COUNT_SCRIPT = """
import json
from decimal import Decimal
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Sum
from commissioning.models import BudgetLine, Call, User
# wagtailcore.ReferenceIndex is derived data: not dumped; rebuilt after a restore (rebuild_references_index).
counts = {m._meta.label: m._base_manager.count() for a in COUNTED_APPS for m in apps.get_app_config(a).get_models()
          if m._meta.label != "wagtailcore.ReferenceIndex"}
counts["auth.Group"] = Group.objects.count()
counts["user_groups"] = User.groups.through.objects.count()
totals = {
    "budget_lines": str(BudgetLine.objects.aggregate(t=Sum("amount"))["t"] or Decimal("0")),
    "call_budgets": str(Call.objects.aggregate(t=Sum("total_budget"))["t"] or Decimal("0")),
    "emails": sorted(User.objects.values_list("email", flat=True)),
    "groups_of": sorted((u.email, g) for u in User.objects.all() for g in u.groups.values_list("name", flat=True)),
}
print("RESULT" + json.dumps({"counts": counts, "totals": totals}))
""".replace("COUNTED_APPS", repr(COUNTED_APPS))


def populate():
    organisation = factories.OrganisationFactory(name="Cymdeithas Ŵyn – Łódź ☂")
    provider = factories.provider_user(organisation)
    commissioner = factories.staff_user(Role.COMMISSIONER)
    call = factories.CallFactory(total_budget=Decimal("250000.00"))
    for amount in ["1234.56", "99999.99", "0.01"]:
        app = factories.ApplicationFactory(
            call=call, organisation=factories.OrganisationFactory(), status=ApplicationStatus.SUBMITTED
        )
        factories.BudgetLineFactory(application=app, amount=Decimal(amount))
        audit.record(actor=provider, action="application.submitted", obj=app, from_state="draft", to_state="submitted")
    factories.AssessmentFactory(application=app)
    from django.test import Client

    otp_login(Client(), commissioner)  # a TOTP device too
    return {"budget_total": Decimal("101234.56")}


def current_state():
    script = {}
    exec(COUNT_SCRIPT.replace('print("RESULT" + json.dumps(', "script['out'] = (("), {"script": script})
    return json.loads(json.dumps(script["out"]))


def run(args, env, check=True):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage_env(database_url):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    return env


def state_of(database_url):
    result = run([sys.executable, "manage.py", "shell", "-c", COUNT_SCRIPT], manage_env(database_url))
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])


def pg_url(name):
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


class FreshPostgresDatabase:
    def __init__(self):
        self.name = f"bcsp_restore_{uuid.uuid4().hex[:12]}"

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dumpdata_then_loaddata_into_an_empty_database_keeps_counts_and_totals(tmp_path):
    expected = populate()
    before = current_state()
    assert Decimal(before["totals"]["budget_lines"]) == expected["budget_total"]
    assert before["counts"]["commissioning.Application"] == 3
    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--indent",
        "0",
        *[arg for app in DUMP_EXCLUDES for arg in ("-e", app)],
        output=str(dump),
    )
    if connection.vendor == "postgresql":
        with FreshPostgresDatabase() as target:
            after = restore_with_loaddata(pg_url(target.name), dump)
    else:
        after = restore_with_loaddata(f"sqlite:///{tmp_path / 'restored.sqlite3'}", dump)
    assert_same(before, after)


def assert_same(before, after):
    differences = [
        f"{section}.{key}: before {before[section].get(key)!r}, after {after[section].get(key)!r}"
        for section in ("counts", "totals")
        for key in sorted(set(before[section]) | set(after[section]))
        if before[section].get(key) != after[section].get(key)
    ]
    assert not differences, "\n".join(differences)


def restore_with_loaddata(database_url, dump):
    env = manage_env(database_url)
    run([sys.executable, "manage.py", "migrate", "--noinput"], env)
    run([sys.executable, "manage.py", "loaddata", str(dump)], env)
    run([sys.executable, "manage.py", "rebuild_references_index"], env)
    return state_of(database_url)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pg_dump_then_pg_restore_into_a_fresh_database(tmp_path):
    populate()
    before = current_state()
    source = settings.DATABASES["default"]["NAME"]
    archive = tmp_path / "bcsp.dump"
    env = {**os.environ, "PGPASSWORD": settings.DATABASES["default"].get("PASSWORD") or ""}
    host = settings.DATABASES["default"]["HOST"] or "127.0.0.1"
    port = str(settings.DATABASES["default"]["PORT"] or 5432)
    user = settings.DATABASES["default"]["USER"]
    run(["pg_dump", "-Fc", "--no-owner", "-h", host, "-p", port, "-U", user, "-f", str(archive), source], env)
    with FreshPostgresDatabase() as target:
        run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "-h",
                host,
                "-p",
                port,
                "-U",
                user,
                "-d",
                target.name,
                str(archive),
            ],
            env,
        )
        after = state_of(pg_url(target.name))
    assert_same(before, after)
    assert Decimal(after["totals"]["budget_lines"]) == BudgetLine.objects.aggregate(t=Sum("amount"))["t"]
    assert (
        after["counts"]["commissioning.Call"]
        == Call.objects.count()
        == apps.get_model("commissioning", "Call").objects.count()
    )
