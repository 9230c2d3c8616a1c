"""A logging filter that removes anything shaped like a fødselsnummer.

Code never logs one on purpose; this is the belt to those braces: an 11-digit run
(optionally written 6+5 with a space) in any log message is replaced.
"""

from __future__ import annotations

import logging
import re

# Bounded by anything but hex digits, so the digit runs inside UUIDs and hashes (task ids,
# tokens) are left alone while "fnr=15058512345" or "(150585 12345)" are caught.
_FNR = re.compile(r"(?<![0-9a-fA-F])\d{6} ?\d{5}(?![0-9a-fA-F])")
MASK = "[fødselsnummer fjernet]"


def redact(text: str) -> str:
    return _FNR.sub(MASK, text)


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
