"""Secrets and invisible characters out of what we show: URLs in logs, /status, alerts and the console.

    redact_url(url)      "https://ann:pw@x.example/f?api_key=abc&page=2" -> "https://***@x.example/f?api_key=***&page=2"
    redact_text(text)    the same for every URL inside free text (an error message, a log line)
    strip_format(text)   Unicode format characters (category Cf) removed: bidi overrides and isolates
                         (U+202E makes "gpj.exe" read "exe.jpg"), zero-width characters, tag characters
    show_format(text)    the same characters made visible ("<U+202E>"), for logs an operator reads

Pure functions, no I/O. Redaction keeps everything else of the URL byte for byte (the host, the path,
the other parameters, their order and escaping), so a redacted URL still says which feed or page it
was. A parameter counts as secret by its name, not its value (see SECRET_NAMES): a value cannot be
told from an ordinary id by looking at it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

REDACTED = "***"

# Parameter names, compared lowercased with "-", "_" and "." removed ("X-Amz-Signature" -> "xamzsignature").
# Exact names: short words that are secrets in query strings (Google's key=, Azure SAS sig=) but would be
# too broad as parts of longer names ("auth" inside "author", "key" inside "monkey").
SECRET_NAMES = frozenset({
    "key", "apikey", "token", "secret", "password", "passwd", "pwd", "pass", "sig", "signature",
    "auth", "authorization", "session", "sid", "jwt", "hmac", "credential", "credentials",
})  # fmt: skip
# Parts of names that only secrets carry: access_token, client_secret, x-api-key, X-Amz-Credential,
# oauth_signature, Ocp-Apim-Subscription-Key, PHPSESSID ...
SECRET_PARTS = (
    "token", "secret", "passw", "apikey", "signature", "credential", "accesskey", "privatekey",
    "subscriptionkey", "sessid", "sessionid",
)  # fmt: skip

# scheme://authority, then the rest up to the first character that cannot be in a URL written in text.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>`]+")
_AUTHORITY = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)")
# Punctuation that ends a sentence or closes a bracket after a URL in prose ("from https://x/feed: ...").
_TRAILING = ".,;:!?)]}"
# A Telegram bot token in a path ("/bot123456:AAE.../getMe"): the whole secret is in the path. Written
# "<token>", as bot.delivery.scrub writes the tokens it knows, so a log reads the same whichever ran.
_BOT_TOKEN = re.compile(r"/bot\d+:[A-Za-z0-9_-]{20,}")
BOT_TOKEN_SHOWN = "/bot<token>"

# Every code point of Unicode category Cf (format), as of Unicode 15 (Python 3.11 has 14; 15 adds
# U+13439-1343F). tests/test_redact.py checks this against the running Python's unicodedata.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# Zero-width non-joiner and joiner: part of correct spelling in Persian and Indic scripts and of emoji
# sequences, and they reorder nothing, so titles keep them (URLs do not).
_JOINERS = frozenset("\u200c\u200d")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter called `name` (raw, possibly %-escaped) carries a secret."""
    key = re.sub(r"[-_.\s]", "", unquote_plus(name)).lower()
    return key in SECRET_NAMES or any(part in key for part in SECRET_PARTS)


def _redact_params(params: str) -> str:
    """`a=1&api_key=x` -> `a=1&api_key=***`; separators, order and escaping kept."""
    out = []
    for part in re.split(r"([&;])", params):
        name, eq, value = part.partition("=")
        out.append(f"{name}={REDACTED}" if eq and value and is_secret_name(name) else part)
    return "".join(out)


def redact_url(url: str) -> str:
    """`url` with its userinfo and the values of secret-looking query and fragment parameters replaced
    by "***" (and a bot token in the path). Anything that is not a URL comes back unchanged."""
    m = _AUTHORITY.match(url)
    if m is None:
        return url
    scheme, authority = m.groups()
    if "@" in authority:
        authority = f"{REDACTED}@{authority.rpartition('@')[2]}"
    rest = _BOT_TOKEN.sub(BOT_TOKEN_SHOWN, url[m.end() :])
    rest, hash_, fragment = rest.partition("#")
    path, question, query = rest.partition("?")
    if query:
        query = _redact_params(query)
    if "=" in fragment:  # OAuth's implicit flow puts access_token=... in the fragment
        fragment = _redact_params(fragment)
    return f"{scheme}{authority}{path}{question}{query}{hash_}{fragment}"


def _redact_match(m: re.Match[str]) -> str:
    url = m.group(0)
    core = url.rstrip(_TRAILING)
    return redact_url(core) + url[len(core) :]


def redact_text(text: str) -> str:
    """Every URL in `text` redacted as by redact_url; the rest of the text unchanged."""
    if "://" not in text:
        return text
    return _URL.sub(_redact_match, text)


def strip_format(text: str, keep_joiners: bool = False) -> str:
    """`text` without Unicode format characters (see the module docstring); ZWJ/ZWNJ kept on request."""
    if keep_joiners:
        return _FORMAT.sub(lambda m: m.group(0) if m.group(0) in _JOINERS else "", text)
    return _FORMAT.sub("", text)


def show_format(text: str) -> str:
    """`text` with each format character written out ("<U+202E>"), so a log line reads as it is stored."""
    return _FORMAT.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def safe_for_display(text: str) -> str:
    """A log line or error message as we show it: URLs redacted, format characters made visible."""
    return show_format(redact_text(text))
