"""The outbox admin (superusers only) is read-only; staff users get no look at it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def test_outbox_admin_is_read_only_for_superusers(book, client, django_user_model):
    appt = book()
    client.force_login(django_user_model.objects.create_superuser("drift", password="pw-drift-1"))
    r = client.get("/admin/notifications/outgoingmessage/")
    assert r.status_code == 200
    assert r.content.decode().count(appt.reference) >= 4  # confirmation + reminder, e-mail + SMS
    row = OutgoingMessage.objects.first()
    detail = client.get(f"/admin/notifications/outgoingmessage/{row.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_staff_users_are_denied_the_outbox(book, staff_user, staff_client):
    book()
    staff_user.user_permissions.add(Permission.objects.get(codename="view_outgoingmessage"))
    r = staff_client.get("/admin/notifications/outgoingmessage/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
