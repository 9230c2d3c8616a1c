"""Built-in counts: per clinic and day, how many visits, searches and online bookings the
booking page had. No cookies, no personal data, no IP addresses: only three numbers.

The model lived in the staff app until its table moved here (staff/migrations/0002 and
insights/migrations/0001-0002); the rows were kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    clinic = models.ForeignKey(
        "clinics.Clinic", verbose_name=_("klinikk"), on_delete=models.CASCADE, related_name="daily_counts"
    )
    day = models.DateField(_("dag"))
    visits = models.PositiveIntegerField(_("besøk"), default=0)
    searches = models.PositiveIntegerField(_("søk"), default=0)
    bookings = models.PositiveIntegerField(_("bestillinger"), default=0)

    class Meta:
        verbose_name = _("dagstall")
        verbose_name_plural = _("dagstall")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "day"], name="dailycount_unique_clinic_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()}: {self.visits}/{self.searches}/{self.bookings}"
