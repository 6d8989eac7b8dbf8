"""Fetcher against a real loopback server: conditional GET, encodings, redirects, limits, SSRF guard."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import ssl
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpcore
import pytest
from aiohttp import web
from feedserver import FeedServer

from rules.model import Feed
from watchers.feeds.errors import (
    Blocked,
    ConnectionFailed,
    FetchError,
    HTTPStatusError,
    RedirectLoop,
    Timeout,
    TooLarge,
    TooManyRedirects,
)
from watchers.feeds.fetch import Fetcher, is_public_address, system_resolver
from watchers.feeds.parse import parse_feed
from watchers.feeds.schedule import apply_result
from watchers.feeds.text import fetch_article_text
from watchers.model import Article, FeedState

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local Desk</title><item><guid>g1</guid><title>One</title><description>Body.</description></item></channel></rss>'


PUBLIC_IP = "93.184.215.14"  # what the made-up resolvers answer for names that should look public
TLS_DIR = Path(__file__).parent / "data" / "tls"


class Routes(httpcore.AnyIOBackend):
    """The network under the Fetcher: records every address dialled, and routes PUBLIC_IP to loopback
    (standing in for the internet, which tests cannot reach)."""

    def __init__(self) -> None:
        super().__init__()
        self.dialled: list[str] = []

    async def connect_tcp(self, host: str, port: int, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        self.dialled.append(host)
        return await super().connect_tcp("127.0.0.1" if host == PUBLIC_IP else host, port, **kwargs)


def local_feed(server: FeedServer, path: str, **kwargs: object) -> Feed:
    return Feed(id="local", url=server.url(path), name="Local Desk", allow_private=True, **kwargs)  # type: ignore[arg-type]


async def test_conditional_get_with_etag_returns_304_without_content(feed_server: FeedServer) -> None:
    feed_server.serve("/rss", RSS, etag='"v1"', last_modified="Tue, 12 Mar 2024 10:00:00 GMT")
    feed = local_feed(feed_server, "/rss")
    async with Fetcher() as fetcher:
        first = await fetcher.fetch_feed(feed, None, NOW)
        state = apply_result(FeedState(feed.id, feed.url), first, NOW, feed.interval, items=1)
        second = await fetcher.fetch_feed(feed, state, NOW)
    assert first.status == 200 and first.content == RSS
    assert first.etag == '"v1"' and first.last_modified == "Tue, 12 Mar 2024 10:00:00 GMT"
    assert second.status == 304 and second.content is None
    sent = feed_server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 12 Mar 2024 10:00:00 GMT"
    assert (
        sent["user-agent"].startswith("quotewatch/")
        and "+https://github.com/quotewatch" in sent["user-agent"]
    )
    after = apply_result(state, second, NOW, feed.interval)
    assert after.etag == '"v1"' and after.items_seen == 1  # a 304 keeps the validators


async def test_conditional_get_with_last_modified_only(feed_server: FeedServer) -> None:
    feed_server.serve("/rss", RSS, last_modified="Tue, 12 Mar 2024 10:00:00 GMT")
    feed = local_feed(feed_server, "/rss")
    state = FeedState(feed.id, feed.url, last_modified="Tue, 12 Mar 2024 10:00:00 GMT")
    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(feed, state, NOW)
    assert result.status == 304 and result.content is None
    assert "if-none-match" not in feed_server.requests[-1].headers


async def test_gzip_and_deflate_bodies_are_decoded(feed_server: FeedServer) -> None:
    feed_server.serve("/gz", RSS, gzip_body=True)
    feed_server.serve("/zlib", zlib.compress(RSS), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    feed_server.serve("/raw", raw.compress(RSS) + raw.flush(), headers={"Content-Encoding": "deflate"})
    async with Fetcher() as fetcher:
        for path in ("/gz", "/zlib", "/raw"):
            result = await fetcher.fetch_feed(local_feed(feed_server, path))
            assert result.content == RSS, path
    assert "gzip" in feed_server.requests[0].headers["accept-encoding"]


async def test_permanent_redirect_chain_is_reported(feed_server: FeedServer) -> None:
    feed_server.redirect("/a", "/b", 301)
    feed_server.redirect("/b", feed_server.url("/c"), 308)
    feed_server.serve("/c", RSS)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(local_feed(feed_server, "/a"))
    assert result.url == feed_server.url("/c")
    assert result.permanent_redirect_to == feed_server.url("/c")
    state = apply_result(FeedState("local", feed_server.url("/a")), result, NOW, 300)
    assert state.url == feed_server.url("/c")


async def test_temporary_hop_stops_the_permanent_move(feed_server: FeedServer) -> None:
    feed_server.redirect("/x", "/y", 301)
    feed_server.redirect("/y", "/z", 302)
    feed_server.serve("/z", RSS)
    feed_server.redirect("/t", "/u", 302)
    feed_server.redirect("/u", "/z", 301)
    async with Fetcher() as fetcher:
        moved = await fetcher.fetch_feed(local_feed(feed_server, "/x"))
        temporary = await fetcher.fetch_feed(local_feed(feed_server, "/t"))
    assert moved.permanent_redirect_to == feed_server.url("/y")
    assert temporary.permanent_redirect_to is None and temporary.url == feed_server.url("/z")


async def test_redirect_loop_is_detected(feed_server: FeedServer) -> None:
    feed_server.redirect("/ping", "/pong", 302)
    feed_server.redirect("/pong", "/ping", 302)
    async with Fetcher() as fetcher:
        with pytest.raises(RedirectLoop, match="loop"):
            await fetcher.fetch_feed(local_feed(feed_server, "/ping"))
    assert feed_server.hits("/ping") == 1


async def test_too_many_redirects(feed_server: FeedServer) -> None:
    for i in range(7):
        feed_server.redirect(f"/r{i}", f"/r{i + 1}", 302)
    feed_server.serve("/r7", RSS)
    async with Fetcher(max_redirects=5) as fetcher:
        with pytest.raises(TooManyRedirects, match="more than 5"):
            await fetcher.fetch_feed(local_feed(feed_server, "/r0"))
    assert feed_server.hits("/r6") == 0


@pytest.mark.parametrize(
    ("status", "needle"),
    [(404, "moved"), (410, "removed"), (403, "refuses"), (500, "server error"), (502, "server error")],
)
async def test_error_statuses_map_to_http_status_error(
    feed_server: FeedServer, status: int, needle: str
) -> None:
    feed_server.serve("/e", "nope", status=status)
    async with Fetcher() as fetcher:
        with pytest.raises(HTTPStatusError, match=needle) as info:
            await fetcher.fetch_feed(local_feed(feed_server, "/e"))
    assert info.value.status == status and str(status) in str(info.value)


async def test_429_retry_after_is_kept_and_backs_off(feed_server: FeedServer) -> None:
    feed_server.serve("/busy", "slow down", status=429, headers={"Retry-After": "7200"})
    feed = local_feed(feed_server, "/busy")
    async with Fetcher() as fetcher:
        with pytest.raises(HTTPStatusError) as info:
            await fetcher.fetch_feed(feed)
    assert info.value.status == 429 and info.value.retry_after == "7200"
    state = apply_result(FeedState(feed.id, feed.url), info.value, NOW, 300)
    assert state.consecutive_errors == 1 and state.last_error and "429" in state.last_error
    assert state.next_poll == NOW + timedelta(seconds=7200)


async def test_server_error_updates_health_and_backs_off_exponentially(feed_server: FeedServer) -> None:
    feed_server.serve("/down", "oops", status=500)
    feed = local_feed(feed_server, "/down")
    state = FeedState(feed.id, feed.url, last_success=NOW - timedelta(days=1))
    async with Fetcher() as fetcher:
        for expected_errors in (1, 2, 3):
            try:
                await fetcher.fetch_feed(feed, state)
            except FetchError as exc:
                state = apply_result(state, exc, NOW, 300)
            assert state.consecutive_errors == expected_errors
            assert state.next_poll == NOW + timedelta(seconds=300 * 2**expected_errors)
    assert state.last_error_at == NOW and state.last_success == NOW - timedelta(days=1)


async def test_stalled_server_times_out(feed_server: FeedServer) -> None:
    feed_server.stall("/slow")
    feed_server.stall("/trickle", after_headers=True)
    async with Fetcher(total_timeout=0.5) as fetcher:
        with pytest.raises(Timeout, match="did not answer"):
            await fetcher.fetch_feed(local_feed(feed_server, "/slow"))
        with pytest.raises(Timeout):
            await fetcher.fetch_feed(local_feed(feed_server, "/trickle"))


async def test_oversized_body_is_refused(feed_server: FeedServer) -> None:
    feed_server.serve("/big", b"x" * 5000)

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # no Content-Length: the cap must hold while streaming
        await response.prepare(request)
        for _ in range(10):
            await response.write(b"y" * 1000)
        return response

    feed_server.route("/chunked", chunked)
    async with Fetcher(max_body=4000) as fetcher:
        for path in ("/big", "/chunked"):
            with pytest.raises(TooLarge, match="limit"):
                await fetcher.fetch_feed(local_feed(feed_server, path))


async def test_gzip_bomb_stops_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.gzip_bomb("/bomb")  # 1 GB of zeros
    tracemalloc.start()
    try:
        async with Fetcher(max_body=2 * 1024 * 1024) as fetcher:
            with pytest.raises(TooLarge):
                await fetcher.fetch_feed(local_feed(feed_server, "/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # the cap plus a chunk, not the 1 GB (nor a 64 MB inflated chunk)


async def test_loopback_is_blocked_unless_the_feed_allows_private(feed_server: FeedServer) -> None:
    feed_server.serve("/rss", RSS)
    public = Feed(id="p", url=feed_server.url("/rss"), name="P")
    async with Fetcher() as fetcher:
        with pytest.raises(Blocked, match="allow_private"):
            await fetcher.fetch_feed(public)
        assert (await fetcher.fetch_feed(local_feed(feed_server, "/rss"))).status == 200
    assert feed_server.hits("/rss") == 1


async def test_redirect_from_a_public_host_to_loopback_is_refused(feed_server: FeedServer) -> None:
    async def pretend_localhost_is_public(host: str, port: int) -> Sequence[str]:
        # The guard sees a public address for "localhost"; Routes takes that address to the loopback server.
        return [PUBLIC_IP] if host == "localhost" else await system_resolver(host, port)

    feed_server.redirect("/go", feed_server.url("/rss"), 302)
    feed_server.serve("/rss", RSS)
    feed = Feed(id="p", url=feed_server.url("/go", host="localhost"), name="P", allow_private=False)
    async with Fetcher(resolver=pretend_localhost_is_public, network=Routes()) as fetcher:
        with pytest.raises(Blocked, match="127.0.0.1"):
            await fetcher.fetch_feed(feed)
    assert feed_server.hits("/go") == 1  # the first hop was allowed and answered
    assert feed_server.hits("/rss") == 0  # the private hop was never requested


class Rebinding:
    """A hostile DNS server: each lookup of a name gets the next answer of `answers` (the last repeats)."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append(host)
        return [self.answers[min(len(self.lookups), len(self.answers)) - 1]]


