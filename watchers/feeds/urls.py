"""URL helpers for entry links: resolve relative links, and the canonical form the store dedups on.

The canonical URL of an article is what two feeds carrying the same story agree on: lowercased scheme and
host, no default port, no fragment, no tracking parameters, the remaining query parameters sorted.
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that identify a campaign or a click, never the page: dropping them lets the same
# article shared with different tracking tags dedup to one URL.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "referrer",
        "cmpid",
        "ocid",
        "igshid",
        "mkt_tok",
        "smid",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "ito",
        "xtor",
        "__twitter_impression",
        "_hsenc",
        "_hsmi",
    }
)
# Whole families of tracking parameters (utm_source, utm_medium, ..., pk_campaign, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def resolve(link: str, base: str | None) -> str:
    """`link` made absolute against `base` (xml:base, the feed's link or URL); unchanged when already absolute."""
    link = link.strip()
    if not base or urlsplit(link).scheme:
        return link
    return urljoin(base, link)


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)


def canonical_url(url: str) -> str:
    """The form of `url` that the store dedups on; a non-http(s) or unparsable URL comes back stripped only."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if netloc and not any(c in netloc for c in ":@[%"):  # the usual "www.site.test": no parsing
            scheme, host = parts.scheme.lower(), netloc.lower()
            if scheme not in DEFAULT_PORTS:
                return url
        else:
            scheme, host = parts.scheme.lower(), _netloc(parts)
    except ValueError:  # an invalid port or IPv6 literal: not ours to repair
        return url
    if not host:
        return url
    query = parts.query
    if query and not all(_plain_tracking(pair) for pair in query.split("&")):  # else: all tracking, drop
        params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking_param(k)]
        query = urlencode(sorted(params), doseq=True)
    elif query:
        query = ""
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _plain_tracking(pair: str) -> bool:
    """A "name=value" pair whose name needs no decoding and is a tracking parameter (the common
    "?utm_source=rss&utm_medium=feed": dropped without parsing the query)."""
    name = pair.split("=", 1)[0]
    return "%" not in name and "+" not in name and is_tracking_param(name)


def _netloc(parts: SplitResult) -> str:
    """Lowercased host with the port unless it is the default, userinfo kept; "" when there is no host
    or the scheme is not http(s)."""
    port = parts.port  # raises ValueError on a bad port
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.lower()  # .hostname drops userinfo and brackets; both are put back below
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        host = f"{userinfo}@{host}"
    return host
