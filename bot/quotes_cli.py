"""`quotewatch quotes FILE ...`: print every statement found in article files (contract in DESIGN.md)."""

from __future__ import annotations

import codecs
import json
import logging
import sys
from typing import TYPE_CHECKING

from bot.files import MB, InputError, read_input
from rules.model import Rules
from watchers.feeds.lang import article_lang, html_lang
from watchers.feeds.redact import safe_for_display
from watchers.model import Statement
from watchers.statements import extract_statements

if TYPE_CHECKING:
    from rules.match import Matcher

log = logging.getLogger(__name__)


# A page is read with the cap of a fetched article page, a text file with the feed cap (an article as
# plain text is far smaller). The same numbers as watchers.feeds.fetch's DEFAULT_PAGE_MAX_BODY and
# DEFAULT_MAX_BODY (tests/test_cli_errors.py checks), not imported: fetch pulls in httpx, which would
# double the start-up time of a command that never goes on the network.
PAGE_CAP = 2 * MB
TEXT_CAP = 10 * MB
# NUL bytes in the first block mean binary data (an image, a PDF, a zip), as grep and git decide;
# UTF-16 text, which has NULs too, starts with its BOM and is read as text.
BINARY_SNIFF = 8192


def _read(path: str) -> tuple[str, str]:
    """The article text of a file and its language: .txt as UTF-8, .html the way a fetched page is read
    (DESIGN.md). The language is the page's <html lang>, else the script of the text (watchers.feeds.lang).

    A page's bytes go through watchers.feeds.text.decode_html — BOM, <meta charset>, UTF-8, else
    Windows-1252, as for fetched pages (there is no HTTP header here) — then the same text extraction.
    Raises InputError (what is wrong with the file) or UnicodeDecodeError (a .txt that is not UTF-8)."""
    page = path.lower().endswith((".html", ".htm"))
    raw = read_input(path, PAGE_CAP if page else TEXT_CAP, what="page" if page else "text file")
    if b"\0" in raw[:BINARY_SNIFF] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("binary data, not text; give an article as .txt (UTF-8) or .html")
    if page:
        from watchers.feeds.text import html_to_text

        html = _decode_page(raw)
        text = html_to_text(html, None)
        return text, article_lang(None, html_lang(html), text)[0]
    text = raw.decode("utf-8")
    return text, article_lang(None, None, text)[0]


def _decode_page(raw: bytes) -> str:
    """decode_html, and for a page that declares a codec that is no text encoding (<meta charset="rot13">,
    "base64", "idna" on non-hostnames) the fallback for an unknown charset: UTF-8, else Windows-1252."""
    from watchers.feeds.text import decode_html

    try:
        return decode_html(raw)
    except (LookupError, UnicodeError, ValueError):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("windows-1252", errors="replace")


def _record(path: str, s: Statement, lang: str) -> dict[str, object]:
    return {
        "file": path,
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "kind": s.kind,
        "speaker": s.speaker,
        "speaker_id": s.speaker_id,
        "mention": None
        if s.mention is None
        else {"text": s.mention.text, "start": s.mention.start, "end": s.mention.end},
        "cue": s.cue,
        "lang": lang,
    }


def _listing(path: str, statements: list[Statement]) -> str:
    lines = [f"{path}: {len(statements)} statement(s)"]
    for s in statements:
        who = s.speaker or "(unknown speaker)"
        if s.speaker_id:
            who += f" [{s.speaker_id}]"
        via = f" — {s.mention.text!r} {s.cue}" if s.mention and s.cue else (f" — {s.cue}" if s.cue else "")
        lines.append(f"  {s.start}-{s.end} {s.kind:8} {who}{via}")
        lines.append(f"      {s.text}")
    return "\n".join(lines)


def run_quotes(files: list[str], rules: Rules | None, as_json: bool) -> int:
    """Extract and print; a file that cannot be read is reported and skipped (exit 1 at the end)."""
    matcher: Matcher | None = None
    if rules is not None:
        from rules.match import Matcher

        matcher = Matcher.compile(rules)
    status = 0
    for path in files:
        try:
            text, lang = _read(path)
            statements = extract_statements(text, matcher, lang=lang)
        except InputError as e:
            problem = str(e)
        except UnicodeDecodeError as e:
            problem = f"not UTF-8 text (byte {e.start}); convert it to UTF-8 and try again"
        except Exception as e:
            # A bug, not the user's mistake: still one line, and the other files are read. -v shows the trace.
            log.debug("quotes: %s failed", path, exc_info=True)
            problem = f"could not extract statements ({type(e).__name__}: {e})"
        else:
            if as_json:
                for s in statements:
                    print(json.dumps(_record(path, s, lang), ensure_ascii=False))
            else:
                print(_listing(path, statements))
            continue
        print(safe_for_display(f"{path}: {problem}"), file=sys.stderr)
        status = 1
    return status
