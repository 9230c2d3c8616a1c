"""Secrets for demo and debug mode only.

Outside demo/debug mode every secret must come from the environment. In demo
or debug mode a missing secret is generated once and kept in var/dev-secrets.json,
so the demo database stays readable across restarts without any secret being
written into the source tree.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


def load_or_create(path: Path) -> dict[str, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
    else:
        data = {}
    changed = False
    wanted = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "FNR_ENCRYPTION_KEYS": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FNR_HASH_KEY": lambda: secrets.token_urlsafe(32),
    }
    for key, make in wanted.items():
        if not data.get(key):
            data[key] = make()
            changed = True
    if changed:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.chmod(0o600)
        tmp.replace(path)
    return data
