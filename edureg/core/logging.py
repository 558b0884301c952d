"""Logging filter that keeps Lithuanian personal codes out of log lines."""

import logging
import re

# 11 digits starting with 1-6 (century and sex) and not part of a longer number.
PERSONAL_CODE_RE = re.compile(r"(?<!\d)[1-6]\d{10}(?!\d)")


def mask_personal_codes(text: str) -> str:
    return PERSONAL_CODE_RE.sub(lambda m: m.group(0)[:1] + "*" * 10, text)


class MaskPersonalCodesFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_codes(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
