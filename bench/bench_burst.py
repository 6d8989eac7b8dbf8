"""Burst delivery: N alerts to M chats through the Sender, against the fake Bot API enforcing Telegram's limits.

    python -m bench.bench_burst [--stories 10] [--private 40] [--groups 10]

Every story goes to every chat (default 10 x 50 = 500 messages). The fake server answers 429 the way
Telegram does (30 msgs/s overall, 1 msg/s per private chat with short bursts, 20 msgs/min per group);
the target is zero 429s, in a time close to the least the limits allow. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from datetime import UTC, datetime

from telegram import Bot

from bot.delivery import Sender
from bot.ratelimit import Limits, minimum_seconds
from bot.render import render_alert
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_delivery import seed_story
from watchers.store import AsyncStore, Store

GIVE_UP_SECONDS = 600.0  # a bench that has not drained by then has a bug, not a slow network


async def bench(stories: int, private: int, groups: int) -> dict[str, object]:
    store = Store(":memory:")
    chats: list[int] = [100 + i for i in range(private)] + [-1000 - i for i in range(groups)]
    for s in range(stories):
        seed_story(store, f"story{s}", quotes=(f"Statement number {s} on the harvest levy.",),
                   outlets=("The Harbour Ledger", "Northport Courier"), published=datetime.now(UTC))
        for chat in chats:
            store.enqueue(chat, f"story{s}", "send")
    total = store.outbox_depth()
    astore = AsyncStore(store)
    async with FakeTelegram(enforce_limits=True) as fake, Bot(TOKEN, base_url=fake.base_url) as bot:
        sender = Sender(bot, astore, render_alert)
        rounds = 0
        start = time.monotonic()
        while store.outbox_depth() and time.monotonic() - start < GIVE_UP_SECONDS:
            rounds += 1
            if not await sender.drain_once():
                await asyncio.sleep(0.05)
        elapsed = time.monotonic() - start
        delivered = len(fake.sent())
        rate_limited = fake.rate_limited
    await astore.close()
    per_chat: dict[int | str, int] = {chat: stories for chat in chats}
    return {
        "bench": "burst",
        "messages": total,
        "chats": len(chats),
        "private_chats": private,
        "groups": groups,
        "delivered": delivered,
        "http_429": rate_limited,
        "elapsed_s": round(elapsed, 2),
        "minimum_s": minimum_seconds(per_chat, Limits()),
        "rounds": rounds,
        "msgs_per_s": round(delivered / elapsed, 1) if elapsed else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=10)
    parser.add_argument("--private", type=int, default=40)
    parser.add_argument("--groups", type=int, default=10)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(bench(args.stories, args.private, args.groups))
    print(f"{'metric':<16} value")
    for key in ("messages", "chats", "delivered", "http_429", "elapsed_s", "minimum_s", "msgs_per_s", "rounds"):
        print(f"{key:<16} {result[key]}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