@pytest.mark.parametrize(
    ("answers", "reached"),
    [
        ((PUBLIC_IP, "127.0.0.1"), True),  # public to the check, private to the connection
        (("127.0.0.1", PUBLIC_IP), False),  # the other way round
        (("127.0.0.1",), False),
    ],
)
async def test_dns_rebinding_never_reaches_a_private_address(
    feed_server: FeedServer, answers: tuple[str, ...], reached: bool
) -> None:
    feed_server.serve("/rss", RSS)
    resolver, network = Rebinding(*answers), Routes()
    feed = Feed(id="p", url=feed_server.url("/rss", host="rebind.test"), name="P")
    async with Fetcher(resolver=resolver, network=network) as fetcher:
        if reached:
            result = await fetcher.fetch_feed(feed)
            assert result.content == RSS
        else:
            with pytest.raises(Blocked, match="127.0.0.1"):
                await fetcher.fetch_feed(feed)
    # One lookup, and the connection went to the address that lookup gave and the check passed.
    assert resolver.lookups == ["rebind.test"]
    assert network.dialled == ([PUBLIC_IP] if reached else [])
    assert feed_server.hits("/rss") == (1 if reached else 0)


async def test_pinned_connection_keeps_the_host_header_and_follows_redirects(feed_server: FeedServer) -> None:
    feed_server.redirect("/old", "/new", 301)
    feed_server.serve("/new", RSS)
    network = Routes()

    async def public(host: str, port: int) -> Sequence[str]:
        return [PUBLIC_IP]

    feed = Feed(id="p", url=feed_server.url("/old", host="desk.test"), name="P")
    async with Fetcher(resolver=public, network=network) as fetcher:
        result = await fetcher.fetch_feed(feed)
    assert result.content == RSS and result.url == feed_server.url("/new", host="desk.test")
    assert {r.headers["host"] for r in feed_server.requests} == {f"desk.test:{feed_server.port}"}
    assert network.dialled and set(network.dialled) == {PUBLIC_IP}


