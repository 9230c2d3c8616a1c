# Issue 11 (daybook): who entered a phone booking, "first free" bookings, the .ics SEQUENCE of moves.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0005_appointment_language'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='appointment',
            name='any_practitioner',
            field=models.BooleanField(default=False, verbose_name='første ledige behandler'),
        ),
        migrations.AddField(
            model_name='appointment',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lagt inn av'),
        ),
        migrations.AddField(
            model_name='appointment',
            name='sequence',
            field=models.PositiveIntegerField(default=0, verbose_name='endringsnummer'),
        ),
    ]
