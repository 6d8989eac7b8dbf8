"""Reading a response's body within bounds: bounded gzip/deflate decoding, the size cap, and draining
an unused body (a 304's) so its connection can go back to the pool."""

from __future__ import annotations

import zlib

import httpx

from watchers.feeds.errors import FetchError, ParseError, TooLarge

MB = 1024 * 1024


class Inflater:
    """Bounded gzip/deflate/identity decoding: never produces more than the caller's remaining budget + 1."""

    def __init__(self, encoding: str, url: str) -> None:
        self.encoding = encoding
        self.url = url
        self._decompressor: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding not in ("", "identity", "deflate"):
            raise FetchError(
                f"{url} was sent with Content-Encoding {encoding!r}, which quotewatch cannot decode; "
                "the server ignored our Accept-Encoding",
                url,
            )

    def feed(self, data: bytes, budget: int) -> bytes:
        """Decode `data`; the result is longer than `budget` exactly when the body is over the cap."""
        if self.encoding in ("", "identity"):
            return data
        try:
            if self._decompressor is None:  # deflate: zlib-wrapped per the RFC, raw from some servers
                self._decompressor = zlib.decompressobj(
                    zlib.MAX_WBITS if is_zlib_header(data) else -zlib.MAX_WBITS
                )
            out = self._decompressor.decompress(data, budget + 1)
            # A multi-member gzip body: each member starts a new decompressor. A loop, not recursion:
            # 5,000 empty members are 100 KB on the wire and would overflow the stack.
            while (
                not self._decompressor.unconsumed_tail
                and len(out) <= budget  # stopped at budget + 1: over the cap, the caller raises
                and self._decompressor.eof
                and self._decompressor.unused_data
                and self.encoding != "deflate"
            ):
                rest = self._decompressor.unused_data
                self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                out += self._decompressor.decompress(rest, budget + 1 - len(out))
            return out
        except zlib.error as exc:
            raise ParseError(
                f"{self.url} sent a corrupt {self.encoding} body ({exc}); try again later", self.url
            ) from exc


def is_zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


# A 304's body is empty; a server that sends one anyway gets its connection closed past this.
DRAIN_LIMIT = 64 * 1024


async def drain(response: httpx.Response) -> None:
    """Read and drop the body of a response we do not use, up to DRAIN_LIMIT (then it is just closed)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT:
        return
    size = 0
    async for raw in response.aiter_raw():
        size += len(raw)
        if size > DRAIN_LIMIT:
            return


async def read_body(response: httpx.Response, url: str, max_body: int) -> bytes:
    cap_message = (
        f"{url} is larger than the {max_body // MB or max_body} "
        f"{'MB' if max_body >= MB else 'bytes'} limit after decompression; this is not a normal feed or page"
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise TooLarge(cap_message, url)
    inflater = Inflater(response.headers.get("content-encoding", "").strip().lower(), url)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = inflater.feed(raw, max_body - size)
        size += len(data)
        if size > max_body:
            raise TooLarge(cap_message, url)
        chunks.append(data)
    return b"".join(chunks)
