"""The outbox admin is read-only and shows only the user's own clinic's messages."""

from __future__ import annotations

import pytest

from timebok.notifications.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def test_outbox_admin_scoped_to_own_clinic(book, staff_user, other_staff_client, django_user_model):
    from django.contrib.auth.models import Permission
    from django.test import Client

    appt = book()
    perm = Permission.objects.get(codename="view_outgoingmessage")
    staff_user.user_permissions.add(perm)
    c = Client()
    c.force_login(staff_user)
    r = c.get("/admin/notifications/outgoingmessage/")
    assert r.status_code == 200
    assert r.content.decode().count(appt.reference) >= 4  # confirmation + reminder, e-mail + SMS
    row = OutgoingMessage.objects.first()
    detail = c.get(f"/admin/notifications/outgoingmessage/{row.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()

    other = django_user_model.objects.get(username="fremmed")
    other.user_permissions.add(perm)
    r = other_staff_client.get("/admin/notifications/outgoingmessage/")
    assert r.status_code == 200 and appt.reference not in r.content.decode()
    assert other_staff_client.get(f"/admin/notifications/outgoingmessage/{row.pk}/change/").status_code in (302, 404)
