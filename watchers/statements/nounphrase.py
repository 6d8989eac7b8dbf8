"""The speaker noun phrase next to a reporting verb.

`subject_left` reads it before the verb ("Foreign Ministry spokeswoman Jane Doe said", "Doe, the
spokeswoman, said"), `subject_right` after it ("said Doe", "said the minister, Jane Doe"). Both
return a `Mention` (see classify.py for what the words stand for).
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.classify import classify
from watchers.statements.labels import before_label
from watchers.statements.lang import en as lang
from watchers.statements.mentions import (
    Mention,
    given_name_first,
    np_word,
    occupation_word,
    org_text,
    plural_name,
    role_at,
    strip_possessive,
    surname_word,
)
from watchers.statements.relatives import NOT_RELATIVE, relative_owner, relative_subject
from watchers.statements.rolephrase import described_name_right, role_phrase_left, role_phrase_right
from watchers.statements.sentences import Token
from watchers.statements.shares import share_subject
from watchers.statements.titles import long_title_end, long_title_start
from watchers.statements.verbgroup import clause_after, group_word, skip_auxiliaries

# An apposition between commas longer than this is a clause, not a description of the speaker.
MAX_APPOSITION_TOKENS = 18
# A relative clause between commas may run longer ("Dr. Doe, who as a Navy captain was the White
# House physician ... and later retired from the service as a rear admiral, said").
MAX_RELATIVE_APPOSITION_TOKENS = 40


def subject_left(tokens: Sequence[Token], v: int, lo: int) -> Mention | None:
    """The subject of the verb at token v, read leftwards (aux and adverbs skipped; apposition allowed).
    A progressive's "be" is skipped ("is saying", "has been warning"). Returns None for a passive
    ("is said to"), a negated or modal verb ("did not say", "isn't saying", "would respond") and
    anything that is not a speaker noun phrase."""
    k = skip_auxiliaries(tokens, v, lo)
    if k is None:
        return None
    i = k
    if (
        i - 2 > lo
        and tokens[i].text == ")"
        and tokens[i - 2].text == "("
        and tokens[i - 1].text.isupper()
        and tokens[i - 3].cap
    ):
        i -= 3  # "Northern Grid Corporation (NGC) said": the acronym repeats the name
    label = before_label(tokens, i, lo)
    if label >= 0:
        i = label  # "Sen. Jo Bray (D-Ohio) said", "Jo Bray, R-Texas, said"
    if i < lo:
        return None
    if tokens[i].text == ",":
        return _apposed(tokens, i, lo)
    anon = _anonymous_source(tokens, i, lo)
    if anon is not None:
        return anon
    related = relative_subject(tokens, i, v, lo, _np_ending)
    if related is not NOT_RELATIVE:
        return related  # "He's saying", "Tesar, who described", "voters who say", "many of whom say"
    share = share_subject(tokens, i, lo)
    if share is not None:
        return share  # "47 percent said", "Six in 10 say"
    np = _np_ending(tokens, i, lo)
    if np is None or (np.kind == "role" and np.text.split(" ", 1)[0].casefold() not in lang.DETERMINERS):
        # nothing, or a role noun without its determiner: "a longtime party data expert said"
        longer = role_phrase_left(tokens, i, lo)
        if longer is not None and (np is None or longer.np_start < np.np_start):
            return longer
    if np is None and i == v - 1 and clause_after(tokens, v + 1):
        return relative_owner(tokens, i, lo, _np_ending)  # "Farmers who rely on the river say the levy ..."
    return np


def _object_of(tok: Token) -> bool:
    """Is tok a preposition whose object the next word is ("for some", "among many")?"""
    low = tok.low
    if tok.kind != "w" or low in lang.SUBORDINATORS:
        return False  # "While many agreed": a clause's subject
    return low in lang.ADJUNCT_PREPS or low in lang.PP_HEADS or low in _MORE_PREPS


_MORE_PREPS = frozenset(("about", "among", "against", "like", "unlike", "than"))


def _anonymous_source(tokens: Sequence[Token], i: int, lo: int) -> Mention | None:
    """'people familiar with the matter', 'diplomats close to the talks', 'officials briefed on the
    plan': an unnamed group with a post-modifier, ending at token i."""
    for k in range(i, max(lo, i - 6) - 1, -1):
        t = tokens[k]
        if t.kind != "w" or t.cap:
            return None
        if t.low in lang.SOURCE_POSTMODIFIERS and k - 1 >= lo:
            h = k - 1
            if t.low == "knowledge" and tokens[h].low == "with":
                h -= 1
            np = _np_ending(tokens, h, lo) if h >= lo else None
            if np is None and h >= lo and tokens[h].low == "those":  # "Those close to him say"
                return Mention(
                    "group",
                    tokens[h].start,
                    tokens[h].end,
                    tokens[h].text,
                    gender="pl",
                    np_start=tokens[h].start,
                )
            return np if np is not None and np.kind in ("group", "role") else None
    return None


