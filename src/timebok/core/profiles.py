"""A staff user's own profile: the language of the Timebok module."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from timebok.core import audit
from timebok.core.models import StaffProfile


def language_of(user: Any) -> str:
    profile = StaffProfile.objects.filter(user=user).only("language").first()
    return profile.language if profile else StaffProfile.Language.NB


def set_language(user: Any, language: str) -> StaffProfile:
    """Set the user's language ("nb" or "en") for staff pages; audited (no clinic)."""
    if language not in StaffProfile.Language.values:
        raise ValidationError({"language": _("Velg et språk fra listen.")})
    with transaction.atomic():
        profile, _created = StaffProfile.objects.select_for_update().get_or_create(user=user)
        if profile.language != language:
            before = profile.language
            profile.language = language
            profile.save(update_fields=["language"])
            audit.record(audit.AuditAction.PROFILE_LANGUAGE_CHANGED, actor=user, obj=profile,
                         before=before, after=language)
    return profile
