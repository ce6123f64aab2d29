from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_accepted(apps, schema_editor):
    """Fill in the count for the calls there are, from their accepted signups."""
    call_model = apps.get_model("home", "VolunteerCallPage")
    signup_model = apps.get_model("participation", "VolunteerSignup")
    accepted = (
        signup_model.objects.filter(call_id=OuterRef("pk"), status="accepted")
        .order_by()
        .values("call_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    call_model.objects.update(volunteers_accepted=Coalesce(Subquery(accepted), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0007_municipality_colours"),
        ("participation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="volunteercallpage",
            name="volunteers_accepted",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="frivillige fundet"
            ),
        ),
        migrations.RunPython(count_accepted, migrations.RunPython.noop),
    ]
