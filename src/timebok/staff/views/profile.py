"""Min profil: the user's own settings (the language of the Timebok module)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from timebok.core import profiles
from timebok.core.models import StaffProfile


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Språk i Timebok"), choices=StaffProfile.Language.choices, widget=forms.RadioSelect,
        help_text=gettext_lazy("Gjelder sidene for ansatte. Pasientene velger språk selv på bestillingssiden."),
        error_messages={"invalid_choice": gettext_lazy("Velg et språk fra listen."),
                        "required": gettext_lazy("Velg et språk.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"language": profiles.language_of(request.user)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        profiles.set_language(request.user, language)
        # The next page is in the new language (the middleware reads the profile): so is this message.
        with translation.override(language):
            messages.success(request, _("Profilen er lagret."))
        return redirect("staff:profile")
    return render(request, "staff/profile.html", {"form": form}, status=422 if form.errors else 200)
