"""Files that became private (documents, dialog attachments) move out of MEDIA_ROOT."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations

from access.files import PRIVATE_PREFIXES


def move(source_root, target_root):
    for prefix in PRIVATE_PREFIXES:
        source = Path(source_root) / prefix
        if not source.is_dir():
            continue
        for path in source.rglob("*"):
            if path.is_file():
                target = Path(target_root) / path.relative_to(source_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), str(target))


def forwards(apps, schema_editor):
    move(settings.MEDIA_ROOT, settings.PRIVATE_ROOT)


def backwards(apps, schema_editor):
    move(settings.PRIVATE_ROOT, settings.MEDIA_ROOT)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_reads_and_private_collections")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
