from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.simple_tag
def widget(field: BoundField, autocomplete: str = "", **attrs: Any) -> Any:
    """Render a field's widget with aria-describedby pointing at its help and error texts."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-help")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return field.as_widget(attrs=attrs)


@register.filter
def choice(field: BoundField, value: Any) -> Any:
    """The sub-widget (one checkbox or radio) of a choice field with this value."""
    for sub in field.subwidgets:
        if str(sub.data["value"]) == str(value):
            return sub
    return ""