async def test_allow_private_feed_by_name_reaches_loopback(feed_server: FeedServer) -> None:
    feed_server.serve("/rss", RSS)
    feed = Feed(id="l", url=feed_server.url("/rss", host="localhost"), name="L", allow_private=True)
    async with Fetcher(network=Routes()) as fetcher:
        assert (await fetcher.fetch_feed(feed)).content == RSS


async def test_https_through_the_pinned_address_sends_sni_for_the_name() -> None:
    seen: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS_DIR / "feeds.test.pem", TLS_DIR / "feeds.test.key")
    context.sni_callback = lambda sock, name, ctx: seen.append(name)  # type: ignore[assignment,misc,func-returns-value]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    network = Routes()

    async def public(host: str, port: int) -> Sequence[str]:
        return [PUBLIC_IP]

    async with server, Fetcher(resolver=public, network=network) as fetcher:
        # The test certificate is self-signed, so the client refuses it after the handshake began:
        # what matters is the name it asked for, on a connection to the checked address.
        with pytest.raises(ConnectionFailed):
            await fetcher.fetch_page(f"https://feeds.test:{port}/feed")
    assert seen == ["feeds.test"] and network.dialled == [PUBLIC_IP]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://files.test/feed.xml", "gopher://x.test/", "//no-scheme.test/"]
)
async def test_non_http_urls_are_blocked(url: str) -> None:
    async with Fetcher() as fetcher:
        with pytest.raises(Blocked, match="http"):
            await fetcher.fetch_page(url, allow_private=True)


