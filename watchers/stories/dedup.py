"""Story de-duplication: is this article's statement news, or another outlet carrying one we have?

Ten outlets rewriting one briefing must make ONE alert. `process_article` decides, for one article, in
this order (the first level that applies wins):

1. Same article: the same id, the same canonical URL, or the same normalised title from the same outlet
   (published within the window) was processed before -> already seen: no event, no new source. A
   same-title copy is recorded as seen itself (no stories, no fingerprint), so it is not read again.
   Items without a link (url "") match by id only.
2. Same text: the article's SimHash (watchers.stories.fingerprint) is within MAX_DISTANCE bits of an article
   published within the window -> wire copy under another headline, or lightly edited. It is a new
   source of EVERY story the earlier article made (new=False), whatever its own statements look like
   (extraction may differ slightly between two copies). From the same outlet it is that outlet's own
   article again (moved, retitled): new_source=False and it is not added as a second source.
3. Same statement: per tracked speaker, each statement is compared with that speaker's statements
   published within the window that could match it: those sharing a word-shingle key with it
   (watchers.store.shingles: any run of five words in common, or three with a short text). However
   many statements the speaker has in the window, a repeat of the oldest is found.
   Texts are normalised (case, accents, punctuation, apostrophes) and match when they are the same text
   lightly edited (`fuzz.ratio` >= LIGHT_EDIT_RATIO) or one is the other trimmed or extended
   (`fuzz.partial_ratio` >= TRIM_PARTIAL_RATIO, shorter side at least MIN_TRIM_WORDS words) or both are
   one statement cut at other boundaries (a long run of words in common). A match makes the article a
   new source of that statement's story (new=False) when it is evidence of shared news, not background
   (watchers.stories.evidence, decided article-wide by `assign_article`): a shared whole statement,
   or two shared quoted phrases, links; one quoted phrase or few-word quote ("a killer", "I do") links
   only where the article's news is not elsewhere (another speaker's story, or this speaker's link to
   another one); and a link to a story first seen BACKGROUND_AGE or more before the article is
   background beside fresher news (a fresher link, or another speaker's new story). Background
   statements are recorded in no story: no source, no event, no new story.

Never merged: statements of two different speakers (one quoting the other): candidates are per speaker;
two different statements by one speaker on one day (two briefings): different texts do not match, the
window only bounds the search.

What forms a story: all statements of one tracked speaker in one article that match no existing story
form ONE new story (one alert per speaker per article), story id derived from (article id, speaker id).

Follow-ups (decided): an article that repeats a known quote AND adds a new direct quote of the same
speaker is a new source of the old story (new=False) AND a new story for what is new (new=True): the
old alert gains a source, the new words get their own alert. Only an unmatched DIRECT quote of at least
MIN_FOLLOWUP_WORDS words counts as new; unmatched partial or indirect statements in such an article are
usually the article's own paraphrase of the known quote, so they stay with the matched story.

Several workers on one database (PostgreSQL): two workers that find the same statement in two outlets
at the same instant must still make one story with two sources. Chosen: a lock per key, held for the
article's transaction (store.lock_keys: pg_advisory_xact_lock, taken in sorted order in one statement,
so two articles never wait on each other in a cycle). The keys are the article's id, URL, (outlet,
normalised title) and every tracked speaker it quotes. Two articles quoting one speaker are recorded one
after the other: the second one's reads (levels 1-3) see the first one's committed story, as if one
worker had done both; articles of different speakers still go side by side. The id and URL keys make
each article recorded once, even when two feeds carry it to two workers at once (the second finds it
seen). Rejected: unique constraints alone catch one article twice but not one statement in two articles
(different rows); serializable retries would redo extraction-sized transactions on every conflict, and
the busy speakers are exactly where conflicts are. Not covered: level 2 between two articles at the
same instant with no tracked speaker in common (the copy then misses being a source of a story it has
no statement for). On SQLite lock_keys is nothing: one writer at a time holds the file's write lock.

The decisions (`assign`, `assign_article`, watchers.stories.evidence, and `normalise` / `match_score` from
watchers.statements.similarity) are pure (`assign_article` asks a story's first-seen time through the
callback it is given); `process_article` is the only function here that touches the store, inside one
store transaction per article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from watchers.model import Article, Statement, StoryEvent
from watchers.statements.similarity import match_score, normalise
from watchers.store import StoreBackend
from watchers.stories.evidence import is_link, stale_links
from watchers.stories.fingerprint import MAX_DISTANCE, simhash
from watchers.stories.prepared import Prepared

# A follow-up opens a new story only with a new direct quote at least this long (see module docstring).
MIN_FOLLOWUP_WORDS = 4
# Level 1 by title only for titles of at least this many words: "Live updates" or "Morning briefing"
# recur every day at one outlet and are different articles.
MIN_TITLE_WORDS = 3


@dataclass(frozen=True)
class Candidate:
    """A stored statement of the speaker (normalised text) and the story it belongs to."""

    story_id: str
    norm: str


@dataclass(frozen=True)
class Assignment:
    """Statements of one speaker in one article that belong to one story (story_id None: a new one)."""

    story_id: str | None
    statements: tuple[Statement, ...]
    repeats: tuple[bool, ...]  # per statement: its text is one the story already holds (or this article)
    # True: statements that only repeat a story's words as background (watchers.stories.evidence): in
    # no story (story_id None), the article no source of any.
    background: bool = False


def _best(norm: str, candidates: Sequence[Candidate], allowed: set[str] | None = None) -> str | None:
    best_story, best_score = None, 0.0
    for c in candidates:  # newest first: on a tie, the most recent story wins
        if allowed is not None and c.story_id not in allowed:
            continue
        score = match_score(norm, c.norm)
        if score > best_score:
            best_story, best_score = c.story_id, score
            if score == 100.0:
                break
    return best_story


def _is_new_quote(st: Statement) -> bool:
    return st.kind == "direct" and len(normalise(st.text).split()) >= MIN_FOLLOWUP_WORDS


def assign(
    statements: Sequence[Statement], candidates: Sequence[Candidate], near_stories: Sequence[str] = (),
    *, weak_links: bool = False,
) -> list[Assignment]:
    """Group one speaker's statements in one article into stories (see the module docstring).

    candidates: the speaker's stored statements in the window, newest first. near_stories: the stories
    of an earlier near-duplicate article (level 2), oldest first; each gets an assignment, possibly with
    no statement. weak_links: a match with little evidence (watchers.stories.evidence) links too, as it
    does in an article with no news of its own (`assign_article`)."""
    norms = [normalise(s.text) for s in statements]
    groups: dict[str | None, list[int]] = {}
    background: list[int] = []
    if near_stories:
        allowed = set(near_stories)
        for near_id in near_stories:
            groups[near_id] = []
        for i, n in enumerate(norms):
            groups[_best(n, candidates, allowed) or near_stories[0]].append(i)
    else:
        unmatched: list[int] = []
        matched: dict[str, list[int]] = {}
        for i, n in enumerate(norms):
            found = _best(n, candidates)
            if found is None:
                unmatched.append(i)
            else:
                matched.setdefault(found, []).append(i)
        groups, background = _links(statements, norms, matched, weak_links)
        if unmatched:
            if not (groups or background) or any(_is_new_quote(statements[i]) for i in unmatched):
                groups[None] = unmatched
            elif groups:  # the article's paraphrase of a quote it shares: stays with that story
                groups[next(iter(groups))].extend(unmatched)
            else:  # its paraphrase of a background quote: background too
                background.extend(unmatched)
    known: dict[str | None, set[str]] = {}
    for c in candidates:
        known.setdefault(c.story_id, set()).add(c.norm)
    out = []
    for sid, idx in groups.items():
        idx.sort()
        seen = set(known.get(sid, ())) if sid is not None else set()
        repeats = []
        for i in idx:
            repeats.append(norms[i] in seen)
            seen.add(norms[i])
        out.append(Assignment(sid, tuple(statements[i] for i in idx), tuple(repeats)))
    if near_stories or not background:
        return out
    background.sort()
    out.append(Assignment(
        None, tuple(statements[i] for i in background),
        tuple(any(norms[i] in texts for texts in known.values()) for i in background), background=True,
    ))
    return out


def _links(
    statements: Sequence[Statement], norms: Sequence[str], matched: dict[str, list[int]], weak_links: bool
) -> tuple[dict[str | None, list[int]], list[int]]:
    """The matched stories the article is a source of (story -> its statements' indices), and the
    indices of the statements that only share background with a story (watchers.stories.evidence)."""
    links: dict[str | None, list[int]] = {}
    background: list[int] = []
    for sid, idx in matched.items():
        if weak_links or is_link([(statements[i], norms[i]) for i in idx]):
            links[sid] = idx
        else:
            background.extend(idx)
    return links, background


@dataclass(frozen=True)
class SpeakerInput:
    """What `assign` takes for one tracked speaker of an article."""

    statements: Sequence[Statement]
    candidates: Sequence[Candidate]
    near_stories: Sequence[str] = ()


def assign_article(
    speakers: Sequence[SpeakerInput],
    published: datetime | None = None,
    first_seen: Callable[[str], datetime | None] | None = None,
) -> list[list[Assignment]]:
    """`assign` for every tracked speaker of one article (same order), deciding background
    article-wide (watchers.stories.evidence).

    A speaker's weak match (a quoted phrase, a few words) is background when the article's news lies
    elsewhere: another speaker's statements link it to a story or open one, or this speaker's link it
    to another story. Otherwise it links: a brief that carries only those words, or a follow-up that
    adds new words of the same speaker to them. With `first_seen` (a story id -> when it was first
    seen, None if unknown) and the article's `published`, a link to a story of an earlier news cycle
    beside fresher news is background too (`evidence.stale_links`)."""
    strict = [assign(s.statements, s.candidates, s.near_stories) for s in speakers]
    news = [any(not a.background for a in out) for out in strict]
    out = []
    for k, (s, mine) in enumerate(zip(speakers, strict, strict=True)):
        elsewhere = any(news[:k]) or any(news[k + 1 :])
        linked = any(a.story_id is not None and not a.background for a in mine)
        if elsewhere or linked or not any(a.background for a in mine):
            out.append(mine)
        else:
            out.append(assign(s.statements, s.candidates, s.near_stories, weak_links=True))
    if published is None or first_seen is None:
        return out
    return _without_stale(speakers, out, published, first_seen)


def _without_stale(
    speakers: Sequence[SpeakerInput], out: list[list[Assignment]], published: datetime,
    first_seen: Callable[[str], datetime | None],
) -> list[list[Assignment]]:
    links = [
        (k, a.story_id) for k, (s, mine) in enumerate(zip(speakers, out, strict=True)) if not s.near_stories
        for a in mine if a.story_id is not None and not a.background
    ]
    new_speakers = {k for k, mine in enumerate(out) for a in mine if a.story_id is None and not a.background}
    if not links or (len(links) == 1 and not new_speakers - {links[0][0]}):
        return out  # one link and no other speaker's news: nothing it could be background beside
    ages = {}
    for k, sid in links:
        seen = first_seen(sid)
        ages[(k, sid)] = published - seen if seen is not None else timedelta(0)
    stale = stale_links(ages, new_speakers)
    return [
        [Assignment(None, a.statements, a.repeats, background=True) if (k, a.story_id) in stale else a for a in mine]
        for k, mine in enumerate(out)
    ]


def story_id_for(article_id: str, speaker_id: str) -> str:
    """Stable id of the story an article opens for a speaker (one per speaker per article)."""
    return hashlib.blake2b(f"{article_id}\x1f{speaker_id}".encode(), digest_size=8).hexdigest()


def lock_keys(article: Article, norm_title: str, speakers: Iterable[str]) -> list[str]:
    """The keys one article's dedup holds: its id, URL and (outlet, title), and each tracked speaker."""
    keys = [f"article\x1f{article.id}", f"title\x1f{article.outlet}\x1f{norm_title}"]
    if article.url:
        keys.append(f"url\x1f{article.url}")
    keys.extend(f"speaker\x1f{s}" for s in speakers)
    return keys


def _candidates(
    store: StoreBackend, speaker_id: str, texts: list[str], lo: datetime, hi: datetime, prepared: Prepared | None
) -> list[Candidate]:
    """Level 3's candidates for the speaker's texts (by the keys prepared, when they were)."""
    if not texts:
        return []
    if prepared is None:
        found = store.story_candidates(speaker_id, texts, lo, hi)
    else:
        found = store.story_candidates(speaker_id, texts, lo, hi, keys=prepared.query_keys(speaker_id, texts))
    return [Candidate(sid, normalise(text)) for sid, text in found]


def process_article(
    store: StoreBackend, article: Article, statements: Sequence[Statement], now: datetime, window: float,
    prepared: Prepared | None = None,
) -> list[StoryEvent]:
    """Record the article and its tracked speakers' statements; one StoryEvent per (speaker, story)
    touched, in the order the speakers appear. [] for an article already seen (level 1).

    `prepared`: the pure inputs (fingerprint, normalised title, shingle keys) computed beforehand, off
    this thread (watchers.stories.prepared); the same values as computed here without it."""
    if store.article_seen(article.id, article.url):  # cheap early exit, re-checked in the transaction
        return []
    # A date in the future (a feed's time zone bug) would widen the window past now.
    published = min(article.published, now)
    article = replace(article, published=published)
    span = timedelta(seconds=window)
    lo, hi = published - span, published + span
    norm_title = normalise(article.title) if prepared is None else prepared.norm_title
    fingerprint = simhash(article.text) if prepared is None else prepared.fingerprint

    by_speaker: dict[str, list[Statement]] = {}
    names: dict[str, str] = {}
    for st in statements:
        if st.speaker_id is not None:
            by_speaker.setdefault(st.speaker_id, []).append(st)
            names.setdefault(st.speaker_id, st.speaker or st.speaker_id)

    with store.transaction():
        # Several workers on one database: hold this article's keys for the transaction (see the module
        # docstring), taken before anything is read so that what is read is what the others committed.
        store.lock_keys(lock_keys(article, norm_title, by_speaker))
        # The reads below, in one round trip on a server database (the answers are the same).
        speaker_texts = {s: [st.text for st in sts] for s, sts in by_speaker.items()}
        store.prefetch_dedup(article, norm_title, fingerprint, lo, hi, MAX_DISTANCE, speaker_texts, keys=None if prepared is None
                             else {s: prepared.query_keys(s, t) for s, t in speaker_texts.items()})
        if store.article_seen(article.id, article.url):  # (a url of "" matches by id only: see the store)
            return []
        if len(norm_title.split()) >= MIN_TITLE_WORDS and store.title_seen(norm_title, article.outlet, lo, hi):
            # Recorded as seen, with no stories, so the next poll does not fetch and extract it again.
            # No fingerprint: level 2 must keep finding the outlet's first copy, which holds the stories.
            store.add_article(article, None, norm_title=norm_title, seen_at=now)
            return []
        near = store.near_duplicates(fingerprint, lo, hi, MAX_DISTANCE) if fingerprint is not None else []
        store.add_article(article, fingerprint, norm_title=norm_title, seen_at=now)

        near_stories: dict[str, list[str]] = {}
        same_outlet = False
        if near:
            near_id, near_outlet, _ = near[0]
            same_outlet = near_outlet == article.outlet
            for speaker_id, story_id in store.article_stories(near_id):
                near_stories.setdefault(speaker_id, []).append(story_id)
                names.setdefault(speaker_id, speaker_id)

        events: list[StoryEvent] = []
        rows: list[tuple[Statement, str | None, bool]] = []
        speakers = [*by_speaker, *(s for s in near_stories if s not in by_speaker)]
        inputs = []
        for speaker_id in speakers:
            texts = [st.text for st in by_speaker.get(speaker_id, ())]
            candidates = _candidates(store, speaker_id, texts, lo, hi, prepared)
            inputs.append(SpeakerInput(by_speaker.get(speaker_id, ()), candidates, near_stories.get(speaker_id, ())))

        def first_seen(story_id: str) -> datetime | None:
            story = store.get_story(story_id)
            return story.first_seen if story is not None else None

        for speaker_id, assignments in zip(speakers, assign_article(inputs, published, first_seen), strict=True):
            for a in assignments:
                if a.background:  # on record (search), in no story
                    rows.extend((st, None, rep) for st, rep in zip(a.statements, a.repeats, strict=True))
                    continue
                new = a.story_id is None
                story_id = story_id_for(article.id, speaker_id) if a.story_id is None else a.story_id
                new_source = new or not same_outlet
                if new_source:  # (create_story and add_source, sent with the next statement on a server)
                    store.record_source(story_id, article.id, now,
                                        new_story=(speaker_id, names[speaker_id]) if new else None)
                rows.extend((st, story_id, rep) for st, rep in zip(a.statements, a.repeats, strict=True))
                events.append(StoryEvent(story_id, speaker_id, new, a.statements, new_source))
        if prepared is None:
            store.add_statements(article.id, published, rows)
        else:
            store.add_statements(article.id, published, rows, keys=[
                () if st.speaker_id is None else prepared.stored_keys(st.speaker_id, st.text) for st, _, _ in rows
            ])
    return events
