"""Party-and-state labels after a politician's name: "Sen. Jo Bray (D-Ohio) said", "Jo Bray,
R-Texas, said", "(I-Vt.)", "(D)". The label belongs to the name before it, never to the verb's
subject phrase, and its abbreviation dot does not end the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.statements.sentences import Token

# "D", "R", "I", "D-Ohio", "R-Ky", "D-N.Y" (the tokenizer splits a final dot off).
_LABEL_RE = re.compile(r"^[DRI](?:-[A-Z][A-Za-z.]{0,12})?$")
# The later pieces of a dotted state abbreviation the tokenizer splits: "D-N" "." "Y." ("D-N.Y."),
# "R-W" "." "Va." ("R-W.Va.").
_PIECE_RE = re.compile(r"^[A-Z][a-z]?\.?$")
# How many such pieces a state abbreviation has after its first letter (N.Y., W.Va., D.C.).
MAX_LABEL_PIECES = 2


def is_label(tok: Token) -> bool:
    return tok.kind == "w" and _LABEL_RE.match(tok.text) is not None


def label_dot(tokens: Sequence[Token], k: int) -> bool:
    """Is token k the dot of a label's abbreviation ("R-Ky.")?"""
    if tokens[k].text != "." or k < 1:
        return False
    # "R-W" "." "Va" ".": the dot after a later piece of the state is the label's too
    j, _pieces = _label_head(tokens, k - 1, 0)
    return is_label(tokens[j]) and "-" in tokens[j].text


def _label_head(tokens: Sequence[Token], k: int, lo: int) -> tuple[int, int]:
    """From token k back over the later pieces of a split state ("D-N" "." "Y."), not before lo:
    the index reached (the label's first token, when k ends one) and how many pieces were passed."""
    pieces = 0
    while (
        not is_label(tokens[k])
        and pieces < MAX_LABEL_PIECES
        and k - 2 >= lo
        and _PIECE_RE.match(tokens[k].text)
        and tokens[k - 1].text == "."
    ):
        k -= 2
        pieces += 1
    return k, pieces


def before_label(tokens: Sequence[Token], i: int, lo: int) -> int:
    """When tokens ending at i are a label ("(D-Ohio)" or ", R-Texas,"), the index of the token
    before it; else -1."""
    if i - 2 < lo:
        return -1
    close = tokens[i].text
    if close not in (")", ","):
        return -1
    k = i - 1
    if tokens[k].text == "." and k - 1 >= lo:
        k -= 1
    k, pieces = _label_head(tokens, k, lo)  # "(D-N.Y.)": back over "Y." and the dot to "D-N"
    if not is_label(tokens[k]) or k - 1 < lo or (pieces and "-" not in tokens[k].text):
        return -1
    opener = tokens[k - 1].text
    if (close == ")" and opener == "(") or (close == "," and opener == ","):
        return k - 2 if k - 2 >= lo and tokens[k - 2].cap else -1
    return -1
