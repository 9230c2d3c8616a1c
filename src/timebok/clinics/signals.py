"""Events of the clinic's master data, sent only after the transaction that caused them has
committed.

availability_changed(sender=Clinic, clinic=Clinic, practitioner_ids=list[int] | None)
    Something that decides which times are free has changed: a practitioner, an appointment
    type, a week template or its arbeidsplan, a closure or the clinic's rules.
    ``practitioner_ids`` None means "any practitioner of the clinic". Every write in
    timebok.clinics.services (and the rules in timebok.staff.services) sends it through
    ``timebok.clinics.services.availability_changed``: the one place an availability cache
    hooks in to invalidate.
"""

from django.dispatch import Signal

availability_changed = Signal()
