from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from timebok.api.api import api
from timebok.core.ratelimit import limit_logins
from timebok.public import views as public_views

# The admin's login shares the staff login's limit on password guessing.
admin.site.login = limit_logins(admin.site.login)  # type: ignore[method-assign]


def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
    """The admin's "view on site" redirect. Django's own answers 500 when the id does not
    fit the model's key (a UUID key, as on django-tasks' task results); that is a 404."""
    try:
        return shortcut(request, content_type_id, object_id)
    except ValidationError:
        raise Http404("no such object") from None


urlpatterns = [
    path("", public_views.home, name="home"),
    # Ahead of admin.site.urls, so that it replaces the admin's own "r/<ct>/<id>/".
    path("admin/r/<path:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("timebok/", include("timebok.staff.urls")),
    path("b/", include("timebok.public.urls")),
    path("api/v1/", api.urls),
    path("", include("timebok.notifications.urls")),
]

if settings.LOADTEST:  # `make loadtest` only: calibration views, never routed in production
    from timebok.core import loadtest

    urlpatterns += [
        path("loadtest/bare/", loadtest.bare),
        path("loadtest/cached-read/<slug:slug>/", loadtest.cached_read),
        path("loadtest/write/<slug:slug>/", loadtest.write),
    ]