def _clause_between(tokens: Sequence[Token], a: int, b: int) -> bool:
    """Do tokens[a:b] open with a name and its finite verb ("Doe went after Bush")?"""
    k = a
    while k < b and tokens[k].kind == "w" and tokens[k].cap:
        k += 1
    return a < k < b and (tokens[k].low in lang.FINITE or tokens[k].low in lang.IRREGULAR_PAST)


def _apposed(tokens: Sequence[Token], comma: int, lo: int) -> Mention | None:
    """'Doe, the ministry's spokeswoman, said' / 'Its chairman, Tomas Lindqvist, said': the speaker
    with the roles the apposition gives."""
    j = comma - 1
    while j >= lo and comma - j <= MAX_RELATIVE_APPOSITION_TOKENS:
        t = tokens[j]
        if t.kind == "q" or (
            t.kind == "p" and t.text not in (",", "-", "(", ")", "’", "'", "&") and not t.text.endswith(".")
        ):
            return None
        if t.text == ",":
            break
        j -= 1
    else:
        return None
    if j < lo or j == comma - 1:
        return None
    if comma - j > MAX_APPOSITION_TOKENS and tokens[j + 1].low not in ("who", "whose"):
        return None  # a long apposition is a relative clause ("Dr. Doe, who as a Navy captain was ...,")
    if _clause_between(tokens, j + 1, comma):
        return None  # "In Salem, Doe went after Bush, calling him": a clause, no apposition
    if j - 2 >= lo and tokens[j - 1].kind == "n" and tokens[j - 2].text == ",":
        # "Grace Moyo, 38, who sells fruit, said": the age is a second apposition
        if tokens[j + 1].low not in ("who", "whose") or j - 3 < lo:
            return None
        named = _np_ending(tokens, j - 3, lo)
        return named if named is not None and named.kind == "name" else None
    if _after_place_prep(tokens, j - 1, lo):
        # "Jane Doe, a nurse in Leeds, England, said": the place belongs to a longer apposition
        return _apposed(tokens, j, lo) if j - 1 >= lo else None
    end = j - 1
    label = before_label(tokens, end, lo) if tokens[end].text == ")" else -1
    if label >= 0:
        end = label  # "Rep. Jo Bray (D-Ohio), chair of the panel, said"
    np = _np_ending(tokens, end, lo)
    if np is None:
        inner = classify(tokens, j + 1, comma) if all(np_word(t) for t in tokens[j + 1 : comma]) else None
        if (
            inner is not None
            and inner.kind in ("name", "org")
            and j - 1 >= lo
            and tokens[j - 1].kind == "w"
            and not tokens[j - 1].cap
        ):
            return inner  # "Her neighbor, Patrick Roux, said", "The builder, Kovar & Sons, said"
        return None
    if np.kind in ("role", "group", "orgref", "pronoun"):
        inner = classify(tokens, j + 1, comma) if all(np_word(t) for t in tokens[j + 1 : comma]) else None
        if (
            inner is not None
            and inner.kind == "name"
            and np.kind in ("orgref", "group")
            and " " not in (inner.name or "")
            and any(t.kind == "w" and t.low in lang.ORG_LINKS for t in tokens[j + 1 : comma])
        ):
            # "The association of victims' families, Roads of Life, said": the body's name
            org_name = org_text(tokens, j + 1, comma)
            return Mention("org", tokens[j + 1].start, tokens[comma - 1].end, org_name, name=org_name)
        if inner is not None and (inner.kind == "name" or (inner.kind == "org" and np.kind != "pronoun")):
            # "the company's chief financial officer, Erik Sunde, said"; "The builder, Kovar & Sons, said"
            if np.kind == "role" and np.head and inner.kind == "name":
                inner.roles.append((np.head, np.modifiers))
            inner.np_start = np.np_start
            return inner
        if np.kind == "pronoun" or (tokens[j + 1].low not in ("who", "whose") and np.kind != "group"):
            return None
        return np  # "a negotiator, who asked not to be named, said": unnamed
    if np.kind not in ("name", "org"):
        return None
    _add_apposition_roles(np, tokens, j + 1, comma)
    return np


def _after_place_prep(tokens: Sequence[Token], last: int, lo: int) -> bool:
    """Is the capitalised name ending at token `last` the object of 'in' / 'from' ('... in Leeds')?"""
    k = last
    if k < lo or not tokens[k].cap:
        return False
    while k - 1 >= lo and tokens[k - 1].cap:
        k -= 1
    return k - 1 >= lo and tokens[k - 1].low in lang.PLACE_PREPS


