"""Keep the translation catalogs in step with the code: `python -m bot.i18n_catalog`.

    extract   every `_()`, `N_()` and `ngettext()` string under bot/ (Babel's Python extractor), and each
              command's description (the first line of its handler's docstring, looked up by /help and
              the menu) -> bot/locale/quotewatch.pot
    update    each bot/locale/<lang>/LC_MESSAGES/quotewatch.po from the template (new messages empty,
              changed ones fuzzy, the translations kept)
    compile   each .po -> .mo (committed, so `pip install .` needs no build step)

`--check` changes nothing and lists what is out of step (tests/test_i18n.py runs it): a message with no
translation, a fuzzy one, placeholders that differ from the English, a .mo that does not match its .po.
"""

from __future__ import annotations

import argparse
import gettext
import io
import re
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE

ROOT = LOCALE_DIR.parents[1]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """The template: every message the code looks up."""
    template = Catalog(project="quotewatch", domain=DOMAIN, charset="utf-8", fuzzy=False)
    keywords: Any = dict(DEFAULT_KEYWORDS)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / "bot"), [("**.py", "python")], keywords, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, None, [(f"bot/{filename}", lineno)], auto_comments=comments, context=context)
    from bot.commands.registry import COMMANDS  # the descriptions are docstrings, which the extractor skips

    for command in COMMANDS:
        template.add(command.description, None, [("bot/commands/registry.py", 0)],
                     auto_comments=[f"description of /{command.name}"])
    return template


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_output=False)
    path.write_bytes(buf.getvalue())


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def problems() -> list[str]:
    """What is out of step between the code, the .po files and the .mo files (empty: all good)."""
    out: list[str] = []
    template = extract()
    for lang in (x for x in LANGUAGES if x != SOURCE):
        path = po_path(lang)
        if not path.exists():
            out.append(f"{path}: missing (run python -m bot.i18n_catalog)")
            continue
        po = read(path, lang)
        for message in template:
            if not message.id:
                continue
            found = po.get(message.id)
            if found is None or not found.string or (isinstance(found.string, tuple) and not all(found.string)):
                out.append(f"{path}: no translation of {message.id!r}")
                continue
            if found.fuzzy:
                out.append(f"{path}: fuzzy translation of {message.id!r}")
            english: tuple[str, ...] = message.id if isinstance(message.id, tuple) else (str(message.id),)
            want = set(_PLACEHOLDER.findall("".join(english)))
            strings: tuple[Any, ...] = found.string if isinstance(found.string, tuple) else (found.string,)
            for string in (str(x) for x in strings):
                if set(_PLACEHOLDER.findall(string)) != want:
                    out.append(f"{path}: placeholders of {message.id!r} differ in {string!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists():
            out.append(f"{mo}: missing (run python -m bot.i18n_catalog)")
            continue
        with mo.open("rb") as f:
            shipped = gettext.GNUTranslations(f)
        with io.BytesIO(compiled(po)) as f:
            fresh = gettext.GNUTranslations(f)
        if shipped._catalog != fresh._catalog:  # type: ignore[attr-defined]
            out.append(f"{mo}: older than its .po (run python -m bot.i18n_catalog)")
    return out


def _header(po: Catalog) -> None:
    po.project, po.version, po.fuzzy = "quotewatch", "", False
    po.header_comment = (f"# {po.locale_identifier} translation of quotewatch's interface (bot/i18n.py).\n"
                         "# Refresh with: python -m bot.i18n_catalog")


def update() -> None:
    template = extract()
    write(TEMPLATE, template)
    for lang in (x for x in LANGUAGES if x != SOURCE):
        path = po_path(lang)
        po = read(path, lang) if path.exists() else Catalog(locale=lang, domain=DOMAIN, charset="utf-8")
        po.update(template, update_header_comment=False)
        _header(po)
        write(path, po)
        path.with_suffix(".mo").write_bytes(compiled(read(path, lang)))  # what --check compares with


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.i18n_catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report what is out of step; change nothing")
    args = parser.parse_args(argv)
    if not args.check:
        update()
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
