"""Statement search: a speaker's latest statements (/quotes) and full-text search (/search).

SQLITE-ONLY at heart: the FTS5 index `statements_fts` (external content over `statements`, non-repeats
only), its bm25 rank and snippet(). `fts_query` turns whatever the user typed into a safe FTS5 query.
FTS5's stemmer is English only: a Cyrillic statement is also indexed as its words' lemmas (column
`lemmas`, rules.inflect.lemmas), and a Cyrillic query word is looked up there as its lemma, so
`расширение` finds `расширения` and `расширению`.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Any

from rules.inflect import has_cyrillic, lemma
from watchers.store.backend import StatementHit, StoreError
from watchers.store.columns import ts
from watchers.store.common.search import HIT_COLUMNS, hit
from watchers.store.common.search import SearchQueries as SharedSearchQueries
from watchers.store.query import Phrase, parse_query
from watchers.store.sqlite.connection import Connection

# Words of context either side of a search match in the snippet.
SNIPPET_TOKENS = 16
# A search matching more statements than this ranks only its newest this-many matches: bm25 costs about
# 1.5 us per match (2-core bench), so this keeps a one-common-word /search under ~10 ms on any history,
# and a word in that many statements is better served by the newest ones anyway.
MAX_RANKED_MATCHES = 5_000

_WORD = re.compile(r"\w+")


def _fts_phrase(phrase: Phrase) -> str:
    return '"' + " ".join(phrase) + '"'  # words are \w+ only: no quote to escape


def _forms(phrase: Phrase) -> list[str]:
    """The phrase as FTS5 terms: as typed, or, with a Cyrillic word, as lemmas in the `lemmas` column
    only (schema step 7; in `text` the same letters may be another word's form: "песков", sand, is a
    form of "песок"), also read with capitals, since people type names in lower case."""
    if not any(has_cyrillic(w) for w in phrase):
        return [_fts_phrase(phrase)]
    typed = tuple(lemma(w) for w in phrase)
    capitalised = tuple(lemma(w[:1].upper() + w[1:]) if has_cyrillic(w) else lemma(w) for w in phrase)
    return [f"lemmas : {_fts_phrase(p)}" for p in dict.fromkeys((typed, capitalised))]


def fts_query(words: str) -> str | None:
    """User words -> a safe FTS5 query (watchers.store.query reads them): phrases quoted, clauses ANDed,
    alternatives ORed, exclusions after NOT. None when no word is left to look for.

    Nothing the user types is FTS syntax: NEAR, *, ^, column filters and stray quotes all become plain
    words (or vanish, for punctuation); only the operators of watchers.store.query are read."""
    query = parse_query(words)
    if not query:
        return None
    parts = []
    clauses = [[form for p in clause for form in _forms(p)] for clause in query.clauses]
    for clause in clauses:
        alternatives = " OR ".join(clause)
        parts.append(f"({alternatives})" if len(clause) > 1 else alternatives)
    # Plain phrases side by side (FTS5's implicit AND); AND spelt out next to a group, which FTS5 requires.
    out = " AND ".join(parts) if any(len(c) > 1 for c in clauses) else " ".join(parts)
    if query.excluded:
        excluded = [form for p in query.excluded for form in _forms(p)]
        out = f"({out}) NOT (" + " OR ".join(excluded) + ")"
    return out


class SearchQueries(SharedSearchQueries, Connection):
    def search_statements(
        self, words: str, speaker_id: str | None = None, since: datetime | None = None, limit: int = 10
    ) -> list[StatementHit]:
        """Statements containing all the words (stemmed, case- and accent-blind), best bm25 first (/search).

        The user's words are never FTS syntax (see fts_query): any input is safe. Without `since`, FTS5
        ranks and cuts to `limit` by itself (the speaker, too, is matched inside FTS5), so only `limit`
        rows are joined, and a query matching more than MAX_RANKED_MATCHES statements ranks the newest
        of them only; with `since`, every match is joined and filtered by time first (exact, slower
        for very common words)."""
        query = fts_query(words)
        if query is None or limit <= 0:
            return []
        match = f"{{text lemmas}} : ({query})"  # Cyrillic words: in `lemmas` only (see _forms)
        speaker_words = _WORD.findall(speaker_id) if speaker_id is not None else []
        if speaker_words:
            match += ' AND speaker_id : "' + " ".join(speaker_words) + '"'
        # SQLITE-ONLY: FTS5 MATCH, rank (bm25 with the weights set in the schema) and snippet().
        snippet = f"snippet(statements_fts, 0, '«', '»', '…', {SNIPPET_TOKENS})"
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if speaker_id is not None:
            where.append("s.speaker_id = ?")  # exact, after the token match above
            params.append(speaker_id)
        if since is None:
            # Walking the newest matches by rowid costs ~0.05 us each (no scoring): cheap bound first.
            floor = self._one(
                "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (match, MAX_RANKED_MATCHES),
            )
            sql = f"""SELECT {HIT_COLUMNS}, f.snip, f.rank
                      FROM (SELECT rowid AS id, {snippet} AS snip, rank FROM statements_fts
                            WHERE statements_fts MATCH ? AND rowid > ? ORDER BY rank LIMIT ?) f
                      JOIN statements s ON s.id = f.id JOIN articles a ON a.id = s.article_id
                      WHERE {' AND '.join(where)} ORDER BY f.rank, s.published DESC"""
            args: list[Any] = [match, floor[0] if floor else 0, limit, *params]
        else:
            where.append("s.published >= ?")
            params.append(ts(since))
            sql = f"""SELECT {HIT_COLUMNS}, {snippet}, statements_fts.rank
                      FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid
                      JOIN articles a ON a.id = s.article_id
                      WHERE statements_fts MATCH ? AND {' AND '.join(where)}
                      ORDER BY statements_fts.rank, s.published DESC LIMIT ?"""
            args = [match, *params, limit]
        try:
            rows = self._all(sql, args)
        except sqlite3.OperationalError as e:  # should not happen with fts_query; never crash /search
            raise StoreError(f"search failed for {words!r}: {e}") from e
        return [hit(r[:9], snippet=r[9], rank=r[10]) for r in rows]
