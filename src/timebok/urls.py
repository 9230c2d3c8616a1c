from django.contrib import admin
from django.urls import include, path

from timebok.api.api import api
from timebok.public import views as public_views

urlpatterns = [
    path("", public_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("b/", include("timebok.public.urls")),
    path("api/v1/", api.urls),
    path("", include("timebok.notifications.urls")),
]
