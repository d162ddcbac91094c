"""The load test's steps that run inside Django (in their own process, against the load-test database):
check the adapter's URLs exist, seed the call and providers, and verify the database afterwards."""

import argparse
import datetime as dt
import json
import sys

import django

PASSWORD = "load-test-password-not-secret"
REFERENCE = "LOAD-{year}-01"


def check():
    from django.urls import NoReverseMatch, reverse

    from . import adapter

    missing = []
    for name in adapter.REQUIRED_URL_NAMES:
        try:
            reverse(name, args=adapter.url_args(name, 1))
        except NoReverseMatch:
            missing.append(name)
    if missing:
        print(
            "LOAD TEST CANNOT RUN: these portal URLs do not exist: " + ", ".join(missing) + ".\n"
            "The provider portal's save and submit pages are not merged yet, or their names differ: edit "
            "loadtest/adapter.py to match the portal's URL names and form fields.",
            file=sys.stderr,
        )
        return 2
    return 0


def seed(providers, closes_at, out):
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from commissioning.models import (
        Application,
        Attachment,
        AttachmentKind,
        BudgetLine,
        Call,
        Criterion,
        Indicator,
        Membership,
        Organisation,
        ProposedOutcome,
        ProposedTarget,
        Question,
        Theme,
        User,
    )
    from commissioning.roles import Role
    from commissioning.services.applications import project_years

    from . import adapter

    closes = dt.datetime.fromisoformat(closes_at)
    password_hash = make_password(PASSWORD)
    plan = {"closes_at": closes.isoformat(), "sign_in_path": reverse(adapter.SIGN_IN_URL_NAME), "providers": []}
    with transaction.atomic():
        call = Call.objects.create(
            reference=REFERENCE.format(year=closes.year),
            title="Load test call",
            summary="Deadline-day load test.",
            total_budget=1_000_000,
            min_grant=1000,
            max_grant=50000,
            opens_at=closes - dt.timedelta(days=30),
            closes_at=closes,
            eligibility="Anyone.",
        )
        call.themes.set(Theme.objects.all()[:2])
        call.save()  # a ParentalManyToManyField (modelcluster) keeps its set() in memory until the call is saved
        Criterion.objects.create(call=call, name="Need", weight=100, sort_order=0)
        question = Question.objects.create(call=call, text="How will you reach people?", sort_order=0)
        provider_group = Group.objects.get(name=Role.PROVIDER.value)
        years = project_years(call)
        indicator = Indicator.objects.library().first()
        # Each draft is complete under the portal's rules (every section, both required attachments), so
        # the only reason a submission can be refused is the deadline.
        document = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        for n in range(1, providers + 1):
            org = Organisation.objects.create(
                name=f"Load Test Organisation {n:03d}",
                legal_form="community_group",
                address_line_1="1 Road",
                postcode="DA6 7AT",
                income_band="10k_100k",
                safeguarding_lead_name="Lead",
                safeguarding_lead_email=f"lead{n}@loadtest.example",
            )
            user = User.objects.create(
                email=f"provider{n:03d}@loadtest.example",
                password=password_hash,
                first_name="Load",
                last_name=f"Tester {n}",
                email_confirmed_at=timezone.now(),
            )
            user.groups.add(provider_group)
            Membership.objects.create(user=user, organisation=org, role="org_admin", status="approved")
            application = Application.objects.create(
                call=call,
                organisation=org,
                created_by=user,
                project_title="Not saved yet",
                summary="A summary.",
                need_and_evidence="Need.",
                delivery_plan="Plan.",
                beneficiaries="People.",
                beneficiary_count=50,
                safeguarding_approach="Policy.",
                themes_how="How.",
                declares_information_true=True,
                declares_policies_in_place=True,
                declares_data_protection=True,
            )
            application.themes.set(call.themes.all())
            application.answers.create(question=question, text="By outreach.")
            BudgetLine.objects.create(
                application=application, category="staff", description="Worker", financial_year=years[0], amount=10000
            )
            outcome = ProposedOutcome.objects.create(application=application, indicator=indicator)
            ProposedTarget.objects.bulk_create(
                ProposedTarget(outcome=outcome, financial_year=year, target=10) for year in years
            )
            for kind in (AttachmentKind.SAFEGUARDING_POLICY, AttachmentKind.ACCOUNTS):
                attachment = Attachment(
                    application=application,
                    kind=kind,
                    original_name=f"{kind}.pdf",
                    content_type="application/pdf",
                    size=len(document),
                    sha256="0" * 64,
                )
                attachment.file.save(f"{kind}.pdf", ContentFile(document), save=False)
                attachment.save()
            plan["providers"].append(
                {
                    "number": n,
                    "email": user.email,
                    "password": PASSWORD,
                    "application": application.pk,
                    "save_path": reverse(
                        adapter.SAVE_SECTION_URL_NAME,
                        args=adapter.url_args(adapter.SAVE_SECTION_URL_NAME, application.pk),
                    ),
                    "submit_path": reverse(
                        adapter.SUBMIT_URL_NAME, args=adapter.url_args(adapter.SUBMIT_URL_NAME, application.pk)
                    ),
                }
            )
    with open(out, "w") as fh:
        json.dump(plan, fh)
    return 0


