# The model DailyCount moves from the staff app to this one. Its table (staff_dailycount) and
# its rows stay: this migration only tells Django's state that the model is now here;
# 0002 renames the table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clinics', '0001_initial'),
        ('staff', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DailyCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='dag')),
                        ('visits', models.PositiveIntegerField(default=0, verbose_name='besøk')),
                        ('searches', models.PositiveIntegerField(default=0, verbose_name='søk')),
                        ('bookings', models.PositiveIntegerField(default=0, verbose_name='bestillinger')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='daily_counts', to='clinics.clinic', verbose_name='klinikk')),
                    ],
                    options={
                        'verbose_name': 'dagstall',
                        'verbose_name_plural': 'dagstall',
                        'ordering': ['-day'],
                        'db_table': 'staff_dailycount',
                        'constraints': [models.UniqueConstraint(fields=('clinic', 'day'), name='dailycount_unique_clinic_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
