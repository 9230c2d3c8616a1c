from django.urls import path

from timebok.public import views

app_name = "public"

urlpatterns = [
    path("<slug:slug>/", views.booking_page, name="booking"),
    path("<slug:slug>/bekreft/", views.confirm, name="confirm"),
    path("<slug:slug>/kvittering/<str:token>/", views.receipt, name="receipt"),
]
