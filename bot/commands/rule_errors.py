"""The rules layer's refusals in the chat's language.

rules/edit.py, rules/feed_edits.py and rules/duration.py cannot import bot.i18n (layers: bot -> watchers
-> rules), so they write English. Their known refusals are matched here, at the edge where an admin sees
them, and written again from the catalog with the same values (ids, "did you mean" choices); any other
message (a validation problem of the file, an I/O error) stays as the rules layer wrote it.
"""

from __future__ import annotations

import re

from bot.i18n import N_, _

_ID = r"'(?P<id>[^']*)'"
_HINT = r"(?: — did you mean '(?P<hint>[^']*)'\?)?"
_DURATION = re.escape('"90s", "5m", "2h", "7d" or "1h30m"')

# (pattern of the English refusal, its msgid). The named groups are the msgid's placeholders.
KNOWN: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p + "$"), m) for p, m in (
    (rf"speaker {_ID} exists already", N_("speaker {id} exists already")),
    (rf"watch {_ID} exists already", N_("watch {id} exists already")),
    (rf"feed {_ID} exists already", N_("feed {id} exists already")),
    (rf"(?P<url>\S+) is feed {_ID} already", N_("{url} is feed {id} already")),
    (rf"no speaker {_ID}{_HINT}", N_("no speaker {id}")),
    (rf"no watch {_ID}{_HINT}", N_("no watch {id}")),
    (rf"no feed {_ID}{_HINT}", N_("no feed {id}")),
    (rf"no topic {_ID}{_HINT}", N_("no topic {id}")),
    (rf"no watch or speaker {_ID}{_HINT}", N_("no watch or speaker {id}")),
    (rf"speaker {_ID} already has the alias '(?P<alias>.*)'", N_("speaker {id} already has the alias {alias}")),
    (rf"watch {_ID} has those speakers and topics already", N_("watch {id} has those speakers and topics already")),
    (rf"speaker {_ID} is not in watch '(?P<watch>[^']*)'", N_("speaker {id} is not in watch {watch}")),
    (rf"watch {_ID} would have no speakers left — remove the watch",
     N_("watch {id} would have no speakers left — remove the watch")),
    (rf"speaker {_ID} is in no watch — nothing to mute", N_("speaker {id} is in no watch — nothing to mute")),
    (rf"cannot remove speaker {_ID}: watch (?P<watches>.+) would have no speakers left — remove that watch "
     "first, or add another speaker to it",
     N_("cannot remove speaker {id}: watch {watches} would have no speakers left — remove that watch first, "
        "or add another speaker to it")),
    (rf"cannot remove feed {_ID}: watch (?P<watches>.+) reads only that feed and would then read every feed — "
     "change or remove that watch first",
     N_("cannot remove feed {id}: watch {watches} reads only that feed and would then read every feed — change "
        "or remove that watch first")),
    ("the file changed while it was being edited — try again",
     N_("the file changed while it was being edited — try again")),
    (r"'(?P<value>.*)' in duration '(?P<duration>.*)' has no unit — add s, m, h or d",
     N_("{value} in duration {duration} has no unit — add s, m, h or d")),
    (rf"cannot read '(?P<value>.*)' in duration '(?P<duration>.*)' — write it like {_DURATION}",
     N_("cannot read {value} in duration {duration} — write it like {examples}")),
    (rf"unknown unit '(?P<value>.*)' in duration '(?P<duration>.*)' — units are s, m, h, d, w, e.g. {_DURATION}",
     N_("unknown unit {value} in duration {duration} — units are s, m, h, d, w, e.g. {examples}")),
    (r"unit 'M' in duration '(?P<duration>.*)' is ambiguous — use 'm' for minutes or 'd' for days",
     N_("unit 'M' in duration {duration} is ambiguous — use 'm' for minutes or 'd' for days")),
    (r"unit '(?P<value>.*)' appears twice in duration '(?P<duration>.*)'",
     N_("unit {value} appears twice in duration {duration}")),
    (rf"duration '(?P<duration>.*)' is negative — durations count forward, e.g. {_DURATION}",
     N_("duration {duration} is negative — durations count forward, e.g. {examples}")),
))
EXAMPLES = N_('"90s", "5m", "2h", "7d" or "1h30m"')


def refusal(message: str) -> str:
    """`message` (a rules-layer refusal) in the current language; unknown ones as they are."""
    for pattern, msgid in KNOWN:
        m = pattern.match(message)
        if m is None:
            continue
        values = {k: f"'{v}'" if k in ("id", "watch", "alias", "value", "duration") else v
                  for k, v in m.groupdict().items() if v is not None}
        text = _(msgid).format(examples=_(EXAMPLES), **{k: v for k, v in values.items() if k != "hint"})
        if "hint" in values:
            text += " — " + _("did you mean {choice}?").format(choice=f"'{values['hint']}'")
        return text
    return message
