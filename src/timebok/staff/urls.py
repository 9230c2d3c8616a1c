from django.urls import path

from timebok.core.ratelimit import limit_logins
from timebok.staff.views import (
    appointment_types,
    auth,
    closures,
    daybook,
    moving,
    overview,
    phone,
    practitioners,
    settings,
    week_templates,
)
from timebok.staff.views.profile import profile as own_profile

app_name = "staff"

urlpatterns = [
    path("", auth.home, name="home"),
    path("logg-inn/", limit_logins(auth.LoginView.as_view()), name="login"),
    path("logg-ut/", auth.LogoutView.as_view(), name="logout"),
    path("min-profil/", own_profile, name="profile"),
    # Every URL below carries the clinic's slug; a clinic the user is not staff of is a 404,
    # and so is any id (practitioner, type, template, closure, appointment) of another clinic.
    path("<slug:clinic>/", daybook.day_view, name="clinic"),
    path("<slug:clinic>/oversikt/", overview.overview, name="overview"),
    path("<slug:clinic>/ny-time/", phone.phone_booking, name="phone_booking"),
    path("<slug:clinic>/blokker/", daybook.block, name="block"),
    path("<slug:clinic>/blokker/<int:pk>/fjern/", daybook.unblock, name="unblock"),
    path("<slug:clinic>/timer/<int:pk>/fodselsnummer/", overview.reveal_fnr, name="reveal_fnr"),
    path("<slug:clinic>/timer/<int:pk>/avbestill/", overview.cancel, name="cancel"),
    path("<slug:clinic>/timer/<int:pk>/pasientkort/", overview.accept_details, name="accept_details"),
    path("<slug:clinic>/timer/<int:pk>/flytt/", moving.move, name="move"),
    path("<slug:clinic>/behandlere/", practitioners.practitioner_list, name="practitioners"),
    path("<slug:clinic>/behandlere/ny/", practitioners.practitioner_new, name="practitioner_new"),
    path("<slug:clinic>/behandlere/<int:pk>/", practitioners.practitioner_edit, name="practitioner_edit"),
    path("<slug:clinic>/behandlere/<int:pk>/flytt/", practitioners.practitioner_move, name="practitioner_move"),
    path("<slug:clinic>/timetyper/", appointment_types.type_list, name="appointment_types"),
    path("<slug:clinic>/timetyper/ny/", appointment_types.type_new, name="appointment_type_new"),
    path("<slug:clinic>/timetyper/<int:pk>/", appointment_types.type_edit, name="appointment_type_edit"),
    path("<slug:clinic>/timetyper/<int:pk>/flytt/", appointment_types.type_move, name="appointment_type_move"),
    path("<slug:clinic>/ukemaler/", week_templates.template_list, name="week_templates"),
    path("<slug:clinic>/ukemaler/<int:pk>/", week_templates.template_edit, name="week_template"),
    path("<slug:clinic>/ukemaler/<int:pk>/slett/", week_templates.template_delete, name="week_template_delete"),
    path("<slug:clinic>/stengt/", closures.closure_page, name="closures"),
    path("<slug:clinic>/stengt/ny/", closures.closure_create, name="closure_create"),
    path("<slug:clinic>/stengt/jul-og-nyttar/", closures.closure_year_end, name="closure_year_end"),
    path("<slug:clinic>/stengt/rode-dager/", closures.save_holidays, name="save_holidays"),
    path("<slug:clinic>/stengt/<int:pk>/slett/", closures.closure_delete, name="closure_delete"),
    path("<slug:clinic>/stengt/<int:pk>/avbestill/", closures.closure_cancel_booked, name="closure_cancel_booked"),
    path("<slug:clinic>/innstillinger/", settings.settings_page, name="settings"),
    path("<slug:clinic>/innstillinger/sporing/", settings.save_tracking, name="save_tracking"),
    path("<slug:clinic>/innstillinger/regler/", settings.save_rules, name="save_rules"),
    path("<slug:clinic>/innstillinger/qr.svg", settings.qr_download, name="qr"),
]
