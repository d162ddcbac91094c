"""Awards record their recipient's name when made; open data publishes that name. Existing awards take their
organisation's current name (the best record there is of it)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def record_current_names(apps, schema_editor):
    Award = apps.get_model("outcomes", "Award")
    Organisation = apps.get_model("commissioning", "Organisation")
    Award.objects.filter(recipient_name="").update(
        recipient_name=Subquery(Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_ranges_without_frozen_messages")]

    operations = [
        migrations.AddField(
            model_name="award",
            name="recipient_name",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(record_current_names, migrations.RunPython.noop),
    ]
