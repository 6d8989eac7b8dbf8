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
from bot.i18n import _, ngettext
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
        raise UserError(_("Write /status, or /status feeds for every feed."))
    rules = qw.rules()
    states = {s.feed_id: s for s in await qw.store.feed_states()}
    now = datetime.now(UTC)
    depth = await qw.store.outbox_depth()
    dead = await qw.store.dead_outbox(DEAD_SHOWN)
    polled = [s.last_poll for s in states.values() if s.last_poll is not None]
    last_poll = _("last poll {ago}").format(ago=e(ago(max(polled), now))) if polled else _("no poll yet")
    lines = [
        _("{name}, up {uptime}").format(name=f"<b>quotewatch {e(qw.version)}</b>",
                                        uptime=e(format_duration(round(max(time.time() - qw.started, 0))))),
        _("Outbox: {depth} pending; {last_poll}").format(depth=depth, last_poll=last_poll),
    ]
    workers = await qw.store.workers()
    if len(workers) > 1 or any(w.takes_updates for w in workers):
        taker = next((w.worker_id for w in workers if w.takes_updates), None)
        lines.append(_("Workers: {n}; update taker: {taker}").format(n=len(workers), taker=e(taker or _("none"))))
        lines += [f"• {e(worker_line(w, now))}" for w in workers]
    if dead:
        count = f"{len(dead)}+" if len(dead) >= DEAD_SHOWN else str(len(dead))
        lines.append(_("⚠️ Undeliverable alerts: {count}; last error: {error}").format(
            count=count, error=e(shown_error(dead[0][1] or _("unknown")))))
    if not rules.feeds:
        lines.append(_("No feeds configured."))
    elif args:
        lines += [feed_status(feed.id, states.get(feed.id), now) for feed in rules.feeds]
    else:
        failing = [f for f in rules.feeds if (st := states.get(f.id)) is not None and st.consecutive_errors]
        waiting = sum(1 for f in rules.feeds if f not in failing
                      and ((st := states.get(f.id)) is None or st.last_poll is None))
        counts = [_("{n} ok").format(n=len(rules.feeds) - len(failing) - waiting),
                  _("{n} in error").format(n=len(failing))]
        if waiting:
            counts.append(_("{n} not polled yet").format(n=waiting))
        lines.append(_("Feeds: {n} ({counts}); /status feeds lists them all").format(
            n=len(rules.feeds), counts=", ".join(counts)))
        lines += [feed_status(f.id, states.get(f.id), now) for f in failing]
    await reply(update, fit(lines))


def worker_line(w: WorkerInfo, now: datetime, self_id: str | None = None) -> str:
    """"host-123-ab12 (host, pid 123): 4 feeds held, heartbeat 3s ago, takes updates"."""
    parts = [ngettext("{n} feed held", "{n} feeds held", w.feeds).format(n=w.feeds),
             _("heartbeat {ago}").format(ago=ago(w.heartbeat, now))]
    if w.takes_updates:
        parts.append(_("takes updates"))
    if w.worker_id == self_id:
        parts.append(_("this one"))
    return f"{w.worker_id} ({w.host}, pid {w.pid}): {', '.join(parts)}"


def shown_error(error: str) -> str:
    """An error text as /status shows it: URL secrets redacted, one clean line, at most ERROR_SHOWN chars."""
    return clean(redact_text(error), ERROR_SHOWN)


def ago(moment: datetime, now: datetime) -> str:
    """"3m ago" (or "just now"); moments in the future count as now (clock skew between workers)."""
    seconds = (now - moment).total_seconds()
    return _("just now") if seconds < 1 else _("{duration} ago").format(duration=format_duration(round(seconds)))


def feed_status(feed_id: str, state: FeedState | None, now: datetime) -> str:
    """One /status line: last success, last error, consecutive errors, next poll (or backoff)."""
    name = f"<code>{e(feed_id)}</code>"
    if state is None or state.last_poll is None:
        return "⏳ " + _("{name}: not polled yet").format(name=name)
    ok = _("last ok {ago}").format(ago=e(ago(state.last_success, now))) if state.last_success else _("never polled ok")
    upcoming = ""
    if state.next_poll is not None:
        wait = (state.next_poll - now).total_seconds()
        upcoming = (_("next poll in {wait}").format(wait=e(format_duration(round(wait)))) if wait >= 1
                    else _("next poll due"))
    if state.consecutive_errors:
        since = " " + _("since {ago}").format(ago=e(ago(state.last_error_at, now))) if state.last_error_at else ""
        error = e(shown_error(state.last_error or "error"))
        backoff = "; " + _("backing off, {upcoming}").format(upcoming=upcoming) if upcoming else ""
        failed = ngettext("{n} failed poll(s)", "{n} failed poll(s)", state.consecutive_errors).format(
            n=state.consecutive_errors)
        return f"⚠️ {name}: {failed}{since}, {ok}{backoff}: {error}"
    tail = f", {upcoming}" if upcoming else ""
    seen = ngettext("{n} item seen", "{n} items seen", state.items_seen).format(n=state.items_seen)
    return f"✅ {name}: {ok}, {seen}{tail}"
