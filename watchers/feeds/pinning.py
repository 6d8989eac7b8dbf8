"""DNS pinning for the SSRF guard: a connection goes to the very address that passed the check.

    PinnedNetwork.connect_tcp(host, port):
        addresses = resolver(host, port)        ONCE per new connection (an IP literal is its own address)
        any address not public -> AddressRefused   (nothing is dialled)
        dial each address in turn: inner.connect_tcp(address, port)

It is an httpcore network backend, so httpx hands it the host name of the URL and does everything else as
usual: TLS is started on the dialled socket with SNI and certificate checks on the host NAME (httpcore
takes `server_hostname` from the URL's origin, not from the socket), and the Host header is the URL's.
Checking the name first and letting the connection resolve it again (what the guard did before) left a
window for DNS rebinding: a hostile DNS server answering a public address to the check and a private
one a moment later. Here there is one answer, and it is both checked and used.

A kept-alive connection is reused for its origin without a new lookup: it was dialled to a checked
address. Feeds with `allow_private = true` go through a separate client without this backend (see
watchers.feeds.fetch), so a connection made for them is never reused by a guarded request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore

# host, port -> IP addresses. Injectable so that tests can make a name look public (see tests/test_fetch.py).
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (both families)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """False for any address a feed must not make us reach (see watchers.feeds.fetch)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return False
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates += [v4 for v4 in (ip.ipv4_mapped, ip.sixtofour) if v4 is not None]
    return not any(
        a.is_loopback
        or a.is_private
        or a.is_link_local
        or a.is_multicast
        or a.is_reserved
        or a.is_unspecified
        or not a.is_global  # shared address space (100.64/10), documentation ranges, ...
        for a in candidates
    )


class AddressRefused(Exception):
    """The host resolves to a private or local address; nothing was dialled."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to the non-public address {address}")
        self.host = host
        self.address = address


class ResolveFailed(Exception):
    """The host could not be resolved (`cause` is the OSError or TimeoutError), or has no address."""

    def __init__(self, host: str, cause: BaseException | None) -> None:
        super().__init__(f"cannot resolve {host}: {cause or 'no address'}")
        self.host = host
        self.cause = cause


class PinnedNetwork(httpcore.AsyncNetworkBackend):
    """Resolves once, refuses non-public answers, dials the checked address (see the module docstring).

    `inner` does the dialling (httpcore's AnyIO backend by default; tests pass one that routes a
    made-up public address to a loopback server)."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        *,
        resolve_timeout: float = 10.0,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.resolver = resolver
        self.resolve_timeout = resolve_timeout
        self.inner = inner or httpcore.AnyIOBackend()

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to dial for `host`, all of them public; raises AddressRefused or ResolveFailed."""
        try:
            addresses: Sequence[str] = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            try:
                async with asyncio.timeout(self.resolve_timeout):  # a hung resolver must not hang the poll
                    addresses = await self.resolver(host, port)
            except (OSError, TimeoutError) as exc:
                raise ResolveFailed(host, exc) from exc
        for address in addresses:
            if not is_public_address(address):
                raise AddressRefused(host, address)  # ANY private answer: the name is not trusted
        if not addresses:
            raise ResolveFailed(host, None)
        return list(dict.fromkeys(addresses))

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.checked_addresses(host, port)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # in the resolver's order, as getaddrinfo ranks them
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # addresses is never empty
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(path, "a unix socket")  # never configured; refuse rather than guess

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
