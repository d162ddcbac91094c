"""Demo people, organisations and calls for `seed_demo`, read from fixtures/ and made idempotent."""

import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import Call, Criterion, Membership, MembershipStatus, Organisation, Question, Theme, User
from .roles import Role

FIXTURES = settings.BASE_DIR / "fixtures"


def load_fixture(name):
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return json.load(handle)


def demo_password():
    return load_fixture("demo_people.json")["password"]


def _user(email, first_name, last_name, password):
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(password)
        user.email_confirmed_at = timezone.now()
        user.save()
    return user


def seed_people_and_organisations():
    people = load_fixture("demo_people.json")
    password = people["password"]
    for data in load_fixture("demo_organisations.json"):
        fields = {k: v for k, v in data.items() if k != "name"}
        organisation = Organisation.objects.filter(name=data["name"]).first()
        if organisation is None:
            organisation = Organisation(name=data["name"], **fields)
            organisation.full_clean()
            organisation.save()
    for person in people["staff"]:
        user = _user(person["email"], person["first_name"], person["last_name"], password)
        user.groups.add(Group.objects.get(name=person["role"]))
        if person["role"] == Role.ADMINISTRATOR:
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    provider_group = Group.objects.get(name=Role.PROVIDER)
    for person in people["providers"]:
        user = _user(person["email"], person["first_name"], person["last_name"], password)
        user.groups.add(provider_group)
        Membership.objects.get_or_create(
            user=user,
            organisation=Organisation.objects.get(name=person["organisation"]),
            defaults={"role": person["org_role"], "status": MembershipStatus.APPROVED, "decided_at": timezone.now()},
        )


def seed_calls(now=None):
    """Calls in every state. Dates are relative to today so the demo always has open and closed calls;
    an existing call keeps its dates (running the command again changes nothing)."""
    now = now or timezone.now()
    midday = now.astimezone(timezone.get_current_timezone()).replace(hour=12, minute=0, second=0, microsecond=0)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    calls = []
    for data in load_fixture("demo_calls.json"):
        call = Call.objects.filter(reference=data["reference"]).first()
        if call is None:
            call = Call(
                reference=data["reference"],
                title=data["title"],
                summary=data["summary"],
                total_budget=Decimal(data["total_budget"]),
                min_grant=Decimal(data["min_grant"]),
                max_grant=Decimal(data["max_grant"]),
                opens_at=midday + timedelta(days=data["opens_days"]),
                closes_at=midday + timedelta(days=data["closes_days"]),
                eligibility=data["eligibility"],
                max_project_months=data["max_project_months"],
                min_criterion_score=data["min_criterion_score"],
            )
            call.full_clean(exclude=["themes"])
            call.save()
            call.themes.set([themes[slug] for slug in data["themes"]])
            call.save()  # a ParentalManyToManyField's set() is only written to the database on save()
            for order, (name, weight) in enumerate(data["criteria"]):
                Criterion.objects.create(call=call, name=name, weight=weight, sort_order=order)
            for order, (text, limit, required) in enumerate(data["questions"]):
                Question.objects.create(call=call, text=text, word_limit=limit, required=required, sort_order=order)
        calls.append(call)
    return calls


DEMO_DEVICE_NAME = "Demo authenticator"


def seed_demo_second_factor():
    """Give each demo staff account a confirmed authenticator device, so a reviewer can reach the staff
    area without a phone: `manage.py demo_2fa_code EMAIL` prints the current code (DEBUG only)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for person in load_fixture("demo_people.json")["staff"]:
        user = User.objects.get(email=person["email"])
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)


def current_demo_code(email):
    """The code the demo authenticator for ``email`` shows now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email__iexact=email, name=DEMO_DEVICE_NAME, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
