from django.contrib import admin
from django.urls import include, path

from timebok.api.api import api
from timebok.core.ratelimit import limit_logins
from timebok.public import views as public_views

# The admin's login shares the staff login's limit on password guessing.
admin.site.login = limit_logins(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", public_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("timebok/", include("timebok.staff.urls")),
    path("b/", include("timebok.public.urls")),
    path("api/v1/", api.urls),
    path("", include("timebok.notifications.urls")),
]
