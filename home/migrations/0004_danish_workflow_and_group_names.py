"""Wagtail's default workflow, its task and its groups get Danish names.

Wagtail's own migrations create the groups "Moderators" and "Editors" and, from the
moderators' publish right on the root page, a workflow and a task both named "Moderators
approval": every page editor then offers "Submit to Moderators approval". The names are
data, so no translation catalogue reaches them. Only rows that still carry Wagtail's
English names are renamed (a name a municipal admin chose stays), and the migration runs
backwards to the English names.
"""

from django.db import migrations

WORKFLOWS = {"Moderators approval": "Godkendelse"}
TASKS = {"Moderators approval": "Godkendelse ved moderatorer"}
GROUPS = {"Moderators": "Moderatorer", "Editors": "Redaktører"}


def _rename(model, names: dict[str, str]) -> None:
    for old, new in names.items():
        # A row already carrying the new name (made by hand) is left alone, and so is the
        # old one then: names of groups are unique.
        if model.objects.filter(name=new).exists():
            continue
        model.objects.filter(name=old).update(name=new)


def _reversed(names: dict[str, str]) -> dict[str, str]:
    return {new: old for old, new in names.items()}


def to_danish(apps, schema_editor):
    _rename(apps.get_model("wagtailcore", "Workflow"), WORKFLOWS)
    _rename(apps.get_model("wagtailcore", "Task"), TASKS)
    _rename(apps.get_model("auth", "Group"), GROUPS)


def to_english(apps, schema_editor):
    _rename(apps.get_model("wagtailcore", "Workflow"), _reversed(WORKFLOWS))
    _rename(apps.get_model("wagtailcore", "Task"), _reversed(TASKS))
    _rename(apps.get_model("auth", "Group"), _reversed(GROUPS))


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_eventpage_relatives_only_newspage_relatives_only"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(to_danish, to_english)]
