from django.urls import path

from timebok.core.ratelimit import limit_logins
from timebok.staff.views import auth, overview, settings

app_name = "staff"

urlpatterns = [
    path("", auth.home, name="home"),
    path("logg-inn/", limit_logins(auth.LoginView.as_view()), name="login"),
    path("logg-ut/", auth.LogoutView.as_view(), name="logout"),
    # Every URL below carries the clinic's slug; a clinic the user is not staff of is a 404.
    path("<slug:clinic>/", overview.clinic_home, name="clinic"),
    path("<slug:clinic>/oversikt/", overview.overview, name="overview"),
    path("<slug:clinic>/timer/<int:pk>/fodselsnummer/", overview.reveal_fnr, name="reveal_fnr"),
    path("<slug:clinic>/timer/<int:pk>/avbestill/", overview.cancel, name="cancel"),
    path("<slug:clinic>/timer/<int:pk>/pasientkort/", overview.accept_details, name="accept_details"),
    path("<slug:clinic>/innstillinger/", settings.settings_page, name="settings"),
    path("<slug:clinic>/innstillinger/sporing/", settings.save_tracking, name="save_tracking"),
    path("<slug:clinic>/innstillinger/regler/", settings.save_rules, name="save_rules"),
    path("<slug:clinic>/innstillinger/qr.svg", settings.qr_download, name="qr"),
]
