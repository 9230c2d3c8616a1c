"""Encryption at rest and keyed hashing for the fødselsnummer.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`; MultiFernet so keys rotate:
the first key in FNR_ENCRYPTION_KEYS encrypts, every key decrypts. The keyed hash
(HMAC-SHA256 with FNR_HASH_KEY) finds a patient without decrypting every row.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FNR_ENCRYPTION_KEYS must be Fernet keys: 32 url-safe base64-encoded bytes each"
        ) from exc


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(settings.FNR_ENCRYPTION_KEYS)).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.FNR_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("cannot decrypt: wrong key or corrupt value") from None


def keyed_hash(value: str) -> str:
    return hmac.new(settings.FNR_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()

