"""Logging filter that keeps Lithuanian personal codes out of log lines, tracebacks included."""

import logging
import re

# 11 digits starting with 1-6 (century and sex) or 9 (codes given without a birth date), not part of a longer
# number. Some other 11-digit numbers (phone numbers such as 37061234567) are masked too: better than a leak.
PERSONAL_CODE_RE = re.compile(r"(?<!\d)[1-69]\d{10}(?!\d)")

_formatter = logging.Formatter()


def mask_personal_codes(text: str) -> str:
    return PERSONAL_CODE_RE.sub(lambda m: m.group(0)[:1] + "*" * 10, text)


class MaskPersonalCodesFilter(logging.Filter):
    """Masks codes in the message and in the traceback and stack (which handlers format after the filter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_codes(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: an exception's text (a database error naming a duplicate
            # code, a ValueError with the value) would otherwise be written as it is.
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_codes(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_codes(record.stack_info)
        return True


try:  # gunicorn is optional (`edureg serve` falls back to runserver without it)
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - depends on the installation
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's access log with personal codes masked: a search for a person by code in the back-office
        (`?q=...`) is a URL, and URLs and referrers are what an access log records."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            return {key: mask_personal_codes(value) if isinstance(value, str) else value
                    for key, value in atoms.items()}
