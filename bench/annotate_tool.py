"""Turn quoted snippets into exact gold offsets for the annotated statement set.

Usage:
    python -m bench.annotate_tool tests/data/quotes/*.gold.json      # locate spans, rewrite files
    python -m bench.annotate_tool --check tests/data/quotes/*.gold.json  # verify only, write nothing

An annotator writes each gold statement as the exact text of its span plus kind and speaker, either
    {"text": "We will not accept this,", "kind": "direct", "speaker": "Jane Doe"}
or compactly as a list
    ["d", "Jane Doe", "We will not accept this,"]        (kinds: d / p / i, or the full word)
with an optional occurrence index (1-based) when the snippet appears more than once in the article:
    ["p", "Jane Doe", "a burden", 2]                     (the 1st one is in the headline)

The tool finds each snippet in the article (<name>.txt next to <name>.gold.json), refuses a snippet
that is missing or ambiguous, refuses statements listed out of reading order or overlapping, refuses a
direct/partial span that is not bounded by quotation marks (the conventions put the span INSIDE the
marks), and writes the canonical file: one statement per line with start/end filled in.
Offsets are therefore computed, never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIND_ABBREVIATIONS = {"d": "direct", "p": "partial", "i": "indirect"}
KINDS = ("direct", "partial", "indirect")

# Every mark a quotation may open or close with in the set: straight and curly double quotes,
# guillemets, German low-high quotes, and single quotes (used for nested quotes and headlines).
OPENING_MARKS = frozenset("\"“„«‘'")
CLOSING_MARKS = frozenset("\"”“»’'")
# Around the attribution inside a Russian split quote: an em or en dash, a bar, or a hyphen for one.
SPLIT_OPENS = frozenset(f"{d} " for d in "—–―-")
SPLIT_CLOSES = frozenset(f" {d}" for d in "—–―-")


class AnnotationError(ValueError):
    """A gold entry that cannot be placed; the message says which entry and what to fix."""


@dataclass(frozen=True)
class Entry:
    text: str
    kind: str
    speaker: str | None
    occurrence: int | None  # 1-based; None means "must be unique"


def parse_entry(raw: Any, where: str) -> Entry:
    """Accept the dict form or the compact list form of one gold statement."""
    if isinstance(raw, list):
        if len(raw) not in (3, 4):
            raise AnnotationError(
                f"{where}: a list entry is [kind, speaker, text] or [kind, speaker, text, n]"
            )
        kind, speaker, text = raw[0], raw[1], raw[2]
        occurrence = raw[3] if len(raw) == 4 else None
    elif isinstance(raw, dict):
        kind, speaker, text = raw.get("kind"), raw.get("speaker"), raw.get("text")
        occurrence = raw.get("occurrence")
    else:
        raise AnnotationError(f"{where}: expected a list or an object, got {type(raw).__name__}")
    kind = KIND_ABBREVIATIONS.get(kind, kind)
    if kind not in KINDS:
        raise AnnotationError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)} (or d/p/i)")
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError(f"{where}: text must be the non-empty exact span text")
    if text != text.strip():
        raise AnnotationError(f"{where}: text {text!r} has leading/trailing whitespace; trim the span")
    if speaker is not None and (not isinstance(speaker, str) or not speaker.strip()):
        raise AnnotationError(f"{where}: speaker must be a name or null")
    if occurrence is not None and (not isinstance(occurrence, int) or occurrence < 1):
        raise AnnotationError(f"{where}: occurrence must be a positive integer (1 = first)")
    return Entry(text=text, kind=kind, speaker=speaker, occurrence=occurrence)


def find_all(haystack: str, needle: str) -> list[int]:
    found, i = [], haystack.find(needle)
    while i != -1:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def context(article: str, start: int, end: int, width: int = 30) -> str:
    return (
        article[max(0, start - width) : start] + "[[" + article[start:end] + "]]" + article[end : end + width]
    ).replace("\n", "⏎")


def locate(article: str, entry: Entry, where: str) -> int:
    positions = find_all(article, entry.text)
    if not positions:
        raise AnnotationError(f"{where}: text not found in the article: {entry.text!r}")
    if entry.occurrence is None:
        if len(positions) > 1:
            spots = "; ".join(context(article, p, p + len(entry.text)) for p in positions)
            raise AnnotationError(
                f"{where}: text occurs {len(positions)} times; add an occurrence index (1-{len(positions)}): {spots}"
            )
        return positions[0]
    if entry.occurrence > len(positions):
        raise AnnotationError(
            f"{where}: occurrence {entry.occurrence} asked, text occurs {len(positions)} times"
        )
    return positions[entry.occurrence - 1]


def check_marks(article: str, start: int, end: int, kind: str, where: str) -> None:
    """direct/partial spans sit inside quotation marks; an indirect span never starts with one."""
    if kind in ("direct", "partial"):
        before = article[start - 1] if start > 0 else ""
        after = article[end] if end < len(article) else ""
        # A Russian split quote is one pair of marks around both parts: «A, — сказал X. — B». Its parts
        # end before " — " and start after "— " (the attribution between the dashes).
        opens = before in OPENING_MARKS or article[max(0, start - 2) : start] in SPLIT_OPENS
        # Russian dialogue speech opens with a dash (its paragraph's, or the one after its attribution)
        # and has no marks: it runs to the paragraph's end (its final stop left out) or to the dash of
        # its attribution.
        dialogue = article[max(0, start - 2) : start] in SPLIT_OPENS
        ends_para = article[end : end + 1] in (".", "!", "…", "") and article[end + 1 : end + 2] in ("\n", "")
        closes = (
            after in CLOSING_MARKS
            or article[end : end + 2] in SPLIT_CLOSES
            or article[end : end + 3] in {f", {d}" for d in "—–―-"}
            or (dialogue and ends_para)
        )
        if not (opens and closes):
            raise AnnotationError(
                f"{where}: a {kind} span must be exactly the text between quotation marks: "
                f"{context(article, start, end)}"
            )
    elif article[start] in OPENING_MARKS:
        raise AnnotationError(
            f"{where}: an indirect span starts with a quotation mark; is it direct or partial?"
        )


def annotate(article: str, raw_statements: list[Any], name: str) -> list[dict[str, Any]]:
    """Place every entry; return canonical records in reading order."""
    placed: list[dict[str, Any]] = []
    for number, raw in enumerate(raw_statements, 1):
        where = f"{name} statement {number}"
        entry = parse_entry(raw, where)
        start = locate(article, entry, where)
        end = start + len(entry.text)
        check_marks(article, start, end, entry.kind, where)
        if placed and start < placed[-1]["end"]:
            raise AnnotationError(
                f"{where}: starts at {start}, before the previous statement ends ({placed[-1]['end']}); "
                "list statements in reading order, spans must not overlap"
            )
        record: dict[str, Any] = {
            "start": start,
            "end": end,
            "text": entry.text,
            "kind": entry.kind,
            "speaker": entry.speaker,
        }
        if entry.occurrence is not None:
            record["occurrence"] = entry.occurrence
        placed.append(record)
    return placed


def render(notes: str, statements: list[dict[str, Any]]) -> str:
    """One statement per line, so a diff of the set shows exactly which statement changed."""
    lines = ["{", f'  "notes": {json.dumps(notes, ensure_ascii=False)},', '  "statements": [']
    for i, record in enumerate(statements):
        comma = "," if i < len(statements) - 1 else ""
        lines.append("    " + json.dumps(record, ensure_ascii=False) + comma)
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def process(gold_path: Path, write: bool) -> int:
    article_path = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
    if not article_path.exists():
        raise AnnotationError(f"{gold_path}: no article {article_path.name} next to it")
    article = article_path.read_text(encoding="utf-8")
    try:
        data = json.loads(gold_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise AnnotationError(f"{gold_path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from e
    statements = annotate(article, data.get("statements", []), gold_path.name)
    text = render(str(data.get("notes", "")), statements)
    if write and text != gold_path.read_text(encoding="utf-8"):
        gold_path.write_text(text, encoding="utf-8")
    return len(statements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="+", type=Path, help="<name>.gold.json files")
    parser.add_argument("--check", action="store_true", help="verify only, do not rewrite the files")
    args = parser.parse_args(argv)
    failures = total = 0
    for path in args.gold:
        try:
            total += process(path, write=not args.check)
        except AnnotationError as e:
            failures += 1
            print(f"error: {e}", file=sys.stderr)
    print(f"{len(args.gold) - failures}/{len(args.gold)} files ok, {total} statements placed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
