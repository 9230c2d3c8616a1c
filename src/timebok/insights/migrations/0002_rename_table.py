# The table of the moved model gets this app's name; the rows come along (a rename).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0001_initial'),
        ('staff', '0002_dailycount_moved_to_insights'),
    ]

    operations = [
        migrations.AlterModelTable(name='dailycount', table=None),
    ]
