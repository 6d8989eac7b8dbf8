"""What became of each outbox item, written to the store — or kept in memory while the store refuses.

Sent means recorded, or stop sending. When the store cannot record an outcome (the disk is full, the
database read-only), the item would stay pending and go out again every round: one alert, a message a
second. So the Ledger keeps an outcome the store refused (`kept`), says why once (`trouble`, one log
line), and the sender sends nothing while `trouble` is set: each round first `flush()`es the kept
outcomes, and sending resumes when all of them are in. Only a hard kill while outcomes are kept can send
those again at the next start (at most one per chat: a chat stops at its first unrecorded send).

Backend-neutral: whatever the store raises counts as a refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from bot.i18n import _
from watchers.model import OutboxItem

if TYPE_CHECKING:
    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.delivery")


@dataclass(frozen=True)
class Outcome:
    """What became of an outbox item, as the store is to record it."""

    item: OutboxItem
    kind: Literal["sent", "retry", "dead"]
    message_id: int | None = None  # sent: the message, for later edits
    chat: int | str = 0  # sent: where it went (after a migration, not item.chat_id)
    shown: int = 0  # sent: sources the text showed (bot.delivery's follow-up edits)
    error: str = ""  # retry, dead
    not_before: datetime | None = None  # retry


class Ledger:
    """Records outcomes in the store; keeps the ones it refuses until `flush()` gets them in."""

    def __init__(self, store: AsyncStore, scrub: Callable[[str], str]) -> None:
        self.store = store
        self.scrub = scrub  # error texts may quote the bot token
        self.kept: dict[int, Outcome] = {}  # by outbox id, oldest first
        self.trouble: str | None = None  # why the store refused; set while sending must pause
        self.new_trouble = False  # set when trouble begins; the sender tells the admins and clears it

    async def record(self, outcome: Outcome) -> bool:
        """True if the store has it; else it is kept and `trouble` says why."""
        try:
            await self._write(outcome)
        except Exception as e:  # full, read-only, I/O error: whatever the backend raises
            self.kept[outcome.item.id] = outcome
            if self.trouble is None:
                self.trouble = self.scrub(" ".join(str(e).split()) or type(e).__name__)
                self.new_trouble = True
                log.error("the history database cannot record deliveries (%s): sending is paused, the "
                          "outcome is kept in memory and written when the database accepts it", self.trouble)
            return False
        return True

    async def flush(self) -> list[Outcome] | None:
        """Write the kept outcomes, oldest first. The ones written, once all are in (trouble is over);
        None while the store still refuses (quietly: it was said once)."""
        written: list[Outcome] = []
        for item_id, outcome in list(self.kept.items()):
            try:
                await self._write(outcome)
            except Exception:
                return None
            del self.kept[item_id]
            written.append(outcome)
        if self.trouble is not None:
            log.warning("the history database records again: %d kept outcome(s) written, sending resumes",
                        len(written))
            self.trouble = None
        return written

    async def _write(self, outcome: Outcome) -> None:
        item = outcome.item
        if outcome.kind == "sent":
            await self.store.mark_sent(item.id, outcome.message_id)
        elif outcome.kind == "retry":
            assert outcome.not_before is not None
            await self.store.mark_retry(item.id, outcome.error, outcome.not_before)
        else:
            await self.store.mark_dead(item.id, outcome.error)


def trouble_notice(trouble: str | None) -> str:
    """The message the admins get once when the store stops recording (in the current language)."""
    return _("quotewatch: the history database cannot record deliveries ({trouble}). Alerts are paused and "
             "will go out once it can; nothing is sent twice. Free disk space or fix the database's "
             "permissions.").format(trouble=trouble)
