"""Statement search on PostgreSQL: a speaker's latest statements (/quotes) and full-text search
(/search), with the results and ranking semantics of the SQLite backend's FTS5 search.

The index is the generated `statements.search` tsvector (GIN; NULL for repeats, so they are never
found), built with our text search configurations (schema.py): unaccented, stemmed by Snowball, no stop
words dropped, as SQLite's porter/unicode61/remove_diacritics tokenizer does. A statement is indexed with
the configuration of its script (Cyrillic: quotewatch_russian, else quotewatch_english), so a query is
built in both when it has Cyrillic words (a word's stem differs between them), else in English only.

Semantics kept from SQLite: the query is read by watchers.store.query (words and "phrases" required,
OR, -word), nothing the user types is query syntax (phraseto_tsquery takes plain text), the snippet wraps matches in «…», rank is lower-is-
better (minus PostgreSQL's cover-density rank, length-normalised like bm25), and a query matching more
than MAX_RANKED_MATCHES statements ranks only the newest of them.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

import psycopg

from watchers.store.backend import StatementHit
from watchers.store.columns import ts
from watchers.store.common.search import HIT_COLUMNS, hit
from watchers.store.common.search import SearchQueries as SharedSearchQueries
from watchers.store.postgres.connection import Connection, native
from watchers.store.query import Phrase, SearchQuery, parse_query

# Words of context in the snippet around a match (SQLite's snippet() shows 16 tokens).
SNIPPET_WORDS = 16
# A search matching more statements than this ranks only its newest this-many matches (as on SQLite):
# ranking reads each match's tsvector, and a word in that many statements is better served by the
# newest ones anyway.
MAX_RANKED_MATCHES = 5_000
# Where the newest MAX_RANKED_MATCHES matches are looked for first (newest statements by id): a word
# in one statement of RECENT_WINDOW / MAX_RANKED_MATCHES = 20 or more is answered from there (~15k rows
# read for the commonest word instead of ~150k on a 1M history).
RECENT_WINDOW = 20 * MAX_RANKED_MATCHES
# ts_rank_cd normalisation 1: rank / (1 + log(document length)), so a short statement about the words
# beats a long one that mentions them (bm25's length normalisation, near enough).
RANK_NORMALISATION = 1

_CYRILLIC = re.compile("[\u0400-\u04ff]")  # the same range as quotewatch_search_config in schema.py
_HEADLINE = (
    f"StartSel=«, StopSel=», MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, ShortWord=0, "
    "MaxFragments=1, FragmentDelimiter=…"
)


def search_terms(words: str) -> list[str]:
    """The phrases of the user's query as plain text (watchers.store.query reads them), in order."""
    query = parse_query(words)
    return [" ".join(p) for clause in query.clauses for p in clause]


def tsquery_sql(query: SearchQuery) -> tuple[str, list[str]]:
    """The tsquery expression (SQL) of a parsed query, and its parameters (plain text: never syntax).

    A statement is indexed in the configuration of its script, so the whole query is built once per
    configuration and the branches ORed (as before); an excluded phrase is left out in either."""
    texts = [" ".join(p) for clause in query.clauses for p in clause] + [" ".join(p) for p in query.excluded]
    configs = ["quotewatch_english"]
    if any(_CYRILLIC.search(t) for t in texts):
        configs.append("quotewatch_russian")
    params: list[str] = []

    def phrase(config: str, p: Phrase) -> str:
        params.append(" ".join(p))
        return f"phraseto_tsquery('{config}', ?)"

    branches = []
    for c in configs:
        clauses = ["(" + " || ".join(phrase(c, p) for p in clause) + ")" for clause in query.clauses]
        branches.append("(" + " && ".join(clauses) + ")")
    sql = "(" + " || ".join(branches) + ")"
    for c in configs:
        for p in query.excluded:
            sql += f" && !!{phrase(c, p)}"
    return sql, params


