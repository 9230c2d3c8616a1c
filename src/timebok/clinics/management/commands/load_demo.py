from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from timebok.clinics.demo import load_demo


class Command(BaseCommand):
    help = "Loads the demo clinic (slug 'demo') and the demo staff user. Idempotent. Demo mode only."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if not settings.DEMO:
            # The demo creates the staff user demo/demo: never on a real instance.
            raise CommandError(
                "load_demo runs only in demo mode (TIMEBOK_DEMO=1): it creates the staff user "
                "demo with the password demo. Nothing was loaded."
            )
        clinic = load_demo()
        count = clinic.appointments.count()
        self.stdout.write(f"Demo clinic '{clinic.slug}' ready ({count} appointments).")
