from django.conf import settings
from django.utils import translation


def timebok(request):  # type: ignore[no-untyped-def]
    """``LANG_PARAM``: the language the public flow's links and forms carry (``lang``), when the
    patient chose one or it is not the default; empty otherwise (the browser's decides)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    chosen = getattr(request, "language_chosen", False) and not request.path.startswith(("/timebok/", "/admin/"))
    lang_param = current if chosen or current != settings.LANGUAGE_CODE else ""
    return {"TIMEBOK_DEMO": settings.DEMO, "LANG_PARAM": lang_param}
