from django.urls import path

from timebok.notifications import views

app_name = "notifications"

urlpatterns = [
    path("t/<str:token>/", views.manage, name="manage"),
]
