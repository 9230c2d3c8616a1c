from django.core.checks import Error, register

from timebok.core import crypto


@register()
def encryption_keys(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    try:
        crypto.check_keys()
    except Exception as exc:
        return [Error(str(exc), id="timebok.E001")]
    return []
