"""PostgreSQL: no two booked appointments of one practitioner may overlap.

An exclusion constraint over (practitioner_id, tstzrange(start, end)) with btree_gist.
Creating the extension needs a role allowed to do so (a superuser, or the database owner
on PostgreSQL 13+ since btree_gist is trusted). On SQLite this migration does nothing:
there the booking service's IMMEDIATE transaction serialises the re-check and the insert.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE appointments_appointment
  ADD CONSTRAINT appointment_no_overlap
  EXCLUDE USING gist (practitioner_id WITH =, tstzrange("start", "end", '[)') WITH &&)
  WHERE (status = 'booked');
"""
DROP = "ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
