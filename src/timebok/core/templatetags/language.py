"""The public pages' language switch: ``{% load language %}{% language_switch %}``.

On a page whose form holds what the patient typed or chose, the switch is a submit button of
that form (``lang_form`` = the form's id, ``lang_action`` = where it posts): the same step
is rendered again in the other language with everything kept. Elsewhere it is a link to the
same URL with ``?lang=`` (no cookie: the choice travels in the URL and the forms).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from timebok.core.language import SWITCH_FIELD, other

register = template.Library()

LABELS = {"en": "English", "nb": "Norsk"}


@register.inclusion_tag("core/_language_switch.html", takes_context=True)
def language_switch(context: template.Context) -> dict[str, Any]:
    current = translation.get_language() or "nb"
    target = other(current)
    request = context.get("request")
    href = ""
    if request is not None:
        query = request.GET.copy()
        path = request.path
        clinic = context.get("clinic")
        if request.method not in ("GET", "HEAD") and path.startswith("/b/") and clinic is not None:
            # A page answering a POST (rate limited, rejected): its URL takes no GET; the booking page does.
            path, query = reverse("public:booking", kwargs={"slug": clinic.slug}), QueryDict(mutable=True)
        query["lang"] = target
        href = path + "?" + urlencode(sorted(query.lists()), doseq=True)
    return {
        "target": target, "label": LABELS[target], "href": href, "field": SWITCH_FIELD,
        "form_id": context.get("lang_form", ""), "action": context.get("lang_action", ""),
        "default_button": context.get("lang_default_button", False),
    }
