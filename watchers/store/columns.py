"""How Python values are kept in the store's columns, both ways: times, chat ids, statements.

Shared by both backends, so a row means the same on SQLite and PostgreSQL: times are timezone-aware
datetimes in Python and unix seconds in the database (SQLite REAL, PostgreSQL DOUBLE PRECISION); chat
ids are TEXT (Telegram's integers and '@channel' names alike); a statement is the STATEMENT_COLUMNS of
its row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from watchers.model import Kind, Span, Statement
from watchers.store.backend import ChatId


def ts(dt: datetime | None) -> float | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt.isoformat()} given to the store; pass a timezone-aware one")
    return dt.timestamp()


def ts_req(dt: datetime) -> float:
    value = ts(dt)
    assert value is not None
    return value


def dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def dt_req(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def chat_in(chat_id: ChatId) -> str:
    return str(chat_id)


_NUMERIC = re.compile(r"-?\d+")


def chat_out(value: str) -> ChatId:
    """Telegram chat ids are integers; '@channel' names and console sinks stay strings."""
    return int(value) if _NUMERIC.fullmatch(value) else value


STATEMENT_COLUMNS = "text, start_pos, end_pos, kind, speaker, speaker_id, mention, mention_start, mention_end, cue"


def statement_values(st: Statement) -> tuple[Any, ...]:
    """The STATEMENT_COLUMNS values of a statement."""
    m = st.mention
    return (
        st.text, st.start, st.end, st.kind, st.speaker or st.speaker_id or "", st.speaker_id,
        None if m is None else m.text, None if m is None else m.start, None if m is None else m.end, st.cue,
    )


def statement_from_row(row: Sequence[Any]) -> Statement:
    """A statement from its STATEMENT_COLUMNS."""
    mention = None if row[6] is None else Span(row[6], row[7], row[8])
    return Statement(
        text=row[0], start=row[1], end=row[2], kind=cast(Kind, row[3]), speaker=row[4], speaker_id=row[5],
        mention=mention, cue=row[9],
    )
