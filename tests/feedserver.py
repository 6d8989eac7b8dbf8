"""A real HTTP server on 127.0.0.1 (random port) serving fixture feeds and pages, for tests and benchmarks.

    async with FeedServer() as server:                       # or the `feed_server` fixture (conftest.py)
        server.serve("/rss", body, etag='"v1"')              # conditional GET answered with 304
        server.serve_file("/atom", "atom10_relative.xml")    # a file from tests/data/feeds/
        server.redirect("/old", "/rss", status=301)
        server.stall("/slow")                                # answers only when the server closes
        server.gzip_bomb("/bomb")                            # 1 GB of zeros, ~1 MB on the wire, streamed
        server.route("/custom", aiohttp_handler)
        url = server.url("/rss"); server.hits("/rss"); server.requests[-1].headers

In its own process (benchmarks, so its CPU is not counted as the client's):

    with ServerProcess(configure) as base_url: ...           # configure(server) is a module-level function

Everything is in memory; nothing touches the internet.
"""

from __future__ import annotations

import asyncio
import gzip
import multiprocessing
import struct
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

DATA_DIR = Path(__file__).parent / "data" / "feeds"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lowercased names


def gzip_bomb_chunks(size: int, block: int = 1 << 20) -> Iterator[bytes]:
    """A valid gzip stream of `size` zero bytes, produced lazily: about 1 KB on the wire per MB inflated.

    Each MB is deflated after a full flush, so every block after the first compresses to the same bytes:
    one block is computed and repeated. The CRC (which costs a pass over the data) is only computed if a
    client reads to the very end, which a well-behaved client never does.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(block)
    repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header: deflate, no name, no mtime
    blocks, rest = divmod(size, block)
    for _ in range(blocks):
        yield repeated
    yield compressor.compress(bytes(rest)) + compressor.flush()
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    yield struct.pack("<II", crc, size & 0xFFFFFFFF)


class FeedServer:
    """Loopback aiohttp server with routes registered by exact path (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[LoggedRequest] = []
        self._routes: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port the OS chose
        return self

    async def close(self) -> None:
        self._closing.set()  # release stalled handlers so shutdown is immediate
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FeedServer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str, host: str | None = None) -> str:
        """Absolute URL of `path`; `host` replaces 127.0.0.1 (e.g. "localhost") with the same port."""
        return f"http://{host or self.host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    # -- routes ----------------------------------------------------------------------------------------

    def route(self, path: str, handler: Handler) -> None:
        self._routes[path] = handler

    def serve(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/rss+xml",
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip_body: bool = False,
    ) -> None:
        """A fixed response; with `etag` / `last_modified` a matching conditional request gets a 304."""
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            validators = {k: v for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v}
            if (etag and request.headers.get("If-None-Match") == etag) or (
                last_modified and request.headers.get("If-Modified-Since") == last_modified
            ):
                return web.Response(status=304, headers=validators)
            out_headers = {"Content-Type": content_type, **validators, **(headers or {})}
            payload = data
            if gzip_body:
                payload = gzip.compress(data)
                out_headers["Content-Encoding"] = "gzip"
            return web.Response(status=status, body=payload, headers=out_headers)

        self.route(path, handler)

    def serve_file(self, path: str, name: str, *, content_type: str | None = None, **kwargs: Any) -> None:
        """Serve tests/data/feeds/<name> (content type from its extension unless given)."""
        file = DATA_DIR / name
        kind = content_type or CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        self.serve(path, file.read_bytes(), content_type=kind, **kwargs)

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        """Redirect to `to`: an absolute URL, or a path on this server."""

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": to})

        self.route(path, handler)

    def stall(self, path: str, after_headers: bool = False) -> None:
        """Never answer (or, with after_headers, send headers and a first chunk, then never finish)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            if after_headers:
                response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
                await response.prepare(request)
                await response.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
                await self._closing.wait()
                return response
            await self._closing.wait()
            return web.Response(status=503)

        self.route(path, handler)

    def gzip_bomb(self, path: str, size: int = 1 << 30) -> None:
        """A gzip-encoded feed that inflates to `size` zero bytes, streamed (the server stores ~1 KB)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(
                headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
            )
            await response.prepare(request)
            try:
                for chunk in gzip_bomb_chunks(size):
                    await response.write(chunk)
            except (ConnectionError, asyncio.CancelledError):
                pass  # the client gave up, as it should
            return response

        self.route(path, handler)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            LoggedRequest(request.method, request.path, {k.lower(): v for k, v in request.headers.items()})
        )
        handler = self._routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="no such fixture")
        return await handler(request)


# -- running in a separate process -----------------------------------------------------------------------


def _serve_in_process(configure: Callable[[FeedServer], None], conn: Any) -> None:
    async def main() -> None:
        server = FeedServer()
        configure(server)
        await server.start()
        conn.send(server.base_url)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "stop"
        await server.close()

    asyncio.run(main())


class ServerProcess:
    """A FeedServer in a child process: `with ServerProcess(configure) as base_url:`.

    `configure(server)` registers routes; it must be a module-level function (it is sent to the child).
    """

    def __init__(self, configure: Callable[[FeedServer], None]) -> None:
        self.configure = configure
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Any = None

    def __enter__(self) -> str:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(target=_serve_in_process, args=(self.configure, child), daemon=True)
        self._process.start()
        self._conn = parent
        base_url: str = parent.recv()
        return base_url

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._conn is not None:
            self._conn.send("stop")
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()