def _add_apposition_roles(np: Mention, tokens: Sequence[Token], a: int, b: int) -> None:
    """Roles named in an apposition: the first role noun, with the words before it as modifiers."""
    for k in range(a, b):
        if tokens[k].low in ("who", "which", "whose", "where"):
            return
        r = role_at(tokens, k, a)
        if r is not None and not (k + 1 < b and role_at(tokens, k + 1, a) is not None):
            role, first = r
            mods = frozenset(
                strip_possessive(t.low)
                for t in tokens[a:first]
                if t.kind == "w" and t.low not in lang.DETERMINERS
            )
            np.roles.append((role, mods))
            if not np.gender and lang.ROLE_NOUNS.get(role):
                np.gender = lang.ROLE_NOUNS[role]
            return


def _np_ending(tokens: Sequence[Token], i: int, lo: int) -> Mention | None:
    tok = tokens[i]
    if tok.kind != "w":
        return None
    if tok.low in lang.SUBJECT_PRONOUNS and (not tok.cap or i == lo or tokens[i - 1].kind != "w"):
        return Mention(
            "pronoun", tok.start, tok.end, tok.text, gender=lang.SUBJECT_PRONOUNS[tok.low], np_start=tok.start
        )
    if tok.low in lang.FIRST_PERSON:
        return None
    a = i
    while a - 1 >= lo and (
        np_word(tokens[a - 1])
        or (  # "Alliance for Fair Lending"
            tokens[a - 1].low in lang.ORG_LINKS
            and a - 2 >= lo
            and tokens[a - 2].cap
            and tokens[a - 2].bare in lang.ORG_HEADS
        )
    ):
        a -= 1
        if (
            tokens[a].low in lang.DETERMINERS
            and not tokens[a].cap
            or (tokens[a].cap and tokens[a].low in ("the", "a", "an"))
        ):
            break
        if (
            tokens[a].kind == "p"
            and tokens[a].text in ("’", "'")
            and not (a - 1 >= lo and tokens[a - 1].low.endswith("s"))
        ):
            a += 1
            break
    if tok.cap:
        a = long_title_start(tokens, a, lo)
    # "the cantonal civil protection office": lowercase modifiers back to a determiner
    head_low = strip_possessive(tok.low)
    if (
        not tok.cap
        and (head_low in lang.ORG_NOUNS or head_low in lang.ROLE_NOUNS)
        and tokens[a].low not in lang.DETERMINERS
    ):
        k = a - 1
        while k >= lo and a - k <= 4 and tokens[k].kind == "w" and tokens[k].low not in lang.QUOTE_VERBS:
            if tokens[k].low in ("the", "its", "his", "her", "their"):
                a = k
                break
            k -= 1
    np = classify(tokens, a, i + 1)
    if np is None:
        return None
    if (
        np.kind == "group"
        and a == i
        and tok.low in lang.DETERMINERS
        and a - 1 >= lo
        and _object_of(tokens[a - 1])
    ):
        return None  # "for some, the losses would ...": a quantifier after a preposition is its object
    # "a spokesman for the ministry said": the head is before the prepositional phrase.
    prep = tokens[a - 1].low if a - 2 >= lo and tokens[a - 1].kind == "w" else ""
    if prep in lang.PP_HEADS or prep == "on":
        head = _np_ending(tokens, a - 2, lo)
        if head is not None and head.kind == "group" and np.kind == "org" and prep == "at":
            return np  # "analysts at Cartwright & Lowe said": the firm's view
        if head is not None and prep == "on":
            # "Conservatives on the council argue", "experts on the region say": people only
            plural = head.kind == "group" and head.text.endswith("s")
            return head if plural or plural_name(head) else np
        if head is not None and (
            head.kind in ("role", "group") or (head.kind == "name" and np.kind == "org") or plural_name(head)
        ):
            return head  # "Jonas Lie of the Arlen Tenants' Union said": the person
    return np


def subject_right(tokens: Sequence[Token], i: int, hi: int, inverted: bool = False) -> Mention | None:
    """The subject after an inverted verb ('..., said Doe', 'said regional fire chief Bruno Alvarez',
    'said the minister, Jane Doe'); with `inverted` (right after the verb, never a sentence's own
    opening) also a name after a free description ('said retired neurosurgeon Ben Carson')."""
    return (
        _subject_right(tokens, i, hi)
        or (described_name_right(tokens, i, hi) if inverted else None)
        or role_phrase_right(tokens, i, hi)
    )


