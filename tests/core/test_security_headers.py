"""Production headers: HSTS behind the TLS proxy, and the redirect to https."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_hsts_header_on_https_through_the_proxy(anon_client):
    response = anon_client.get("/timebok/logg-inn/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_on_plain_http(anon_client):
    response = anon_client.get("/timebok/logg-inn/")
    assert "Strict-Transport-Security" not in response


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(anon_client):
    response = anon_client.get("/timebok/logg-inn/?neste=1", HTTP_HOST="timebok.example.no")
    assert response.status_code == 301
    assert response["Location"] == "https://timebok.example.no/timebok/logg-inn/?neste=1"
    assert anon_client.get("/timebok/logg-inn/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.parametrize("object_id", ["1", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00"])
def test_view_on_site_of_a_task_result_is_a_404_not_a_500(admin_client, staff_client, object_id):
    """The admin's view-on-site for django-tasks' task results (UUID keys). The admin is for
    superusers; other staff are sent to its login."""
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    ct = ContentType.objects.get_for_model(DBTaskResult)
    assert admin_client.get(f"/admin/r/{ct.pk}/{object_id}/").status_code == 404
    assert admin_client.get(f"/admin/r/abc/{object_id}/").status_code == 404
    assert staff_client.get(f"/admin/r/{ct.pk}/{object_id}/").status_code == 302


def test_view_on_site_needs_a_staff_login(anon_client):
    response = anon_client.get("/admin/r/1/1/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
