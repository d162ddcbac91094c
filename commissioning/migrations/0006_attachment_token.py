"""Attachments get a random download token, so their URLs cannot be guessed from one another.

Added in three steps: a default on AddField is worked out once for the whole table, so existing rows
would all share one token; each row is given its own before the column becomes unique."""

import uuid

from django.db import migrations, models


def give_each_attachment_a_token(apps, schema_editor):
    Attachment = apps.get_model("commissioning", "Attachment")
    for attachment in Attachment.objects.filter(token__isnull=True).only("pk").iterator():
        Attachment.objects.filter(pk=attachment.pk).update(token=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0005_ranges_without_frozen_messages")]

    operations = [
        migrations.AddField(model_name="attachment", name="token", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(give_each_attachment_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attachment",
            name="token",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
