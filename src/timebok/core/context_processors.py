from django.conf import settings


def timebok(request):  # type: ignore[no-untyped-def]
    return {"TIMEBOK_DEMO": settings.DEMO}
