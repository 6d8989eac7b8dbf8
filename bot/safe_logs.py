"""Every log record shown without URL secrets or invisible characters (watchers.feeds.redact).

A feed URL with credentials (`https://ann:pw@x/feed?api_key=...`) reaches the log in many places: fetch
errors quote it, the pipeline logs it, httpx and python-telegram-bot log request URLs. Redacting at each
call site would miss the next one, so, like the token filter (bot/app.install_token_filter), this works
where every record is made: the record factory. The message, the traceback and the stack are redacted,
and format characters are written out ("<U+202E>") so a bidi override cannot make a log line lie.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from watchers.feeds.redact import safe_for_display

_installed = False


def rewrite_record(record: logging.LogRecord, clean: Callable[[str], str]) -> None:
    """Pass a record's message, traceback and stack through `clean`, in place."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging reports that itself when the record is emitted
        return
    cleaned = clean(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        # Formatters reuse exc_text when it is set, so the traceback is printed cleaned too.
        record.exc_text = clean(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = clean(record.exc_text)
    if record.stack_info:
        record.stack_info = clean(record.stack_info)


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record's message, traceback and stack in place."""
    rewrite_record(record, safe_for_display)


def install_log_redaction() -> None:
    """Redact every log record from now on, whichever logger makes it (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(redacted_record)
    _installed = True
