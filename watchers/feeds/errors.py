"""Every error a watcher reports about a feed or a page, in one place.

Library errors (httpx, zlib, feedparser, json) are wrapped at the boundary (`raise Timeout(...) from e`), so
the pipeline catches `FetchError` alone, logs it with `feed=`/`url=`, stores `str(error)` as the feed's
last error (shown by /status) and carries on with the other feeds. Each message says what happened and
what the user can do about it.

    FetchError
    ├── Timeout           the site did not answer (or finish answering) in time
    ├── TooLarge          the body is over the size cap (also a gzip bomb)
    ├── HTTPStatusError   an HTTP error status; `status`, raw `retry_after`
    ├── Blocked           SSRF guard: a private/loopback address or a non-http(s) URL
    ├── TooManyRedirects  more hops than allowed
    │   └── RedirectLoop  a hop back to a URL already visited
    ├── ConnectionFailed  DNS failure, refused connection, TLS or protocol error
    └── ParseError        the body could not be read as a feed
        └── NotAFeed      the body is something else (an HTML page, an image, empty)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping


class FetchError(Exception):
    """A feed or page could not be fetched or read. `str(error)` is meant for the user."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class Timeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, url: str | None, status: int, retry_after: str | None = None) -> None:
        super().__init__(message, url)
        self.status = status
        self.retry_after = retry_after  # the raw Retry-After header; schedule.parse_retry_after reads it


class Blocked(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class RedirectLoop(TooManyRedirects):
    pass


class ConnectionFailed(FetchError):
    pass


class ParseError(FetchError):
    pass


class NotAFeed(ParseError):
    pass


def error_for_status(status: int, url: str, headers: Mapping[str, str]) -> HTTPStatusError | None:
    """The one mapping from a final (non-redirect) HTTP status to an error; None when the status is fine.

    2xx and 304 are fine. Redirects never reach here: fetch follows them itself.
    """
    if 200 <= status < 300 or status == 304:
        return None
    retry_after = headers.get("retry-after")
    if status in (401, 403):
        why = "the site refuses to serve quotewatch; check the URL, or whether the feed needs a login"
    elif status == 404:
        why = "the feed is not there; it may have moved: find its new URL and update the rules"
    elif status == 410:
        why = "the publisher removed this feed for good; remove it from the rules or find a replacement"
    elif status == 429:
        wait = f" (it asks to wait {retry_after})" if retry_after else ""
        why = f"the site is rate-limiting us{wait}; quotewatch backs off, or raise the feed's interval"
    elif status == 503 and retry_after:
        why = f"the site is temporarily unavailable (it asks to wait {retry_after}); quotewatch will retry"
    elif 500 <= status < 600:
        why = "the site has a server error; quotewatch will retry with backoff, nothing to fix on our side"
    elif 300 <= status < 400:
        why = "a redirect without a usable Location header; check the feed URL in a browser"
    else:
        why = "unexpected answer; check the feed URL in a browser"
    return HTTPStatusError(f"HTTP {status} from {url}: {why}", url, status, retry_after)


# A broken store (disk full, read-only) fails every poll and every article the same way: the first
# failure is logged with its traceback, repeats of it only as one count line per this many seconds.
REPEAT_LOG_SECONDS = 60.0


_log = logging.getLogger("watchers.pipeline")  # the lines are the pipeline's


class RepeatedErrors:
    """Which failures were logged with their traceback, and how often each came back since."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._seen: dict[str, tuple[float, int]] = {}  # failure -> (when its last line was logged, repeats)

    def log(self, error: BaseException, message: str, *args: object, extra: dict[str, object]) -> None:
        key = f"{type(error).__name__}: {error}"
        now = self.clock()
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = (now, 0)
            _log.error(message, *args, exc_info=error, extra=extra)
            return
        since, repeats = seen
        if now - since < REPEAT_LOG_SECONDS:
            self._seen[key] = (since, repeats + 1)
            return
        self._seen[key] = (now, 0)
        _log.error("%s (again; %d more times in the last %.0f s, tracebacks left out)",
                  key, repeats + 1, now - since, extra=extra)
