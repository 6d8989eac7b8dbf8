"""The stories this process has alerted on, for `Alert.update`: a story's first alert is a new alert.

Kept by the pipeline (watchers.pipeline), in memory: a console or scan run has no deliveries in the
store to tell an update from a first alert.
"""

from __future__ import annotations

# How many stories this process remembers having alerted (for `Alert.update`): a day's worth and more.
ALERTED_MEMORY = 50_000


class AlertedStories:
    """The stories this process has alerted on, newest last, at most ALERTED_MEMORY of them.

    A story can exist before any alert: the outlet that carried it first may not match a watch (the
    topic only in another outlet's wording). Its first alert is then a new alert, not an update. Only
    the event loop adds; the store's thread only asks."""

    def __init__(self, limit: int = ALERTED_MEMORY) -> None:
        self.limit = limit
        self._ids: dict[str, None] = {}

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._ids

    def add(self, story_id: str) -> None:
        self._ids.pop(story_id, None)
        self._ids[story_id] = None
        if len(self._ids) > self.limit:
            del self._ids[next(iter(self._ids))]
