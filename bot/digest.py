"""A digest: many stories in as few Telegram messages as fit, grouped by speaker. Pure.

    🗞 <b>Digest</b> · 12 statements                      title (the caller's) and the count
    🗣 <b>Marta Keldan</b>                                 a speaker, in the order speakers first came
    • “first key quote” — <a href="…">Harbour Ledger</a> and 2 more outlets
    • <i>paraphrase:</i> indirect speech — Coastal Wire

Each message stays within Telegram's 4096 characters (counted as Telegram counts them); a digest that
does not fit is split between entries, never inside one, and each part is numbered (1/3). A speaker
whose entries go on in the next part is named again there. Everything from a feed is cleaned and
escaped as alerts are (bot.render); quotes are shortened to DIGEST_QUOTE characters, so an entry is
always far shorter than a message.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.i18n import _, ngettext
from bot.render import MAX_NAME, TELEGRAM_MAX_TEXT, clean, safe_url, visible_length
from watchers.model import Story

DIGEST_QUOTE = 280  # characters of a story's first quote: a digest is for skimming
# Room kept free in each message for the part number " (12/12)" added once the parts are known.
PART_ROOM = 12


@dataclass(frozen=True)
class Part:
    text: str  # Telegram HTML
    story_ids: tuple[str, ...]  # the stories this message carries (released from the hold once sent)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def entry(story: Story) -> str:
    """One story as a digest line: its first quote, its first outlet (linked) and how many more."""
    quote = story.quotes[0] if story.quotes else None
    text = clean(quote.text, DIGEST_QUOTE).rstrip(",;: ") if quote else ""
    if quote is None or not text:
        said = _("(no quote kept)")
    elif quote.kind == "indirect":
        said = "<i>" + _e(_("paraphrase")) + f":</i> {_e(text)}"
    elif quote.kind == "partial":
        said = f"“{_e(text)}” <i>(" + _e(_("partial quote")) + ")</i>"
    else:
        said = f"“{_e(text)}”"
    sources = sorted(story.sources, key=lambda s: s.published)
    if not sources:
        return f"• {said}"
    first = sources[0]
    outlet = clean(first.outlet, MAX_NAME) or clean(first.feed, MAX_NAME) or _("source")
    url = safe_url(first.url)
    name = f'<a href="{_e(url)}">{_e(outlet)}</a>' if url else _e(outlet)
    others = len({s.outlet for s in sources[1:]} - {first.outlet})
    more = " " + ngettext("and {n} more outlet", "and {n} more outlets", others).format(n=others) if others else ""
    return f"• {said} — {name}{more}"


def speaker_line(story: Story) -> str:
    name = clean(story.speaker, MAX_NAME) or clean(story.speaker_id, MAX_NAME) or _("Unknown speaker")
    return f"🗣 <b>{_e(name)}</b>"


def render_digest(stories: list[Story], title: str, limit: int = TELEGRAM_MAX_TEXT) -> list[Part]:
    """The digest of `stories` (oldest first) as messages of at most `limit` characters each."""
    if not stories:
        return []
    groups: dict[str, list[Story]] = {}
    for story in stories:
        groups.setdefault(story.speaker_id or story.speaker, []).append(story)
    count = ngettext("{n} statement", "{n} statements", len(stories)).format(n=len(stories))
    header = f"🗞 <b>{_e(title)}</b> · {_e(count)}"
    budget = limit - PART_ROOM
    parts: list[tuple[list[str], list[str]]] = [([header], [])]
    for group in groups.values():
        named = False
        for story in group:
            lines, ids = parts[-1]
            add = ([""] if not named else []) + ([speaker_line(story)] if not named else []) + [entry(story)]
            if visible_length("\n".join(lines + add)) > budget and ids:
                lines, ids = [header], []
                parts.append((lines, ids))
                add = ["", speaker_line(story), entry(story)]
            lines.extend(add)
            ids.append(story.id)
            named = True
    out = []
    for n, (lines, ids) in enumerate(parts, 1):
        if len(parts) > 1:
            lines[0] += f" ({n}/{len(parts)})"
        out.append(Part("\n".join(lines), tuple(ids)))
    return out
