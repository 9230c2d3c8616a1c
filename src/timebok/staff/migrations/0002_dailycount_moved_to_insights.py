# DailyCount moved to timebok.insights (insights/migrations/0001): drop it from this app's
# state only. The table and its rows stay; insights/migrations/0002 renames the table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('staff', '0001_initial'),
        ('insights', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DailyCount')],
            database_operations=[],
        ),
    ]
