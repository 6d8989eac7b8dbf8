"""The interface's language: gettext catalogs (bot/locale/<lang>/LC_MESSAGES/quotewatch.mo) read with
Babel, and the language of what is being written right now.

Code writes its English text as `_("...")` (placeholders as {name}, filled with .format after the
lookup, so a translation may reorder them) and `N_("...")` for text looked up later (command
descriptions). Which language `_` answers in is a context variable: the handlers set it per update
(bot.commands.settings.chat_language), the sender per alert (`language(lang)` around the rendering).
English is the source language: no catalog, the msgid is the text.

Catalogs: `pybabel extract -F babel.cfg -o bot/locale/quotewatch.pot .`, then
`pybabel update -i bot/locale/quotewatch.pot -d bot/locale -D quotewatch`, translate, and
`pybabel compile -d bot/locale -D quotewatch`. The .mo files are committed (a `pip install .` from a
clone needs no build step); tests/test_i18n.py fails when one is missing a message or is older than its .po.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import Translations

DOMAIN = "quotewatch"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ru")
SOURCE = "en"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}

_current: ContextVar[str] = ContextVar("quotewatch_language", default=SOURCE)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (NullTranslations for English or a language without one)."""
    if lang == SOURCE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [lang], DOMAIN)


def current() -> str:
    return _current.get()


def set_language(lang: str) -> None:
    """Make `lang` the language of the rest of this task (an update's handlers)."""
    _current.set(lang if lang in LANGUAGES else SOURCE)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Write in `lang` inside the block."""
    token = _current.set(lang if lang in LANGUAGES else SOURCE)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the current language (Russian has three); fill {n} with .format."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without looking it up yet (it is passed to `_` later)."""
    return message


def from_telegram(language_code: str | None) -> str:
    """Our language for a Telegram user's language_code ("ru", "ru-RU" -> "ru"); English otherwise."""
    code = (language_code or "").lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else SOURCE
