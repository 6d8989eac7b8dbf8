"""`quotewatch quotes FILE ...`: print every statement found in article files (contract in DESIGN.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rules.model import Rules
from watchers.model import Statement
from watchers.statements import extract_statements

if TYPE_CHECKING:
    from rules.match import Matcher


def _read(path: str) -> str:
    """The article text of a file: .txt as UTF-8, .html the way a fetched page is read (DESIGN.md).

    A page's bytes go through watchers.feeds.text.decode_html — BOM, <meta charset>, UTF-8, else Windows-1252,
    as for fetched pages (there is no HTTP header here) — then the same text extraction."""
    raw = Path(path).read_bytes()
    if path.lower().endswith((".html", ".htm")):
        from watchers.feeds.text import decode_html, html_to_text

        return html_to_text(decode_html(raw), None)
    return raw.decode("utf-8")


def _record(path: str, s: Statement) -> dict[str, object]:
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
            text = _read(path)
        except FileNotFoundError:
            print(f"{path}: no such file", file=sys.stderr)
            status = 1
            continue
        except UnicodeDecodeError as e:
            print(
                f"{path}: not UTF-8 text (byte {e.start}); convert it to UTF-8 and try again", file=sys.stderr
            )
            status = 1
            continue
        except OSError as e:
            print(f"{path}: cannot read: {e.strerror or e}", file=sys.stderr)
            status = 1
            continue
        statements = extract_statements(text, matcher)
        if as_json:
            for s in statements:
                print(json.dumps(_record(path, s), ensure_ascii=False))
        else:
            print(_listing(path, statements))
    return status
