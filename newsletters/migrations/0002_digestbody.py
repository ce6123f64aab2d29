"""Store each rendered digest once (DigestBody), not once per outbox row."""

import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def move_bodies(apps, schema_editor):
    """Rows queued before this migration keep their content, now as a shared body."""
    DigestBody = apps.get_model("newsletters", "DigestBody")
    DigestMail = apps.get_model("newsletters", "DigestMail")
    for mail in DigestMail.objects.iterator():
        content = (mail.subject, mail.body_text, mail.body_html)
        digest = hashlib.sha256("\0".join(content).encode()).hexdigest()
        body, _ = DigestBody.objects.get_or_create(
            digest=digest,
            defaults={"subject": content[0], "body_text": content[1], "body_html": content[2]},
        )
        mail.body = body
        mail.message_id = mail.headers.get("Message-ID", "")[:255]
        mail.save(update_fields=["body", "message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DigestBody",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("subject", models.CharField(max_length=255)),
                ("body_text", models.TextField()),
                ("body_html", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "nyhedsbrevets indhold",
                "verbose_name_plural": "nyhedsbrevenes indhold",
            },
        ),
        migrations.AddField(
            model_name="digestmail",
            name="body",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mails",
                to="newsletters.digestbody",
            ),
        ),
        migrations.AddField(
            model_name="digestmail",
            name="message_id",
            field=models.CharField(default="", max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(move_bodies, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="digestmail",
            name="body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mails",
                to="newsletters.digestbody",
            ),
        ),
        migrations.RemoveField(model_name="digestmail", name="subject"),
        migrations.RemoveField(model_name="digestmail", name="body_text"),
        migrations.RemoveField(model_name="digestmail", name="body_html"),
        migrations.RemoveField(model_name="digestmail", name="headers"),
    ]