async def test_redirect_to_a_file_url_is_blocked(feed_server: FeedServer) -> None:
    feed_server.redirect("/evil", "file:///etc/passwd", 302)
    async with Fetcher() as fetcher:
        with pytest.raises(Blocked):
            await fetcher.fetch_feed(local_feed(feed_server, "/evil"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("not-an-ip", False),
        ("93.184.215.14", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_unresolvable_host_is_a_connection_failure() -> None:
    async def no_dns(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async with Fetcher(resolver=no_dns) as fetcher:
        with pytest.raises(ConnectionFailed, match="cannot resolve"):
            await fetcher.fetch_page("https://nowhere.test/feed")


async def test_refused_connection_is_a_connection_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nobody listens there
    async with Fetcher() as fetcher:
        with pytest.raises(ConnectionFailed, match="check the URL"):
            await fetcher.fetch_page(f"http://127.0.0.1:{port}/feed", allow_private=True)


async def test_per_host_limit_holds(feed_server: FeedServer) -> None:
    in_flight = 0
    most = 0

    async def slowish(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return web.Response(body=RSS)

    feed_server.route("/rss", slowish)
    async with Fetcher(per_host=2, global_limit=10) as fetcher:
        await asyncio.gather(*(fetcher.fetch_feed(local_feed(feed_server, "/rss")) for _ in range(8)))
    assert feed_server.hits("/rss") == 8 and most == 2


async def test_fetched_feed_parses(feed_server: FeedServer, feeds_dir: Path) -> None:
    feed_server.serve_file("/atom", "atom10_relative.xml", gzip_body=True)
    feed = local_feed(feed_server, "/atom")
    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(feed)
    assert result.content is not None
    parsed = parse_feed(result.content, result.headers, feed, NOW, base_url=result.url)
    assert [a.title for a in parsed.articles] == [
        "Minister rules out snap election",
        "Budget hearing runs late",
    ]


def article_for(url: str, text: str = "Short feed summary.") -> Article:
    return Article(
        id="a1", url=url, title="Port tariffs", text=text, feed="local", outlet="Local Desk", published=NOW
    )


async def test_full_text_replaces_a_shorter_feed_text(feed_server: FeedServer) -> None:
    feed_server.serve_file("/story", "article_page.html")
    feed = local_feed(feed_server, "/rss", full_text=True)
    async with Fetcher() as fetcher:
        article = await fetch_article_text(fetcher, article_for(feed_server.url("/story")), feed)
    assert "Teodor Vance" in article.text and article.text.count("\n\n") >= 3


async def test_full_text_keeps_the_feed_text_on_errors(
    feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    feed_server.serve("/gone", "missing", status=404)
    feed_server.serve("/tiny", "<html><body><p>Hi.</p></body></html>", content_type="text/html")
    feed = local_feed(feed_server, "/rss", full_text=True)
    original = article_for(feed_server.url("/gone"), text="A longer summary from the feed itself.")
    async with Fetcher() as fetcher:
        with caplog.at_level(logging.WARNING, logger="watchers.feeds.text"):
            kept = await fetch_article_text(fetcher, original, feed)
        shorter = await fetch_article_text(
            fetcher, article_for(feed_server.url("/tiny"), text="Longer text already."), feed
        )
        private = await fetch_article_text(fetcher, original, Feed(id="p", url="https://p.test/", name="P"))
    assert kept == original and private == original
    assert shorter.text == "Longer text already."
    assert "feed=local" in caplog.text and f"url={original.url}" in caplog.text


async def test_fetch_page_uses_the_smaller_cap(feed_server: FeedServer) -> None:
    feed_server.serve("/page", b"<p>" + b"z" * 3000 + b"</p>", content_type="text/html")
    async with Fetcher(page_max_body=1000) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch_page(feed_server.url("/page"), allow_private=True)


async def test_page_text_over_the_cap_is_cut_and_reported(
    feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    from watchers.feeds.limits import MAX_ARTICLE_TEXT

    sentence = "The harbour board met again on Tuesday to discuss the berthing fees, meeting number {n}. "
    paragraphs = "".join(f"<p>{sentence.format(n=n) * 10}</p>" for n in range(MAX_ARTICLE_TEXT // 800 + 50))
    body = f"<html><body><article>{paragraphs}</article></body></html>"
    feed_server.serve("/long", body, content_type="text/html; charset=utf-8")
    feed = local_feed(feed_server, "/rss", full_text=True)
    with caplog.at_level(logging.WARNING, logger="watchers.feeds.text"):
        async with Fetcher() as fetcher:
            article = await fetch_article_text(fetcher, article_for(feed_server.url("/long")), feed)
    assert MAX_ARTICLE_TEXT // 2 < len(article.text) <= MAX_ARTICLE_TEXT
    assert any("MAX_ARTICLE_TEXT" in r.getMessage() and "/long" in r.getMessage() for r in caplog.records)


FIRST_FETCH_SCRIPT = """
import asyncio, http.server, sys, threading
from rules.model import Feed
from watchers.feeds.fetch import Fetcher

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
feed = Feed(id="f", name="Local", url=f"http://127.0.0.1:{server.server_port}/feed", allow_private=True)

async def main():
    async with Fetcher() as fetcher:  # its CA bundle loads in a thread (importlib.resources)
        before = set(sys.modules)
        result = await fetcher.fetch_feed(feed)
    assert result.status == 200, result
    print(" ".join(sorted(set(sys.modules) - before)))

asyncio.run(main())
"""


def test_the_first_fetch_imports_nothing_on_the_event_loop() -> None:
    """httpcore imports its AnyIO backend on the first connection; the fetcher's module imports it
    beforehand, so the service's first poll does not stall the loop for tens of milliseconds."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FETCH_SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


async def test_connections_to_more_hosts_than_the_global_limit_are_reused() -> None:
    """With `pool_connections` the pool keeps idle connections to more hosts than `global_limit`: a
    second round over six hosts dials nothing new (with a pool of two it redials every host)."""
    dialled: dict[int, set[object]] = {}

    def counting(port: int) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            assert request.transport is not None
            dialled.setdefault(port, set()).add(request.transport.get_extra_info("peername"))
            return web.Response(body=RSS)

        return handler

    servers = [await FeedServer().start() for _ in range(6)]
    try:
        for server in servers:
            server.route("/rss", counting(server.port))
        async with Fetcher(per_host=2, global_limit=2, pool_connections=6) as fetcher:
            for _ in range(2):
                for server in servers:
                    await fetcher.fetch_feed(local_feed(server, "/rss"))
    finally:
        for server in servers:
            await server.close()
    assert sorted(len(peers) for peers in dialled.values()) == [1] * 6


async def test_a_304_leaves_its_connection_open_for_the_next_poll(feed_server: FeedServer) -> None:
    """A 304 closed before its (empty) end was read used to close the connection: every quiet poll
    dialled anew."""
    peers: set[object] = set()

    async def not_modified(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        peers.add(request.transport.get_extra_info("peername"))
        return web.Response(status=304, headers={"ETag": '"v1"'})

    feed_server.route("/rss", not_modified)
    state = FeedState("f", feed_server.url("/rss"), etag='"v1"')
    async with Fetcher() as fetcher:
        for _ in range(3):
            result = await fetcher.fetch_feed(local_feed(feed_server, "/rss"), state)
            assert result.status == 304 and result.content is None
    assert len(peers) == 1
