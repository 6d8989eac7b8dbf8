"""Speaker phrases read leftwards from a verb through a relative clause or a dash apposition, for
`nounphrase.subject_left` (which passes its noun-phrase reader, `np_ending`, in): "Tesar, who
described", "He's saying", "business leaders who say the law ...", "Farmers who rely on the river
say", "families, many of whom say", "Kall -- co-editor of a book on debates -- said"."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.sentences import Token
from watchers.statements.shares import share_subject
from watchers.statements.verbgroup import clause_after, contracted_subject

NpEnding = Callable[[Sequence[Token], int, int], "Mention | None"]
# How long a restrictive relative clause between a subject and its verb may run ("who rely on the river").
MAX_RELATIVE_TOKENS = 10
# How long an apposition between dashes may run ("Kall -- co-editor of Debating The Donald, a book ... --").
MAX_DASH_TOKENS = 30
# What a restrictive relative's "who" may stand for: a group or a person ("voters who said").
_RESTRICTED_KINDS = frozenset(("group", "role", "name", "org", "orgref"))
# How long the prepositional phrase after a group may run ("at the regional hearing").
MAX_PP_TOKENS = 6
_DASHES = frozenset(("--", "—", "–"))
# subject_left reads on as usual: the token before the verb starts no relative or dash shape.
NOT_RELATIVE = Mention("group", -1, -1, "")


def relative_subject(tokens: Sequence[Token], i: int, v: int, lo: int, np_ending: NpEnding) -> Mention | None:
    """The speaker when token i (right before the verb group of the verb at v) ends a relative or
    dash shape, None when it ends one that names nobody, NOT_RELATIVE when it ends none."""
    contracted = contracted_subject(tokens[i], tokens[v])
    if contracted is not None and contracted.text.casefold() != "who":
        return contracted  # "He's saying", "they've said"
    low = tokens[i].low
    relative = contracted is not None or low in ("who", "which")
    if relative and i - 2 >= lo and tokens[i - 1].text == ",":
        return np_ending(tokens, i - 2, lo)  # "Tesar, who described ...", "Haugland, who's argued"
    if relative and low != "which" and i - 1 >= lo and tokens[i - 1].kind == "w":
        # "business leaders who say the law ...": a restrictive relative; the group it restricts,
        # when a clause follows ("a candidate who promised mass deportation" says nothing)
        if not clause_after(tokens, v + 1):
            return None
        np = np_ending(tokens, i - 1, lo) or share_subject(tokens, i - 1, lo)  # "38 percent who said"
        return np if np is not None and np.kind in _RESTRICTED_KINDS else None
    if low == "whom" and i - 3 >= lo and tokens[i - 1].low == "of" and tokens[i - 3].text == ",":
        q = tokens[i - 2]  # "families of the victims, many of whom say": a share of them, unnamed
        if q.low in lang.UNNAMED_GROUPS or q.low in lang.SHARE_WORDS or q.low in ("most", "all"):
            return Mention(
                "group", q.start, tokens[i].end, f"{q.text} of whom", gender="pl", np_start=q.start
            )
        return None
    if tokens[i].text in _DASHES:
        return _dashed(tokens, i, lo, np_ending)
    return NOT_RELATIVE


def _dashed(tokens: Sequence[Token], i: int, lo: int, np_ending: NpEnding) -> Mention | None:
    """ "Kall -- co-editor of Debating The Donald -- said": the speaker before the first dash."""
    for k in range(i - 1, max(lo, i - MAX_DASH_TOKENS) - 1, -1):
        t = tokens[k]
        if t.text == tokens[i].text:
            np = np_ending(tokens, k - 1, lo) if k - 1 >= lo and k < i - 1 else None
            if np is None and k < i - 1:
                np = _group_before_pp(tokens, k - 1, lo, np_ending)  # "Many speakers at the hearing —"
            if np is None or np.kind not in ("name", "role", "org", "orgref", "group"):
                return None
            first = next((x for x in range(k - 1, lo - 1, -1) if tokens[x].start < np.np_start), lo - 1)
            if first >= lo and (tokens[first].text == "," or tokens[first].low in lang.PP_HEADS):
                return None  # "Doe, the chief executive of Ora Media -- the production company --": not Ora
            return np
        if t.kind == "q" or t.text in (".", "!", "?", ";"):
            return None
    return None


def _group_before_pp(tokens: Sequence[Token], j: int, lo: int, np_ending: NpEnding) -> Mention | None:
    """A group of people whose prepositional phrase ends at token j ("Many speakers at the hearing")."""
    for x in range(j, max(lo, j - MAX_PP_TOKENS) - 1, -1):
        t = tokens[x]
        if t.kind != "w":
            return None
        if t.low in lang.PP_HEADS or t.low in ("at", "on", "in"):
            head = np_ending(tokens, x - 1, lo) if x - 1 >= lo else None
            return head if head is not None and head.kind == "group" else None
    return None


def relative_owner(tokens: Sequence[Token], i: int, lo: int, np_ending: NpEnding) -> Mention | None:
    """The group or person a restrictive relative clause ending at token i restricts ("Farmers who
    rely on the river", "others who want to ban it"), when the clause has no punctuation."""
    for k in range(i, max(lo, i - MAX_RELATIVE_TOKENS) - 1, -1):
        t = tokens[k]
        if t.kind != "w" or t.low in lang.QUOTE_VERBS:
            return None
        if t.low == "who":
            np = np_ending(tokens, k - 1, lo) if k - 1 >= lo and tokens[k - 1].kind == "w" else None
            return np if np is not None and np.kind in _RESTRICTED_KINDS else None
    return None
