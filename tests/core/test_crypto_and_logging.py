from __future__ import annotations

import logging

import pytest

from timebok.core import crypto
from timebok.core.logging import MASK, RedactFilter, redact


def test_encrypt_roundtrip_and_not_clear():
    token = crypto.encrypt("15058512345")
    assert "15058512345" not in token
    assert crypto.decrypt(token) == "15058512345"
    assert crypto.encrypt("15058512345") != token  # random IV


def test_keyed_hash_is_stable_and_keyed(settings):
    h = crypto.keyed_hash("15058512345")
    assert h == crypto.keyed_hash("15058512345") and len(h) == 64
    settings.FNR_HASH_KEY = "another-key"
    assert crypto.keyed_hash("15058512345") != h


def test_key_rotation_old_values_still_decrypt(settings):
    from cryptography.fernet import Fernet

    token = crypto.encrypt("01019012345")
    settings.FNR_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FNR_ENCRYPTION_KEYS]
    assert crypto.decrypt(token) == "01019012345"
    settings.FNR_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError):
        crypto.decrypt(token)


def test_redact_removes_fnr_shaped_numbers():
    assert redact("fnr=15058512345 ok") == f"fnr={MASK} ok"
    assert redact("150585 12345") == MASK
    assert redact("order 123456789012") == "order 123456789012"  # 12 digits: not an fnr
    task_id = "2b7e1f4c-9a3d-4e21-b5c0-12345678901a"
    assert redact(f"task {task_id} done") == f"task {task_id} done"
    assert redact("fnr:15058512345,") == f"fnr:{MASK},"


def test_log_filter_cleans_args(caplog):
    logger = logging.getLogger("timebok.test")
    logger.addFilter(RedactFilter())
    with caplog.at_level(logging.INFO, logger="timebok.test"):
        logger.info("patient %s booked", "15058512345")
    assert "15058512345" not in caplog.text
    assert MASK in caplog.text


def test_audit_record_refuses_a_free_string(db):
    import pytest

    from timebok.core import audit

    with pytest.raises(ValueError):
        audit.record("something.made_up", actor=None)  # type: ignore[arg-type]
    entry = audit.record(audit.AuditAction.APPOINTMENT_BOOKED, actor=None, reference="ABC")
    assert (entry.action, entry.action_label) == ("appointment.booked", "time bestilt")
    assert entry.data == {"reference": "ABC"}
