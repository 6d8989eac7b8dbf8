"""The source "according to" names: a person or body, a document's issuer, the document itself, or
an unknown source as written. One bounded walk right of the cue: constant work per cue."""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.nounphrase import subject_right
from watchers.statements.sentences import Token

# Lowercase words describing a document's issuer before its name ("aviation consultancy X").
MAX_ISSUER_DESCRIPTION = 3
# Words before the document noun after "according to" ("a 52-count civil complaint": five tokens).
MAX_DOCUMENT_MODIFIERS = 6
# How long an unknown source after "according to" may run to its comma ("an interview with The New
# York Times at the time"); a longer run is no noun phrase read with confidence.
MAX_SOURCE_PHRASE_TOKENS = 14


# What "according to" may name as its source's document: a report, a complaint, a memo.
_DOCUMENTS = lang.DOCUMENT_NOUNS | lang.SPEAKING_DOCUMENTS


def according_source(toks: Sequence[Token], i: int, e: int) -> Mention | None:
    """Who speaks after "according to": a person or body ("according to Doe"), the issuer of a
    document ("according to figures compiled by X", "a statement from X"), the document itself,
    unnamed, when nobody is named as issuing it ("according to the report": the words stand for the
    source, the speaker stays null); "according to him" is "he"."""
    t = toks[i] if i < e else None
    if t is not None and t.low in lang.OBJECT_PRONOUNS and (i + 1 >= e or toks[i + 1].kind == "p"):
        return Mention(
            "pronoun", t.start, t.end, t.text, gender=lang.OBJECT_PRONOUNS[t.low], np_start=t.start
        )
    j = i
    while (
        j < e
        and j - i < MAX_DOCUMENT_MODIFIERS
        and (toks[j].kind == "n" or toks[j].text == "-" or (toks[j].kind == "w" and not toks[j].cap))
        and (toks[j].low not in _DOCUMENTS or toks[j - 1].text == "-")
    ):
        j += 1  # "a joint statement", "new official figures", "a 52-count civil complaint"
    if j >= e or toks[j].low not in _DOCUMENTS or toks[j].cap:
        return subject_right(toks, i, e) or _source_phrase(toks, i, e)
    k = j + 1
    if k < e and toks[k].low in lang.ISSUER_PARTICIPLES:
        k += 1
    if k + 1 < e and toks[k].low in ("from", "by"):
        issuer = subject_right(toks, k + 1, e)
        if issuer is None:
            # "compiled by aviation consultancy Altimeter Insight": a description before the name
            x = k + 1
            while x < e and x - k <= MAX_ISSUER_DESCRIPTION and toks[x].kind == "w" and not toks[x].cap:
                x += 1
            if x > k + 1 and x < e and toks[x].cap:
                issuer = subject_right(toks, x, e)
        if issuer is not None and issuer.kind in ("name", "org", "orgref"):
            return issuer
    # "according to the report": the document is the source as written, issued by no one named
    return Mention(
        "group",
        toks[i].start,
        toks[j].end,
        toks[j].text,
        head=toks[j].low,
        definite=False,
        np_start=toks[i].start,
    )


def _source_phrase(toks: Sequence[Token], i: int, e: int) -> Mention | None:
    """ "according to an archived version of the foundation's website, ...": a source no reader of
    names or roles knows, as written up to the clause's comma or end; unnamed."""
    if i >= e or toks[i].low not in lang.DETERMINERS:
        return None
    for k in range(i + 1, min(e, i + MAX_SOURCE_PHRASE_TOKENS + 1)):
        t = toks[k]
        if t.low in ("from", "by") and k + 1 < e and toks[k + 1].cap:
            issuer = subject_right(toks, k + 1, e)  # "a post from Ada Finch": Finch's words
            if issuer is not None and issuer.kind in ("name", "org", "orgref"):
                return issuer
        if t.kind == "q" or (t.kind == "p" and t.text not in ("-", "'", "’", "&", "/")):
            last = toks[k - 1]
            if last.kind != "w" or k - 1 == i:
                return None
            return Mention(
                "group",
                toks[i].start,
                last.end,
                last.text,
                head=last.low,
                definite=False,
                np_start=toks[i].start,
            )
    return None
