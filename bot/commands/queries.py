"""/quotes and /search: what the tracked speakers said, read from the store.

A speaker is named loosely ("peskow", an alias, a surname): `find_speaker` matches exactly first, then
fuzzily (rapidfuzz, over the candidates of the speakers' index, rules.lookup), and a name it cannot pin
down gets suggestions instead of a guess. The pure parts
(`find_speaker`, `parse_window`, `format_hit`) are tested without Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, utils
from telegram import Update

from bot.commands.base import BotContext, Context, UserError, ctx, e, fit, loose_words, reply
from bot.i18n import N_, _, ngettext
from bot.render import clean, kind_label, safe_url, when
from rules.duration import format_duration, parse_duration
from rules.lookup import speaker_index
from rules.model import Speaker
from watchers.store.query import query_hint, strip_possessive

# The hints watchers.store.query.query_hint gives (the store layer writes English); here for the catalog,
# so `_(hint)` finds their translations (tests/test_i18n.py checks that it does).
SEARCH_HINTS = (
    N_("Add a word to look for: -word only leaves out what has it, e.g. /search levy -ferry."),
    N_('Search for words, e.g. /search harbour levy, "an exact phrase", NATO OR Russia, levy -ferry.'),
)

if TYPE_CHECKING:
    from watchers.store import StatementHit

DEFAULT_QUOTES = 5
MAX_QUOTES = 20  # one screen of quotes; more is what /search with a speaker is for
SEARCH_LIMIT = 10
SHOWN_TEXT = 300  # characters of one statement shown in a list
# rapidfuzz WRatio (0-100): "peskow" scores 83 against "peskov". Below FUZZY_MIN it is not a match;
# a best match closer than FUZZY_GAP to a *different* speaker's best is ambiguous.
FUZZY_MIN = 80.0
FUZZY_GAP = 5.0
SUGGEST_MIN = 55.0
SUGGEST_SPREAD = 10.0  # suggestions are the near-best matches, not everything above SUGGEST_MIN
SEARCH_SPEAKER_MIN = 90.0  # "/search levy kovalenko": stricter, since the last word may just be a word
# Two hits of one story are one statement (carried by two outlets) when their texts score this much
# (rapidfuzz token_set_ratio, 0-100): outlets trim and punctuate a quote differently, and a story's
# *other* statements (two things said at one briefing) score far lower.
SAME_STATEMENT = 85.0
OUTLETS_SHOWN = 3  # outlets named (linked) under one hit, then "and N more"
FETCHED_PER_SHOWN = 4  # hits fetched per entry shown, so grouping outlets still fills the list


# ---------------------------------------------------------------------------------------------------
# Pure helpers (tested without Telegram)


def score(query: str, speaker: Speaker) -> float:
    """How well `query` names `speaker` (0-100): the best rapidfuzz WRatio over its id, name and aliases."""
    wanted = utils.default_process(query)
    return max(fuzz.WRatio(wanted, utils.default_process(t)) for t in (speaker.id, *speaker.terms))


def find_speaker(query: str, speakers: Sequence[Speaker]) -> tuple[Speaker | None, list[Speaker]]:
    """(the speaker `query` names, []) or (None, suggestions): exact id/name/alias first, then fuzzy.

    Through the speakers' index (rules.lookup): exact names by a dict, fuzzy scores for the few
    speakers sharing a word, a word start or a near spelling with the query, never a scan of them all.
    """
    wanted = utils.default_process(query)
    if not wanted:
        return None, []
    index = speaker_index(speakers)
    exact = index.exact(wanted)
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        return None, exact
    # Below SUGGEST_MIN a score changes nothing: not a match, not a suggestion, not a close runner-up.
    scored = index.scored(wanted, cutoff=SUGGEST_MIN)
    if not scored:
        return None, []
    best_score, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= FUZZY_MIN and best_score - runner_up >= FUZZY_GAP:
        return best, []
    floor = max(SUGGEST_MIN, best_score - SUGGEST_SPREAD)
    return None, [s for value, s in scored[:3] if value >= floor]


def parse_window(arg: str) -> tuple[int | None, float | None]:
    """"/quotes x 10" -> (10, None); "/quotes x 24h" -> (None, 86400). Raises UserError otherwise."""
    if arg.isdigit():
        n = int(arg)
        if not 1 <= n <= MAX_QUOTES:
            raise UserError(_("Ask for 1 to {n} quotes.").format(n=MAX_QUOTES))
        return n, None
    try:
        seconds = parse_duration(arg)
    except ValueError as e:
        raise UserError(_("{error}. Try a number of quotes (5) or a time span (24h, 7d).").format(error=e)) from None
    if seconds <= 0 or seconds > 366 * 86400:
        raise UserError(_("Give a time span between 1 minute and a year, e.g. 24h or 7d."))
    return None, seconds


def speaker_list(speakers: Sequence[Speaker]) -> str:
    return ", ".join(f"{e(s.name)} (<code>{e(s.id)}</code>)" for s in speakers)


def same_statement(a: StatementHit, b: StatementHit) -> bool:
    if a.story_id is None or a.story_id != b.story_id:
        return False
    return fuzz.token_set_ratio(utils.default_process(a.text), utils.default_process(b.text)) >= SAME_STATEMENT


def group_hits(hits: Sequence[StatementHit], limit: int) -> list[list[StatementHit]]:
    """One entry per statement, in the hits' order: a statement carried by several outlets is one entry
    with each outlet once (the first, best-ranked hit leads)."""
    groups: list[list[StatementHit]] = []
    for hit in hits:
        group = next((g for g in groups if same_statement(g[0], hit)), None)
        if group is None:
            groups.append([hit])
        elif all(h.outlet != hit.outlet for h in group):
            group.append(hit)
    return groups[:limit]


def outlet_link(hit: StatementHit) -> str:
    outlet = e(clean(hit.outlet, 80) or _("source"))
    url = safe_url(hit.url)
    return f'<a href="{e(url)}">{outlet}</a>' if url else outlet


def format_hit(group: Sequence[StatementHit], now: datetime, snippet: bool = False) -> str:
    """One entry of /quotes or /search: the statement, who said it, the outlets that carried it, when."""
    hit = group[0]
    # As in alerts: a quote cut before its attribution ends in the writer's comma; shown alone, it is noise.
    text = clean(hit.snippet if snippet and hit.snippet else hit.text, SHOWN_TEXT).rstrip(",;: ")
    body = f"“{e(text)}”" if hit.kind != "indirect" else f"<i>{e(kind_label('indirect'))}:</i> {e(text)}"
    if hit.kind == "partial":
        body += " <i>(" + e(_("partial")) + ")</i>"
    links = ", ".join(outlet_link(h) for h in group[:OUTLETS_SHOWN])
    if len(group) > OUTLETS_SHOWN:
        links += " " + e(_("and {n} more").format(n=len(group) - OUTLETS_SHOWN))
    return f"{body}\n   — {e(clean(hit.speaker, 80))}, {links}, {e(when(hit.published, now))}"


# ---------------------------------------------------------------------------------------------------
# Handlers


async def cmd_quotes(update: Update, context: Context) -> None:
    """Latest statements of a speaker."""
    qw = ctx(context)
    args = [strip_possessive(a) for a in loose_words(update)]
    if not args:
        raise UserError(_("Whose quotes? Write /quotes <speaker> [N | 24h | 7d], e.g. /quotes kovalenko 7d."))
    limit, span = DEFAULT_QUOTES, None
    if len(args) > 1 and (args[-1].isdigit() or re.fullmatch(r"[\d.]+\s*[a-zA-Z]+", args[-1])):
        n, span = parse_window(args.pop())
        limit = n or MAX_QUOTES
    speaker = await resolve_speaker(update, qw, " ".join(args))
    if speaker is None:
        return
    now = datetime.now(UTC)
    since = now - timedelta(seconds=span) if span else None
    hits = group_hits(await qw.store.recent_statements(speaker.id, since, limit * FETCHED_PER_SHOWN), limit)
    if not hits:
        text = (_("No statements by {speaker} in the last {span} yet.") if span
                else _("No statements by {speaker} yet.")).format(speaker=speaker.name, span=format_duration(span or 0))
        await reply(update, e(text))
        return
    latest = ngettext("latest {n} statement(s)", "latest {n} statement(s)", len(hits)).format(n=len(hits))
    lines = [f"<b>{e(speaker.name)}</b> — {e(latest)}"]
    lines += [format_hit(h, now) for h in hits]
    await reply(update, fit(lines))


async def resolve_speaker(update: Update, qw: BotContext, query: str) -> Speaker | None:
    """The tracked speaker `query` names; otherwise reply with suggestions and return None."""
    speakers = qw.rules().speakers
    speaker, suggestions = find_speaker(query, speakers)
    if speaker is not None:
        return speaker
    if suggestions:
        await reply(update, e(_("Which one?")) + " " + speaker_list(suggestions))
    else:
        known = speaker_list(speakers[:10]) or e(_("nobody yet"))
        await reply(update, _("I don't track anyone called “{name}”. Tracked: {known}.").format(
            name=e(clean(query, 80)), known=known))
    return None


async def cmd_search(update: Update, context: Context) -> None:
    """Search what was said: words, "a phrase", OR, -word."""
    qw = ctx(context)
    args = loose_words(update)
    if not args:
        raise UserError(_('Search for what? Write /search <words> [speaker], e.g. /search grain levy kovalenko, '
                          '"an exact phrase", NATO OR Russia, levy -ferry.'))
    speaker = None
    if len(args) > 1:  # the last word names a speaker only when it clearly does
        last = strip_possessive(args[-1])
        candidate = find_speaker(last, qw.rules().speakers)[0]
        if candidate is not None and score(last, candidate) >= SEARCH_SPEAKER_MIN and query_hint(
            " ".join(args[:-1])
        ) is None:
            speaker, args = candidate, args[:-1]
    query = " ".join(args)
    hint = query_hint(query)
    if hint is not None:
        raise UserError(_(hint))
    found = await qw.store.search_statements(query, speaker.id if speaker else None, None,
                                             SEARCH_LIMIT * FETCHED_PER_SHOWN)
    hits = group_hits(found, SEARCH_LIMIT)
    shown = clean(query, 80)
    if not hits:
        text = (_("Nothing found for “{query}” by {speaker}.") if speaker
                else _("Nothing found for “{query}”.")).format(query=shown, speaker=speaker.name if speaker else "")
        await reply(update, e(text))
        return
    now = datetime.now(UTC)
    results = ngettext("{n} result(s)", "{n} result(s)", len(hits)).format(n=len(hits))
    head = (_("{results} for “{query}” by {speaker}") if speaker else _("{results} for “{query}”")).format(
        results=f"<b>{e(results)}</b>", query=e(shown), speaker=e(speaker.name) if speaker else "")
    lines = [head]
    lines += [format_hit(h, now, snippet=True) for h in hits]
    await reply(update, fit(lines))
