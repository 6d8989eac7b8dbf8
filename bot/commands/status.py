"""/status: is the bot healthy? Version and uptime, the outbox (pending and undeliverable alerts), feed
counts and one line per feed in error, read from the store; the workers sharing the database (id, host,
feeds held, last heartbeat) and which one takes the updates; `/status feeds` lists every configured feed
(last success, failures, next poll).

For the bot's admins only (registered with admin=True): a feed's last error quotes its URL, and a feed
URL can carry credentials. Errors are shown redacted all the same (userinfo and secret-looking query
parameters as "***", watchers.feeds.redact), since an admin may share the answer in a group."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Update

from bot.commands.base import Context, UserError, ctx, e, fit, reply, words
from bot.render import clean
from rules.duration import format_duration
from watchers.feeds.redact import redact_text

if TYPE_CHECKING:
    from watchers.model import FeedState
    from watchers.store import WorkerInfo

# /status counts dead outbox items up to this many ("20+"): enough to tell one failure from a pattern,
# and the store's dead_outbox reads no more rows than that.
DEAD_SHOWN = 20
# An error is one line of the answer: enough for the reason, not a wall that pushes the feeds out of the
# 4096 characters.
ERROR_SHOWN = 160


async def cmd_status(update: Update, context: Context) -> None:
    """Health: counts, the feeds in error, the outbox; "feeds" lists every feed."""
    qw = ctx(context)
    args = [a.lower() for a in words(update)]
    if args not in ([], ["feeds"]):
        raise UserError("Write /status, or /status feeds for every feed.")
    rules = qw.rules()
    states = {s.feed_id: s for s in await qw.store.feed_states()}
    now = datetime.now(UTC)
    depth = await qw.store.outbox_depth()
    dead = await qw.store.dead_outbox(DEAD_SHOWN)
    polled = [s.last_poll for s in states.values() if s.last_poll is not None]
    last_poll = f"last poll {e(ago(max(polled), now))}" if polled else "no poll yet"
    lines = [
        f"<b>quotewatch {e(qw.version)}</b>, up {e(format_duration(round(max(time.time() - qw.started, 0))))}",
        f"Outbox: {depth} pending; {last_poll}",
    ]
    workers = await qw.store.workers()
    if len(workers) > 1 or any(w.takes_updates for w in workers):
        taker = next((w.worker_id for w in workers if w.takes_updates), None)
        lines.append(f"Workers: {len(workers)}; update taker: {e(taker or 'none')}")
        lines += [f"• {e(worker_line(w, now))}" for w in workers]
    if dead:
        count = f"{len(dead)}+" if len(dead) >= DEAD_SHOWN else str(len(dead))
        lines.append(f"⚠️ Undeliverable alerts: {count}; last error: {e(shown_error(dead[0][1] or 'unknown'))}")
    if not rules.feeds:
        lines.append("No feeds configured.")
    elif args:
        lines += [feed_status(feed.id, states.get(feed.id), now) for feed in rules.feeds]
    else:
        failing = [f for f in rules.feeds if (st := states.get(f.id)) is not None and st.consecutive_errors]
        waiting = sum(1 for f in rules.feeds if f not in failing
                      and ((st := states.get(f.id)) is None or st.last_poll is None))
        counts = [f"{len(rules.feeds) - len(failing) - waiting} ok", f"{len(failing)} in error"]
        if waiting:
            counts.append(f"{waiting} not polled yet")
        lines.append(f"Feeds: {len(rules.feeds)} ({', '.join(counts)}); /status feeds lists them all")
        lines += [feed_status(f.id, states.get(f.id), now) for f in failing]
    await reply(update, fit(lines))


def worker_line(w: WorkerInfo, now: datetime, self_id: str | None = None) -> str:
    """"host-123-ab12 (host, pid 123): 4 feeds held, heartbeat 3s ago, takes updates"."""
    seconds = max((now - w.heartbeat).total_seconds(), 0)
    beat = "just now" if seconds < 1 else f"{format_duration(round(seconds))} ago"
    parts = [f"{w.feeds} feed{'s' if w.feeds != 1 else ''} held", f"heartbeat {beat}"]
    if w.takes_updates:
        parts.append("takes updates")
    if w.worker_id == self_id:
        parts.append("this one")
    return f"{w.worker_id} ({w.host}, pid {w.pid}): {', '.join(parts)}"


def shown_error(error: str) -> str:
    """An error text as /status shows it: URL secrets redacted, one clean line, at most ERROR_SHOWN chars."""
    return clean(redact_text(error), ERROR_SHOWN)


def ago(moment: datetime, now: datetime) -> str:
    """"3m ago" (or "just now"); moments in the future count as now (clock skew between workers)."""
    seconds = (now - moment).total_seconds()
    return "just now" if seconds < 1 else f"{format_duration(round(seconds))} ago"


def feed_status(feed_id: str, state: FeedState | None, now: datetime) -> str:
    """One /status line: last success, last error, consecutive errors, next poll (or backoff)."""
    name = f"<code>{e(feed_id)}</code>"
    if state is None or state.last_poll is None:
        return f"⏳ {name}: not polled yet"
    ok = f"last ok {e(ago(state.last_success, now))}" if state.last_success else "never polled ok"
    upcoming = ""
    if state.next_poll is not None:
        wait = (state.next_poll - now).total_seconds()
        upcoming = f"next poll in {e(format_duration(round(wait)))}" if wait >= 1 else "next poll due"
    if state.consecutive_errors:
        since = f" since {e(ago(state.last_error_at, now))}" if state.last_error_at else ""
        error = e(shown_error(state.last_error or "error"))
        backoff = f"; backing off, {upcoming}" if upcoming else ""
        return f"⚠️ {name}: {state.consecutive_errors} failed poll(s){since}, {ok}{backoff}: {error}"
    tail = f", {upcoming}" if upcoming else ""
    seen = f"{state.items_seen} item{'s' if state.items_seen != 1 else ''} seen"
    return f"✅ {name}: {ok}, {seen}{tail}"
