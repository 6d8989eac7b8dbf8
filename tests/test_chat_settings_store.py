"""A chat's settings and its held stories in the store, on both backends (tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchers.store import StoreBackend

T0 = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)


def test_settings_round_trip_and_removal(store: StoreBackend) -> None:
    assert store.chat_settings(-100) == {}
    store.set_chat_settings(-100, {"silent": "1", "lang": "ru", "tz": "Europe/Riga"})
    store.set_chat_settings("@harbour", {"paused": "1"})
    store.set_chat_settings(-100, {"lang": "en", "tz": None})
    assert store.chat_settings(-100) == {"silent": "1", "lang": "en"}
    assert store.chat_settings("@harbour") == {"paused": "1"}


def test_hold_settles_the_item_and_keeps_the_order(store: StoreBackend) -> None:
    for n in (1, 2, 3):
        store.create_story(f"s{n}", "keldan", "Marta Keldan", T0)
    ids = [store.enqueue(-100, f"s{n}", "send") for n in (2, 1, 3)]
    for offset, (item_id, story) in enumerate(zip(ids, ("s2", "s1", "s3"), strict=True)):
        store.hold_story(item_id, -100, story, T0 + timedelta(minutes=offset))
    edit = store.enqueue(-100, "s1", "edit")
    store.hold_story(edit, -100, "s1", T0 + timedelta(hours=1))  # held already: keeps its place
    assert store.due_outbox(T0 + timedelta(days=1)) == []
    assert store.outbox_depth() == 0
    assert store.held_stories(-100) == ["s2", "s1", "s3"]
    assert store.held_chats() == [(-100, T0)]
    assert store.deliveries("s1") == []  # held is not delivered
    assert store.release_held(-100, ["s2", "s1", "missing"]) == 2
    assert store.held_stories(-100) == ["s3"]
    assert store.held_chats() == [(-100, T0 + timedelta(minutes=2))]


def test_settings_and_held_stories_follow_a_migrated_group(store: StoreBackend) -> None:
    store.create_story("s1", "keldan", "Marta Keldan", T0)
    store.set_chat_settings(-5, {"silent": "1", "lang": "ru"})
    store.set_chat_settings(-1005, {"lang": "en"})  # the new id's own row wins
    store.hold_story(store.enqueue(-5, "s1", "send"), -5, "s1", T0)
    store.migrate_chat(-5, -1005)
    assert store.chat_settings(-1005) == {"silent": "1", "lang": "en"}
    assert store.chat_settings(-5) == {}
    assert store.held_stories(-1005) == ["s1"]
    assert store.held_chats() == [(-1005, T0)]