class SearchQueries(SharedSearchQueries, Connection):
    def search_statements(
        self, words: str, speaker_id: str | None = None, since: datetime | None = None, limit: int = 10
    ) -> list[StatementHit]:
        """Statements containing all the words (stemmed, case- and accent-blind), best first (/search).

        Any input is safe (search_terms). Without `since`, only the newest MAX_RANKED_MATCHES matches are
        ranked; with `since`, every match in the time range is (exact, slower for very common words)."""
        parsed = parse_query(words)
        if not parsed or limit <= 0:
            return []
        query, params = tsquery_sql(parsed)
        where = ["s.search @@ q.q"]
        filters: list[Any] = []
        if speaker_id is not None:
            where.append("s.speaker_id = ?")
            filters.append(speaker_id)
        if since is not None:
            where.append("s.published >= ?")
            filters.append(ts(since))
        cond = " AND ".join(where)
        window = self._recent_window(query, [*params, *filters], cond) if since is None else None
        if window is not None:
            # The newest MAX_RANKED_MATCHES matches, looked for among the newest RECENT_WINDOW statements
            # first: when they hold that many, those are the newest overall (the same set), and a very
            # common word costs a window's worth of rows, not every row that has it. Else (rarer words)
            # all matches, which are few. One statement: the second branch runs only when needed.
            matches = f"""recent AS (SELECT s.id, s.search FROM statements s, q
                                     WHERE {cond} AND s.id > (SELECT max(id) FROM statements) - ?
                                     ORDER BY s.id DESC LIMIT ?),
                matches AS (SELECT id, search FROM recent WHERE (SELECT COUNT(*) FROM recent) >= ?
                            UNION ALL
                            (SELECT s.id, s.search FROM statements s, q
                             WHERE {cond} AND (SELECT COUNT(*) FROM recent) < ? ORDER BY s.id DESC LIMIT ?)),"""
            args: list[Any] = [*params, *filters, window, MAX_RANKED_MATCHES, MAX_RANKED_MATCHES,
                               *filters, MAX_RANKED_MATCHES, MAX_RANKED_MATCHES]
        elif since is None:  # the newest MAX_RANKED_MATCHES of all matches (they are too few for the window)
            matches = f"matches AS (SELECT s.id, s.search FROM statements s, q WHERE {cond} ORDER BY s.id DESC LIMIT ?),"
            args = [*params, *filters, MAX_RANKED_MATCHES]
        else:
            matches = f"matches AS (SELECT s.id, s.search FROM statements s, q WHERE {cond}),"
            args = [*params, *filters]
        args.append(limit)
        sql = f"""
            WITH q AS (SELECT {query} AS q),
            {matches}
            ranked AS (SELECT m.id, -ts_rank_cd(m.search, q.q, {RANK_NORMALISATION}) AS rank FROM matches m, q
                       ORDER BY rank, m.id DESC LIMIT ?)
            SELECT {HIT_COLUMNS},
                   ts_headline(quotewatch_search_config(s.text), s.text, q.q, '{_HEADLINE}'), r.rank
            FROM ranked r JOIN statements s ON s.id = r.id JOIN articles a ON a.id = s.article_id, q
            ORDER BY r.rank, s.published DESC"""
        # Not prepared: a generic plan cannot know how common the words are, and the wrong guess walks
        # the whole table in id order instead of asking the GIN index (~20 ms instead of ~1 ms).
        rows = self._all(sql, args, prepare=False)
        return [hit(r[:9], snippet=r[9], rank=float(r[10])) for r in rows]

    def _recent_window(self, query: str, args: list[Any], cond: str) -> int | None:
        """How many of the newest statements to look among first, or None: straight to all matches.

        By the planner's estimate of the matches (the text search statistics ANALYZE keeps; ~1 ms, in
        one round trip with the table's size): a window that should hold MAX_RANKED_MATCHES with half as
        many to spare, at most RECENT_WINDOW, so only for a word in one statement of 20 or more. For any
        other a window is a wasted pass (a bitmap of its ids, and every match in it read) before the
        same search over all matches. The matches ranked are the same whatever this says: the window's
        search falls back to all matches when it holds too few."""

        def run() -> list[psycopg.Cursor[tuple[Any, ...]]]:
            return [
                self._db.execute(native(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM statements s, (SELECT {query} AS q) q "
                                        f"WHERE {cond}"), args, prepare=False),
                self._db.execute("SELECT reltuples FROM pg_class WHERE oid = 'statements'::regclass"),
            ]

        with self._lock:
            plan, size = self._retrying(run, batch=True)
            estimate, total = plan.fetchone(), size.fetchone()
        statements = -1.0 if total is None else float(total[0])
        if statements < 0 or estimate is None:
            return RECENT_WINDOW  # never analysed: no statistics to go by, the window first
        rows = float(estimate[0][0]["Plan"]["Plan Rows"])
        if statements <= RECENT_WINDOW or rows * RECENT_WINDOW < MAX_RANKED_MATCHES * statements:
            return None  # the window is the whole table, or too short for this query
        return max(MAX_RANKED_MATCHES, math.ceil(1.5 * MAX_RANKED_MATCHES * statements / rows))
