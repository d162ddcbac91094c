"""Organisations cannot be impersonated: a normalised name key with a unique constraint, one organisation per
registration number, and staff approval for renaming a funded organisation.

Existing data is kept, never merged or deleted. Where two organisations already share a name key, the oldest
keeps it and each later one gets a key marked with its own id (it keeps its name; no new lookalike can be
registered). Where a charity or company number is held by more than one organisation, the oldest keeps it
and the number is taken off the others, with an audit entry on each that records the number it held, so staff
can check which organisation it really belongs to (Audit trail, action "organisation.duplicate_found")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

KEY_LENGTH = 200


def _audit(apps, organisation, comment, data):
    AuditEntry = apps.get_model("commissioning", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="commissioning", model="organisation")
    AuditEntry.objects.create(
        action="organisation.duplicate_found",
        content_type=content_type,
        object_id=str(organisation.pk),
        object_repr=organisation.name[:200],
        organisation=organisation,
        comment=comment,
        data=data,
    )


def _normalised(field, number):
    from django.core.exceptions import ValidationError

    from commissioning.validators import normalise_charity_number, normalise_company_number

    try:
        if field == "charity_number":
            return normalise_charity_number(number)[1]
        return normalise_company_number(number)
    except (ValidationError, TypeError):
        return number


def separate_lookalikes_and_shared_numbers(apps, schema_editor):
    from commissioning.validators import organisation_name_key

    Organisation = apps.get_model("commissioning", "Organisation")
    holders = {}
    for organisation in Organisation.objects.order_by("pk"):
        key = organisation_name_key(organisation.name)
        if key in holders:
            marker = f"#{organisation.pk}"
            first = holders[key]
            organisation.name_key = key[: KEY_LENGTH - len(marker)] + marker
            _audit(
                apps,
                organisation,
                f"Its name cannot be told apart from {first.name} (organisation {first.pk}).",
                {"lookalike_of": first.pk},
            )
        else:
            holders[key] = organisation
            organisation.name_key = key[:KEY_LENGTH]
        organisation.save(update_fields=["name_key"])

    for field, label in (("charity_number", "charity number"), ("company_number", "company number")):
        first_holder = {}
        for organisation in Organisation.objects.exclude(**{field: ""}).order_by("pk"):
            number = _normalised(field, getattr(organisation, field))
            if number != getattr(organisation, field):
                setattr(organisation, field, number)
                organisation.save(update_fields=[field])
            if number not in first_holder:
                first_holder[number] = organisation
                continue
            holder = first_holder[number]
            setattr(organisation, field, "")
            organisation.save(update_fields=[field])
            _audit(
                apps,
                organisation,
                f"Its {label} {number} is also held by {holder.name} (organisation {holder.pk}), which keeps it. "
                "Check which organisation it belongs to and correct the record.",
                {field: number, "kept_by": holder.pk},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0006_attachment_token"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(separate_lookalikes_and_shared_numbers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="name_key",
            field=models.CharField(editable=False, max_length=200, unique=True),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=~Q(charity_number=""),
                fields=("charity_number",),
                name="organisation_unique_charity_number",
                violation_error_message="This charity number is already registered to another organisation.",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=~Q(company_number=""),
                fields=("company_number",),
                name="organisation_unique_company_number",
                violation_error_message="This company number is already registered to another organisation.",
            ),
        ),
        migrations.CreateModel(
            name="OrganisationNameChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_name", models.CharField(max_length=200)),
                ("new_name", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for approval"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("superseded", "Replaced by a later request"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("reason", models.TextField(blank=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_changes",
                        to="commissioning.organisation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-requested_at", "-pk"]},
        ),
        migrations.AddConstraint(
            model_name="organisationnamechange",
            constraint=models.UniqueConstraint(
                condition=Q(status="pending"), fields=("organisation",), name="name_change_one_pending_per_org"
            ),
        ),
    ]