def set_deadline(closes_at):
    from commissioning.models import Call

    closes = dt.datetime.fromisoformat(closes_at)
    updated = Call.objects.filter(reference__startswith="LOAD-").update(closes_at=closes)
    return 0 if updated == 1 else 1


def verify(beliefs_path):
    """Compare the database with what the clients believe. Prints findings; returns the problem count."""
    from commissioning.models import Application

    from . import adapter

    beliefs = json.load(open(beliefs_path))
    problems = []
    for client in beliefs["clients"]:
        app = Application.objects.get(pk=client["application"])
        outcome = client["submit"]["outcome"]
        same_org = Application.objects.filter(organisation_id=app.organisation_id, call_id=app.call_id).count()
        if same_org != 1:
            problems.append(f"provider {client['number']}: {same_org} applications in the database (expected 1)")
        if outcome == "submitted":
            if app.status != "submitted" or app.reference != client["submit"].get("reference"):
                problems.append(
                    f"provider {client['number']}: acknowledged {client['submit'].get('reference')} "
                    f"but the database has status {app.status}, reference {app.reference}"
                )
            if not client["before_deadline"]:
                problems.append(f"provider {client['number']}: a submission after the deadline was accepted")
        elif outcome == "refused":
            if client["before_deadline"]:
                problems.append(f"provider {client['number']}: refused before the deadline")
            if app.status != "draft":
                problems.append(f"provider {client['number']}: refused but the database has status {app.status}")
        else:
            problems.append(f"provider {client['number']}: submit ended in error: {client['submit'].get('detail')}")
        last_saved = client.get("last_saved")
        if last_saved is not None and getattr(app, adapter.SAVED_FIELD) != last_saved:
            problems.append(
                f"provider {client['number']}: draft lost: saved {last_saved!r}, database has "
                f"{getattr(app, adapter.SAVED_FIELD)!r}"
            )
    for problem in problems:
        print("  PROBLEM:", problem)
    print(f"  database check: {len(problems)} problem(s) across {len(beliefs['clients'])} providers")
    return min(len(problems), 1)


def main(argv=None):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("check")
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("--providers", type=int, default=50)
    seed_parser.add_argument("--closes-at", required=True)
    seed_parser.add_argument("--out", required=True)
    deadline_parser = sub.add_parser("deadline")
    deadline_parser.add_argument("--closes-at", required=True)
    verify_parser = sub.add_parser("verify")
    verify_parser.add_argument("--beliefs", required=True)
    args = parser.parse_args(argv)
    django.setup()
    if args.step == "check":
        return check()
    if args.step == "seed":
        return seed(args.providers, args.closes_at, args.out)
    if args.step == "deadline":
        return set_deadline(args.closes_at)
    return verify(args.beliefs)


if __name__ == "__main__":
    sys.exit(main())
