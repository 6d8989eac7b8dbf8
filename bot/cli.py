"""quotewatch command line: run, scan, quotes, check-rules (contracts in DESIGN.md).

    quotewatch run [--config PATH]
    quotewatch scan [--config PATH] [--feed URL_OR_FILE ...] [--db PATH] [--json]
    quotewatch quotes FILE ... [--config PATH] [--json]
    quotewatch check-rules PATH [--forms]
    quotewatch feeds import FILE.opml [--config PATH]
    quotewatch feeds export [--config PATH] [--output FILE]

Exit codes: 0 success, 1 a problem the user can fix (bad rules, unreadable file, a database that
cannot be opened), 2 usage errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from rules.load import RulesError, check_file, load_rules
from rules.model import Rules

if TYPE_CHECKING:
    from watchers.store import StoreError

log = logging.getLogger("quotewatch")

EXAMPLE_CONFIG = "config.example.toml"
MAX_PROBLEMS_SHOWN = 3  # of a default config `quotes` ignores: enough to see what is wrong, not a wall


def default_config_path() -> Path:
    """./config.toml, else the example config next to us or installed under share/quotewatch."""
    candidates = [
        Path("config.toml"),
        Path(EXAMPLE_CONFIG),
        Path(__file__).resolve().parent.parent / EXAMPLE_CONFIG,
        Path(sys.prefix) / "share" / "quotewatch" / EXAMPLE_CONFIG,
    ]
    for path in candidates:
        if path.is_file():
            return path
    return candidates[0]


def _load(config: str | None) -> Rules:
    path = Path(config) if config else default_config_path()
    return load_rules(path)


def cmd_check_rules(args: argparse.Namespace) -> int:
    rules, problems = check_file(Path(args.path))
    if problems:
        for problem in problems:
            print(problem)
        print(f"{args.path}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    assert rules is not None
    print(
        f"{args.path}: OK — {len(rules.feeds)} feeds, {len(rules.speakers)} speakers, "
        f"{len(rules.topics)} topics, {len(rules.watches)} watches"
    )
    from rules.termnotes import term_forms, term_notes

    for note in term_notes(rules):  # valid, but a Cyrillic term is written so that it matches less
        print(f"note: {note}")
    if args.forms:
        for line in term_forms(rules):
            print(f"forms: {line}")
    return 0


def cmd_quotes(args: argparse.Namespace) -> int:
    from bot.quotes_cli import run_quotes

    rules = _load(args.config) if args.config else _load_optional_default()
    return run_quotes(args.files, rules, as_json=args.json)


def _load_optional_default() -> Rules | None:
    """`quotes` works without any config; a default config, when present, adds tracked speaker ids.

    The user did not ask for that file, so a broken one is a warning, not a failure: the statements are
    still extracted, just without speaker ids."""
    path = default_config_path()
    if not path.is_file():
        return None
    try:
        return load_rules(path)
    except RulesError as e:
        print(f"quotewatch: warning: ignoring {path} ({len(e.problems)} problem(s), shown below); "
              "extracting without tracked speaker ids. Fix it, or pass --config.", file=sys.stderr)
        for problem in e.problems[:MAX_PROBLEMS_SHOWN]:
            print(f"  {problem}", file=sys.stderr)
        return None


def cmd_scan(args: argparse.Namespace) -> int:
    from bot.scan import run_scan

    return run_scan(_load(args.config), feeds=args.feed or [], db=args.db, as_json=args.json)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.service import run_service

    config = Path(args.config) if args.config else default_config_path()
    return run_service(config)


def cmd_feeds(args: argparse.Namespace) -> int:
    from bot.feeds_cli import run_export, run_import

    if args.action == "export":
        return run_export(Path(args.config) if args.config else default_config_path(), args.output)
    # An import writes the rules file: only the one named, or ./config.toml, never the bundled example.
    path = Path(args.config or "config.toml")
    if not path.is_file():
        print(f"quotewatch: no rules file at {path} to add the feeds to (copy config.example.toml to "
              "config.toml, or pass --config)", file=sys.stderr)
        return 1
    return run_import(path, args.file)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quotewatch", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run the watchers (and the Telegram bot when a token is set)")
    p.add_argument("--config", help="rules file (default ./config.toml, else config.example.toml)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("scan", help="one pass over the feeds; print the alerts, send nothing")
    p.add_argument("--config", help="rules file")
    p.add_argument("--feed", action="append", metavar="URL_OR_FILE", help="only this feed (repeatable)")
    p.add_argument("--db", help="history database (default: a throwaway in-memory store)")
    p.add_argument("--json", action="store_true", help="one JSON object per alert per line")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("quotes", help="extract statements from article files (.txt, .html)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--config", help="rules file, for tracked speaker ids")
    p.add_argument("--json", action="store_true", help="one JSON object per statement per line")
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser("check-rules", help="validate a rules file")
    p.add_argument("path")
    p.add_argument("--forms", action="store_true",
                   help="also list the other cases each Cyrillic name, alias and keyword matches")
    p.set_defaults(func=cmd_check_rules)

    p = sub.add_parser("feeds", help="import feeds from an OPML file, or export them as OPML")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="add the feeds of an OPML file to the rules file")
    a.add_argument("file", metavar="FILE.opml")
    a.add_argument("--config", help="rules file to add them to (default ./config.toml)")
    a.set_defaults(func=cmd_feeds)
    a = actions.add_parser("export", help="print the rules' feeds as OPML 2.0")
    a.add_argument("--config", help="rules file (default ./config.toml, else config.example.toml)")
    a.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    a.set_defaults(func=cmd_feeds)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Per-request chatter hides what matters. APScheduler warns on every tick a stalled feed's job is
    # still running ("maximum number of running instances"): expected, since polls never overlap, and
    # the poll's own timeout reports the stall once.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)  # "Loading dictionaries from …" on every start
    # Feed URLs may carry credentials (userinfo, api_key=...): no log line shows them.
    from bot.safe_logs import install_log_redaction

    install_log_redaction()
    try:
        return int(args.func(args))
    except RulesError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 1
    except BrokenPipeError:  # before Exception, which it is
        # `quotewatch quotes ... | head`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:
        if not _is_store_error(e):
            raise
        # The history database cannot be opened or used; the message says why.
        print(f"quotewatch: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _is_store_error(error: BaseException) -> TypeGuard[StoreError]:
    """Whether `error` is the store's StoreError, without importing the store to ask: `quotes` and
    `check-rules` never open one (the store package costs a third of their start-up), and an error
    can only be a StoreError if its module was imported."""
    store = sys.modules.get("watchers.store")
    return store is not None and isinstance(error, store.StoreError)


if __name__ == "__main__":
    sys.exit(main())
