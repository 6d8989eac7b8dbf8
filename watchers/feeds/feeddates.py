"""An entry's date as feedparser reads it, for the lxml fast path (fastxml.py): the two common forms
(RFC 822 with a numeric or GMT zone, W3C-DTF) parsed here to the same instant, anything else by
feedparser's own date parser. Never raises: a date Python cannot represent is no date.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from feedparser.datetimes import _parse_date as feedparser_date

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                       "oct", "nov", "dec"), 1)}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) "
    r"(?:([+-])(\d\d)(\d\d)|GMT|UT|UTC|Z)"
)
_W3CDTF = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:Z|([+-])(\d\d):(\d\d))")


def feed_date(value: str) -> datetime | None:
    """The instant feedparser would read from `value` (see the module docstring), or None."""
    if not value:
        return None
    match = _RFC822.fullmatch(value)
    try:
        if match:
            day, month, year, hour, minute, second, sign, tzh, tzm = match.groups()
            month_number = _MONTHS.get(month.lower())
            if month_number is not None:
                stamp = datetime(int(year), month_number, int(day), int(hour), int(minute), int(second), tzinfo=UTC)
                if sign is None:  # GMT, UT, UTC, Z: the common case
                    return stamp
                offset = timedelta(hours=int(tzh), minutes=int(tzm))
                return stamp - offset if sign == "+" else stamp + offset
        match = _W3CDTF.fullmatch(value)
        if match:
            year, month, day, hour, minute, second, sign, tzh, tzm = match.groups()
            stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
            if sign is None:
                return stamp
            offset = timedelta(hours=int(tzh), minutes=int(tzm))
            return stamp - offset if sign == "+" else stamp + offset
    except (ValueError, OverflowError):
        pass
    parsed = feedparser_date(value)
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
