"""Template tags of the tracking banner: ``{% load insights %}``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template

from timebok.insights.tracking import tracking_origins

register = template.Library()


@register.simple_tag
def tracking_hosts(clinic: Any) -> list[str]:
    """The host names of a clinic's tracking links (empty when it has none)."""
    if clinic is None:
        return []
    return [urlsplit(o).hostname or "" for o in tracking_origins(clinic)]
