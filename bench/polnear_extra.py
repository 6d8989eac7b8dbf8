"""The two PolNeAR figures the corpus's `score.py` does not compute (used by `bench.score_polnear`).

- Reported speech: every annotated attribution whose Content holds no quotation mark is a gold
  reported-speech (indirect) statement, its span the Content's first to last character. A predicted
  `indirect` record matches one when the spans overlap by at least half the shorter (score.py's rule),
  one prediction per gold; its speaker is judged by score.py's own `speaker_ok` (the mention overlaps
  the Source, or the Source's name has its last word in the canonical speaker; pronoun and cue-word
  Sources are unscorable). `precision_indirect`: predicted indirect records overlapping any annotated
  Content (quoted or not) by that rule.
- Canonical speaker resolved: of the direct predictions matched to a gold direct quote, less those
  whose speaker phrase is an anonymous indefinite ("a spokesman", "one official", "another"; nobody
  named to resolve to, and a null speaker is right), the share whose
  canonical `speaker` is a name: capitalised words (name particles allowed), not a pronoun, not a
  role or a bare title, and not a junk word (a one-word speaker the article also writes in lower case,
  like "European" is not but "Innovation"/"White" in "white" would be: the check counts the word only
  when it is never written lower case in the article).
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

QUOTE_MARKS = ("\u201c", "\u201d", '"', "''")
NAME_PARTICLES = {"de", "da", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "bin", "al", "el", "ibn"}
NOT_NAMES = {
    "he", "she", "they", "it", "we", "i", "you", "who", "the", "a", "an", "mr", "mrs", "ms", "dr",
    "president", "senator", "sen", "rep", "gov", "governor", "secretary", "spokesman", "spokeswoman",
}  # fmt: skip
# Verbs of saying (any form): the speech-act subset of the annotated attributions, which also covers
# beliefs, wishes, plans and criticism ("wants", "believes", "attacked", "polls show").
SAY_STEMS = (
    "say", "said", "tell", "told", "add", "stat", "announc", "writ", "wrote", "tweet", "argu", "claim",
    "note", "explain", "insist", "warn", "ask", "suggest", "acknowledg", "admit", "declar", "according",
    "repl", "respond", "recall", "noting", "conced", "assert", "contend", "predict", "promis", "pledg", "vow",
    "report", "confirm", "deni", "deny", "comment", "remark", "testif", "urg", "call", "mention",
    "describ", "accus", "charg", "complain", "boast", "brag", "joke", "quip", "post", "statement",
)  # fmt: skip
INDEFINITE = {"a", "an", "one", "another", "some", "two", "three", "several", "many", "other", "others"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who"}
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")


def gold_reported(scorer: ModuleType, corpus: Path, split: str, name: str, text: str) -> list[dict[str, Any]]:
    """The gold reported-speech statements of one article (NAME.txt), from its first .ann file."""
    stem = name[:-4]
    anns = sorted(p for p in (corpus / split / "attributions").iterdir() if p.name.startswith(stem + "_"))
    if not anns:
        return []
    spans, events = scorer.parse_ann(anns[0].read_text(encoding="utf-8"))
    out = []
    for ev in events:
        content = spans.get(ev.get("Content"))
        if not content:
            continue
        segs = content[1]
        body = " ".join(text[s:e] for s, e in segs)
        source = spans.get(ev.get("Source"))
        src = (source[1][0][0], source[1][-1][1], source[2]) if source else None
        cue = spans.get(ev.get("Cue"))
        out.append(
            {
                "start": segs[0][0],
                "end": segs[-1][1],
                "quoted": any(q in body for q in QUOTE_MARKS),
                "source": src,
                "text": body,
                "cue": cue[2].casefold() if cue else "",
            }
        )
    return out


def reported_figures(
    scorer: ModuleType, corpus: Path, split: str, records: Iterable[dict[str, Any]]
) -> tuple[dict[str, float | int], dict[str, collections.Counter[str]]]:
    """recall_indirect, speaker_acc_indirect, precision_indirect, and the causes of the misses."""
    by_file: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for r in records:
        if r.get("kind") == "indirect":
            by_file[Path(r["file"]).name].append(r)
    st: collections.Counter[str] = collections.Counter()
    causes: dict[str, collections.Counter[str]] = {
        "missed indirect": collections.Counter(),
        "wrong indirect speaker": collections.Counter(),
    }
    for path in sorted((corpus / split / "text").iterdir()):
        text = path.read_text(encoding="utf-8")
        golds = gold_reported(scorer, corpus, split, path.name, text)
        if not golds:
            continue
        preds = by_file.get(path.name, [])
        used: set[int] = set()
        for g in golds:
            if g["quoted"]:
                continue
            st["gold"] += 1
            say = _speech_cue(g["cue"])
            st["gold_say"] += say
            hit = next(
                (
                    i
                    for i, p in enumerate(preds)
                    if i not in used and scorer.overlap(p["start"], p["end"], g["start"], g["end"])
                ),
                None,
            )
            if hit is None:
                causes["missed indirect"][_miss_cause(text, g)] += 1
                continue
            used.add(hit)
            st["hit"] += 1
            st["hit_say"] += say
            ok, _strict = scorer.speaker_ok(preds[hit], g)
            if ok == "unscorable" or ok is None:
                st["unscorable"] += 1
                continue
            st["spk_n"] += 1
            st["spk_ok"] += int(bool(ok))
            st["spk_n_say"] += say
            st["spk_ok_say"] += say and bool(ok)
            if not ok:
                why = "no speaker" if not preds[hit].get("speaker") else "other person"
                causes["wrong indirect speaker"][why] += 1
        for p in preds:
            st["pred"] += 1
            if any(scorer.overlap(p["start"], p["end"], g["start"], g["end"]) for g in golds):
                st["pred_hit"] += 1

    def r(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    figures: dict[str, float | int] = {
        "gold_indirect": st["gold"],
        "recall_indirect": r(st["hit"], st["gold"]),
        "speaker_acc_indirect": r(st["spk_ok"], st["spk_n"]),
        "gold_indirect_say": st["gold_say"],
        "recall_indirect_say": r(st["hit_say"], st["gold_say"]),
        "speaker_acc_indirect_say": r(st["spk_ok_say"], st["spk_n_say"]),
        "precision_indirect": r(st["pred_hit"], st["pred"]),
        "predicted_indirect": st["pred"],
    }
    return figures, causes


def _speech_cue(cue: str) -> bool:
    """The cue is a verb of saying (the first word that is one of SAY_STEMS' forms)."""
    return any(w.startswith(SAY_STEMS) for w in _WORD.findall(cue))


def _miss_cause(text: str, g: dict[str, Any]) -> str:
    """A coarse reading of why a reported-speech gold was missed: its cue, where its source stands."""
    src = g["source"]
    where = "no source" if src is None else "source after" if src[0] > g["end"] else "source before"
    words = _WORD.findall(g["text"])
    size = "short content" if len(words) <= 3 else "clause"
    kind = "saying" if _speech_cue(g["cue"]) else "other"
    return f"{kind} cue, {where}, {size}"


def is_name(speaker: str | None, lower_words: set[str]) -> bool:
    """The canonical speaker is a name: capitalised words, not a pronoun, role, title or junk word."""
    if not speaker:
        return False
    words = _WORD.findall(speaker)
    if not words:
        return False
    if words[0].casefold() in NOT_NAMES and len(words) == 1:
        return False
    for w in words:
        if w.casefold() in NAME_PARTICLES:
            continue
        if not w[:1].isupper():
            return False
    return not (len(words) == 1 and words[0].casefold() in lower_words)


def canonical_figures(
    dump: Iterable[dict[str, Any]], texts: dict[str, str]
) -> tuple[dict[str, float | int], collections.Counter[str]]:
    """canonical_resolved_direct: matched direct predictions whose speaker is a name; the rest by kind."""
    lower: dict[str, set[str]] = {}
    n = ok = 0
    rest: collections.Counter[str] = collections.Counter()
    anonymous = 0
    for rec in dump:
        pred, gold = rec.get("pred"), rec.get("gold")
        if pred is None or gold is None or gold["kind"] != "direct":
            continue
        name = rec["file"]
        if name not in lower:
            lower[name] = {w.casefold() for w in _WORD.findall(texts[name]) if w[:1].islower()}
        spk = pred.get("speaker")
        phrase = ((pred.get("mention") or {}).get("text") or "").casefold().split()
        if not spk and phrase and phrase[0] in INDEFINITE:
            anonymous += 1
            continue
        n += 1
        if is_name(spk, lower[name]):
            ok += 1
        elif spk:
            rest["not a name: " + spk.casefold()] += 1
        elif not phrase:
            rest["no speaker, no speaker phrase"] += 1
        elif phrase[0] in PRONOUNS:
            rest["no speaker, pronoun " + phrase[0]] += 1
        else:
            rest["no speaker, phrase: " + " ".join(phrase[-2:])] += 1
    figures: dict[str, float | int] = {
        "canonical_resolved_direct": round(ok / n, 3) if n else 0.0,
        "anonymous_direct": anonymous,
    }
    return figures, rest
