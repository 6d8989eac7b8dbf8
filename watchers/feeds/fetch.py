"""HTTP fetching of feeds and article pages: conditional GET, limits, redirects by hand, SSRF guard.

    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(feed, state)          # FetchResult, or raises a FetchError
        page = await fetcher.fetch_page(url, allow_private)     # same rules, smaller size cap

One shared httpx.AsyncClient (connection pooling, keep-alive) per Fetcher. Every request:

- carries an honest User-Agent and, for feeds, If-None-Match / If-Modified-Since from the FeedState;
  a 304 comes back as a FetchResult with `content=None` (nothing to parse);
- runs under a total deadline (asyncio.timeout around every hop and the body) besides httpx's connect
  timeout; the deadline starts once the request holds its concurrency slots, so queueing behind other
  feeds in a big cycle is not counted against it;
- holds one of `global_limit` slots and one of `per_host` slots for its host while it talks to it;
- follows at most `max_redirects` redirects itself (httpx's follow_redirects is off), so that every hop
  goes through the SSRF guard; a hop back to a URL already visited is a RedirectLoop; an unbroken chain
  of permanent redirects (301/308) from the feed URL is reported in `permanent_redirect_to`;
- reads the body as raw bytes and inflates gzip/deflate itself with a bounded output size, so a gzip bomb
  stops AT the cap: httpx's own decoder inflates each network chunk whole (a 64 KB chunk of a bomb is
  64 MB) before the caller could count anything.

SSRF guard: only http and https; unless the feed has `allow_private = true`, the connection is refused
if ANY address of the host is loopback, private, link-local, multicast, reserved, unspecified, not
globally routable, or an IPv4-mapped / 6to4 form of one of those. The host is resolved ONCE per
connection (loop.getaddrinfo, or the injected `resolver`) by watchers.feeds.pinning.PinnedNetwork, and
the connection dials the address that passed the check (TLS SNI, certificate and Host header stay on
the name), so DNS rebinding cannot swap in a private address between the check and the connection.
Feeds with `allow_private` use a second client without the check, so the two never share a connection.
Proxies from the environment (HTTP(S)_PROXY) are not used: pinning needs the connection to be ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ipaddress
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from rules.model import Feed
from watchers.feeds.body import MB, drain, read_body
from watchers.feeds.errors import (
    Blocked,
    ConnectionFailed,
    RedirectLoop,
    Timeout,
    TooManyRedirects,
    error_for_status,
)
from watchers.feeds.pinning import (
    AddressRefused,
    PinnedNetwork,
    ResolveFailed,
    Resolver,
    is_public_address,
    system_resolver,
)
from watchers.model import FeedState

try:
    __version__ = version("quotewatch")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

# httpcore imports its AnyIO backend (and anyio's, ~30 modules with sniffio) lazily, on the first
# connection and the first lock it makes: 30-60 ms that would run on the event loop in the middle of
# the first poll, the longest stall of a cycle. Imported here instead, with the fetcher, before any
# loop runs. Private module names: a version that moves them only loses the warm-up, not the fetcher.
FIRST_USE_MODULES = ("sniffio", "anyio._backends._asyncio", "httpcore._backends.anyio", "anyio.streams.tls")


def _import_first_use_modules() -> None:
    for name in FIRST_USE_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


_import_first_use_modules()

USER_AGENT = f"quotewatch/{__version__} (+https://github.com/quotewatch)"

# Big enough for any real feed (large ones with full content are 2-5 MB), small enough to refuse abuse.
DEFAULT_MAX_BODY = 10 * MB
# An article page's HTML; anything larger is not a news article.
DEFAULT_PAGE_MAX_BODY = 2 * MB
DEFAULT_CONNECT_TIMEOUT = 10.0
# Whole request including redirects and the body: a feed slower than this is treated as down.
DEFAULT_TOTAL_TIMEOUT = 30.0
# Politeness: never more than this many requests at once to one host.
DEFAULT_PER_HOST = 2
DEFAULT_GLOBAL_LIMIT = 20
DEFAULT_MAX_REDIRECTS = 5
# Connections each client keeps open between requests; None: `global_limit`. A cycle over more hosts
# than that redials most of them, and a pool as large as per_host x hosts would reuse every one (64
# dials instead of 500 for 500 feeds on 64 hosts), but httpcore 1.0's pool walks all its connections
# for each idle one at every request (connections squared): measured on 500 loopback fetches, 64 hosts,
# a pool of 256 cost the loop 3.3 ms CPU per fetch against 1.5 ms dialling anew with 20. Reuse at that
# scale needs small pools per host, not one large pool.
DEFAULT_POOL_CONNECTIONS: int | None = None

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
# Only what body.Inflater can decode with a size bound; brotli/zstd would need their own bounded decoders.
ACCEPT_ENCODING = "gzip, deflate"

@dataclass(frozen=True)
class FetchResult:
    status: int
    url: str  # final URL, after redirects
    content: bytes | None  # None on 304 Not Modified
    headers: dict[str, str]  # lowercased names
    etag: str | None
    last_modified: str | None
    permanent_redirect_to: str | None  # where the feed moved for good, when every hop so far was permanent
    elapsed: float  # seconds


@dataclass
class _Hop:
    status: int
    headers: dict[str, str]
    content: bytes | None


class Fetcher:
    """Fetches feeds and pages with one shared httpx.AsyncClient; use as `async with Fetcher() as f`."""

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        max_body: int = DEFAULT_MAX_BODY,
        page_max_body: int = DEFAULT_PAGE_MAX_BODY,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
        per_host: int = DEFAULT_PER_HOST,
        global_limit: int = DEFAULT_GLOBAL_LIMIT,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        pool_connections: int | None = DEFAULT_POOL_CONNECTIONS,
        resolver: Resolver = system_resolver,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.max_body = max_body
        self.page_max_body = page_max_body
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.per_host = per_host
        self.max_redirects = max_redirects
        self.resolver = resolver
        self.network = network  # what dials (httpcore's default when None); tests route addresses with it
        self._global = asyncio.Semaphore(global_limit)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None  # guarded: dials only checked public addresses
        self._private_client: httpx.AsyncClient | None = None  # for allow_private feeds
        self._global_limit = global_limit
        # Requests at once stay bounded by the slots; the pool only keeps idle connections for reuse.
        self._pool_connections = max(pool_connections or global_limit, global_limit)

    async def __aenter__(self) -> Fetcher:
        pinned = PinnedNetwork(self.resolver, resolve_timeout=self.connect_timeout, inner=self.network)
        # Loading the CA bundle takes 30-50 ms of CPU: in a thread, once for both clients, so the
        # service's loop (already answering Telegram when the watchers start) does not stall on it.
        ssl_context = await asyncio.to_thread(httpx.create_ssl_context, trust_env=False)
        self._client = self._new_client(pinned, ssl_context)
        self._private_client = self._new_client(self.network, ssl_context)
        return self

    def _new_client(
        self, network: httpcore.AsyncNetworkBackend | None, ssl_context: ssl.SSLContext
    ) -> httpx.AsyncClient:
        size = self._pool_connections
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        return httpx.AsyncClient(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(self.total_timeout, connect=self.connect_timeout),
            transport=_Transport(limits, network, ssl_context),
            follow_redirects=False,  # _follow does it, guarding every hop
        )

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in (self._client, self._private_client):
            if client is not None:
                await client.aclose()
        self._client = self._private_client = None

    async def fetch_feed(
        self, feed: Feed, state: FeedState | None = None, now: datetime | None = None
    ) -> FetchResult:
        """GET the feed (at state.url when the store knows a newer one), conditionally when state has validators.

        `now` is accepted for the pipeline's uniform call shape; fetching itself reads no wall clock.
        """
        url = state.url if state is not None and state.url else feed.url
        headers = {"Accept": FEED_ACCEPT}
        if state is not None and state.etag:
            headers["If-None-Match"] = state.etag
        if state is not None and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return await self._fetch(url, headers, allow_private=feed.allow_private, max_body=self.max_body)

    async def fetch_page(self, url: str, allow_private: bool = False) -> FetchResult:
        """GET an article page under the same rules as feeds, with the smaller page size cap."""
        return await self._fetch(
            url, {"Accept": PAGE_ACCEPT}, allow_private=allow_private, max_body=self.page_max_body
        )

    async def _fetch(
        self, url: str, headers: dict[str, str], *, allow_private: bool, max_body: int
    ) -> FetchResult:
        started = time.monotonic()
        try:
            return await self._follow(url, headers, allow_private, max_body, started)
        except TimeoutError as exc:
            raise Timeout(
                f"{url} did not answer within {self.total_timeout:g} s; the site is down or very slow "
                "(quotewatch retries with backoff)",
                url,
            ) from exc

    async def _follow(
        self, url: str, headers: dict[str, str], allow_private: bool, max_body: int, started: float
    ) -> FetchResult:
        loop = asyncio.get_running_loop()
        visited = {url}
        current = url
        permanent_to: str | None = None
        all_permanent = True
        async with asyncio.timeout(None) as deadline:
            for hop_count in range(self.max_redirects + 1):
                await self._guard(current, allow_private)
                host = (urlsplit(current).hostname or "").lower()
                async with self._slots(host):
                    if deadline.when() is None:  # start the clock once we may actually talk to the site
                        deadline.reschedule(loop.time() + self.total_timeout)
                    hop = await self._request(current, headers, max_body, allow_private)
                location = hop.headers.get("location")
                if hop.status in REDIRECT_STATUSES and location:
                    target = urljoin(current, location.strip())
                    if target in visited:
                        raise RedirectLoop(
                            f"{url} redirects in a loop (back to {target}); the site is misconfigured, "
                            "check the feed URL in a browser",
                            url,
                        )
                    if hop_count == self.max_redirects:
                        break
                    if hop.status in PERMANENT_REDIRECTS and all_permanent:
                        permanent_to = target
                    else:
                        all_permanent = False
                    visited.add(target)
                    current = target
                    continue
                error = error_for_status(hop.status, current, hop.headers)
                if error is not None:
                    raise error
                return FetchResult(
                    status=hop.status,
                    url=current,
                    content=hop.content,
                    headers=hop.headers,
                    etag=hop.headers.get("etag"),
                    last_modified=hop.headers.get("last-modified"),
                    permanent_redirect_to=permanent_to,
                    elapsed=time.monotonic() - started,
                )
        raise TooManyRedirects(
            f"{url} redirects more than {self.max_redirects} times; use the final URL of the feed in the rules",
            url,
        )

    @contextlib.asynccontextmanager
    async def _slots(self, host: str) -> AsyncIterator[None]:
        # Host slot first, then a global one: a request waiting for a busy host holds no global slot.
        per_host = self._hosts.setdefault(host, asyncio.Semaphore(self.per_host))
        async with per_host, self._global:
            yield

    async def _guard(self, url: str, allow_private: bool) -> None:
        """Refuse non-http(s) URLs and, unless allowed, private IP literals (names: PinnedNetwork)."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 -- raises ValueError on a bad port
        except ValueError as exc:
            raise Blocked(f"{url} is not a valid URL ({exc}); fix it in the rules", url) from exc
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise Blocked(
                f"{url}: only http and https URLs can be fetched, not {scheme or 'a bare path'!r}", url
            )
        host = parts.hostname
        if not host:
            raise Blocked(f"{url} has no host name; fix the URL in the rules", url)
        # An IP literal is refused here, before a concurrency slot is taken; a name is resolved, checked
        # and dialled in one step when the connection is made (watchers.feeds.pinning).
        with contextlib.suppress(ValueError):
            if not allow_private and not is_public_address(str(ipaddress.ip_address(host))):
                raise _blocked(url, host)

    async def _request(self, url: str, headers: dict[str, str], max_body: int, allow_private: bool) -> _Hop:
        client = self._private_client if allow_private else self._client
        if client is None:
            raise RuntimeError("Fetcher used outside `async with Fetcher() as fetcher`")
        try:
            async with client.stream("GET", url, headers=headers) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                status = response.status_code
                if (
                    status == 304
                    or status in REDIRECT_STATUSES
                    or error_for_status(status, url, response_headers)
                ):
                    if status == 304:
                        # A 304 has no body, but closed before h11 saw its end the connection is
                        # closed too, not pooled: read the end (immediate) so it can be reused.
                        await drain(response)
                    return _Hop(status, response_headers, None)  # nothing in the body we need
                content = await read_body(response, url, max_body)
                return _Hop(status, response_headers, content)
        except AddressRefused as exc:
            raise _blocked(url, exc.address) from exc
        except ResolveFailed as exc:
            host = exc.host
            if isinstance(exc.cause, TimeoutError):
                raise Timeout(
                    f"resolving {host!r} of {url} took over {self.connect_timeout:g} s; DNS trouble", url
                ) from exc
            if exc.cause is None:
                raise ConnectionFailed(f"host {host!r} of {url} has no address; check the URL", url) from exc
            raise ConnectionFailed(
                f"cannot resolve host {host!r} of {url} ({exc.cause}); check the spelling of the URL", url
            ) from exc
        except httpx.TimeoutException as exc:
            raise Timeout(
                f"{url} timed out ({type(exc).__name__}); the site is down or very slow (quotewatch retries)",
                url,
            ) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise Blocked(f"{url} cannot be fetched ({exc}); fix the URL in the rules", url) from exc
        except httpx.HTTPError as exc:
            raise ConnectionFailed(
                f"could not fetch {url}: {exc or type(exc).__name__}; check the URL, or whether the site is up",
                url,
            ) from exc


def _blocked(url: str, address: str) -> Blocked:
    return Blocked(
        f"{url} leads to the private or local address {address}; quotewatch refuses those "
        "(SSRF guard). If this is your own internal feed, set allow_private = true on it",
        url,
    )


class _Transport(httpx.AsyncHTTPTransport):
    """httpx's transport on a connection pool that dials through `network` (PinnedNetwork, or None for
    httpcore's default). httpx has no public switch for the network backend, so the pool is rebuilt
    with the same settings httpx would use, plus it."""

    def __init__(
        self, limits: httpx.Limits, network: httpcore.AsyncNetworkBackend | None, ssl_context: ssl.SSLContext
    ) -> None:
        super().__init__(limits=limits, verify=ssl_context, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=network,
        )
