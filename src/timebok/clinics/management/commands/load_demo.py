from django.core.management.base import BaseCommand

from timebok.clinics.demo import load_demo


class Command(BaseCommand):
    help = "Loads the demo clinic (slug 'demo') and the demo staff user. Idempotent."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        clinic = load_demo()
        count = clinic.appointments.count()
        self.stdout.write(f"Demo clinic '{clinic.slug}' ready ({count} appointments).")
