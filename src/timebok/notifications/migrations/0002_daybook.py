# Issue 11 (daybook): a change message per move (the outbox row carries the appointment's sequence).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_outbox'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='outgoingmessage',
            name='outgoing_unique_per_appointment_kind_channel',
        ),
        migrations.AddField(
            model_name='outgoingmessage',
            name='sequence',
            field=models.PositiveIntegerField(default=0, verbose_name='endringsnummer'),
        ),
        migrations.AlterField(
            model_name='outgoingmessage',
            name='kind',
            field=models.CharField(choices=[('confirmation', 'bekreftelse'), ('reminder', 'påminnelse'), ('cancellation', 'avbestilling'), ('change', 'endret time'), ('staff_booked', 'varsel til behandler: ny bestilling'), ('staff_cancelled', 'varsel til behandler: avbestilling')], max_length=20, verbose_name='type'),
        ),
        migrations.AddConstraint(
            model_name='outgoingmessage',
            constraint=models.UniqueConstraint(fields=('appointment', 'kind', 'channel', 'sequence'), name='outgoing_unique_per_appointment_kind_channel_seq'),
        ),
    ]