def _subject_right(tokens: Sequence[Token], i: int, hi: int) -> Mention | None:
    if i >= hi or tokens[i].kind != "w":
        return None
    if tokens[i].low in lang.SUBJECT_PRONOUNS:
        t = tokens[i]
        return Mention(
            "pronoun", t.start, t.end, t.text, gender=lang.SUBJECT_PRONOUNS[t.low], np_start=t.start
        )
    titled_end = long_title_end(tokens, i, hi)
    if titled_end > i:
        # "said Minister of Transport and Communications Petra Lindqvist-Marović"
        b = titled_end
        while b > i and not tokens[b - 1].cap:
            b -= 1
        np_long = classify(tokens, i, b) if b > i else None
        if np_long is not None and np_long.kind == "name":
            np_long.np_start = tokens[i].start
            return np_long
    b = i
    while (
        b < hi
        and (
            np_word(tokens[b])
            or surname_word(tokens, b, i, hi)  # "said Ian Read", "said Ms. May"
            or (b == i and given_name_first(tokens, b, hi))  # "said Will Doyle"
            or (b == i + 1 and group_word(tokens[b]) and tokens[i].low in lang.DETERMINERS)  # "The dockers"
            # an adjective before a role noun: "Its legal director, ..."; a modifier before an
            # organisation noun: "The consumer council studied ..."
            or (
                b + 1 < hi
                and tokens[b].kind == "w"
                and not tokens[b].cap
                and (
                    tokens[b + 1].bare in lang.ROLE_NOUNS or (b > i and tokens[b + 1].bare in lang.ORG_NOUNS)
                )
            )
        )
        and not (b > i and tokens[b].kind == "w" and tokens[b].low in lang.DETERMINERS)
    ):
        b += 1
    if b == i or (b < hi and tokens[b].kind == "w" and not tokens[b].cap):
        # lowercase title words before a name: "district administrator Monika Steiner"
        k = b
        while (
            k < hi
            and k - i < 5
            and tokens[k].kind == "w"
            and not tokens[k].cap
            and tokens[k].low not in lang.QUOTE_VERBS
            and tokens[k].low not in lang.FINITE  # "Strand has gone after Berglund": a verb, no title
            and tokens[k].low not in lang.IRREGULAR_PAST  # "Berglund went after Strand"
        ):
            k += 1
        if k < hi and k > b and tokens[k].cap and (k - 1 < 0 or tokens[k - 1].low not in lang.DETERMINERS):
            b2 = k
            while (
                b2 < hi and np_word(tokens[b2]) and (tokens[b2].cap or tokens[b2].low in lang.NAME_PARTICLES)
            ):
                b2 += 1
            np2 = classify(tokens, k, b2)
            if (
                np2 is not None
                and np2.kind == "name"
                and (any(role_at(tokens, x, i) for x in range(i, k)) or occupation_word(tokens[k - 1].low))
                and not any(
                    tokens[x].low in lang.PP_HEADS or tokens[x].low in lang.DETERMINERS for x in range(i, k)
                )
            ):
                np2.np_start = tokens[i].start
                r = next(
                    (role_at(tokens, x, i) for x in range(k - 1, i - 1, -1) if role_at(tokens, x, i)), None
                )
                if r is not None:
                    np2.roles.append((r[0], frozenset(t.low for t in tokens[i : r[1]])))
                return np2
    # Trailing lowercase words after a name ("said Doe in a statement") are not part of the NP.
    while (
        b > i
        and not tokens[b - 1].cap
        and strip_possessive(tokens[b - 1].low) not in lang.ROLE_NOUNS
        and (strip_possessive(tokens[b - 1].low) not in lang.ORG_NOUNS and not group_word(tokens[b - 1]))
    ):
        b -= 1
    if b <= i:
        return None
    np = classify(tokens, i, b)
    if np is None:
        return None
    if np.kind == "role" and b + 1 < hi and tokens[b].low in lang.PP_HEADS:
        pass  # "a spokesman for the ministry": the role NP stands
    elif np.kind == "role" and np.definite and b + 1 < hi and tokens[b].text == "," and tokens[b + 1].cap:
        # "said the minister, Jane Doe": the name in apposition is the speaker.
        named = subject_right(tokens, b + 1, hi)
        if named is not None and named.kind == "name":
            named.roles.append((np.head or "", np.modifiers))
            named.np_start = np.np_start
            return named
    if np.kind in ("name", "org") and b < hi and tokens[b].text == ",":
        end = b + 1
        while end < hi and tokens[end].text not in (",", ".") and end - b <= MAX_APPOSITION_TOKENS:
            end += 1
        _add_apposition_roles(np, tokens, b + 1, end)
    return np
