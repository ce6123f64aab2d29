"""Approved bookings of one facility never overlap: a PostgreSQL exclusion constraint on
tstzrange(start, end) (btree_gist lets the facility's id join the GiST index).

It lives only in the database, not in the model's state: SQLite has no exclusion
constraints (there services.approve_booking checks under the write lock), and a constraint
in the state would be re-created whenever SQLite remakes the table."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Func, Q

NAME = "booking_no_overlap"


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): half-open, so back-to-back bookings do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def constraint():
    return ExclusionConstraint(
        name=NAME,
        expressions=[
            ("facility", RangeOperators.EQUAL),
            (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        condition=Q(status="approved"),
    )


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_constraint(apps.get_model("facilities", "Booking"), constraint())


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_constraint(apps.get_model("facilities", "Booking"), constraint())


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [BtreeGistExtension(), migrations.RunPython(add, remove)]
