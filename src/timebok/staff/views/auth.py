"""Log in, log out, and choose a clinic."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from timebok.staff.access import user_clinics


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One clinic: straight to its day view. Several: choose one. None: say so."""
    clinics = list(user_clinics(request.user))
    if len(clinics) == 1:
        return redirect("staff:clinic", clinic=clinics[0].slug)
    return render(request, "staff/choose_clinic.html", {"clinics": clinics})
