"""Score English attribution on the shared PolNeAR splits (real annotated news, kept out of the repo).

Usage:
    python -m bench.score_polnear                     # dev split: figures table, top error causes, JSON
    python -m bench.score_polnear --split train       # the train split (tune here, report dev)
    python -m bench.score_polnear --corpus DIR        # another copy of the corpus folder
    python -m bench.score_polnear --dump DIR          # keep the per-quote dump and the records in DIR

It runs the corpus's own `score.py` (the figures acceptance uses) with this checkout's `quotewatch`
on PATH, reading the articles from `../shared/corpora/polnear-dev` at run time: nothing of the corpus
is copied into the repository and CI never depends on it. A malformed brat line (one in train) is
skipped instead of stopping the run. The error causes are read from the scorer's dump: for each
missed gold quote, the words around it (a reporting verb near it or none, a colon intro, a lone
quote after an attributed one, a title-like phrase); for each false positive, the same.
Two more figures score.py does not compute, from the same run (`bench/polnear_extra.py`): reported
speech (indirect) recall, speaker accuracy and precision against the attributions whose Content has no
quotation, and the share of matched direct quotes whose canonical speaker is a resolved name.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import polnear_extra

ROOT = Path(__file__).resolve().parent.parent
# `../shared` beside the checkout (a git worktree one folder deeper finds it one level further up).
_PLACES = [base / "shared" / "corpora" / "polnear-dev" for base in (ROOT.parent, ROOT.parent.parent)]
DEFAULT_CORPUS = next((p for p in _PLACES if p.is_dir()), _PLACES[0])
FIGURES = (
    "recall_direct",
    "recall_partial",
    "precision_quotes",
    "speaker_acc_direct",
    "speaker_acc_partial",
)
TARGETS = {
    "recall_direct": 0.95,
    "recall_partial": 0.80,
    "precision_quotes": 0.97,
    "speaker_acc_direct": 0.97,
    "speaker_acc_partial": 0.92,
    "canonical_resolved_direct": 0.95,
    "recall_indirect": 0.85,
    "speaker_acc_indirect": 0.90,
    "precision_indirect": None,  # no target: shown for what the recall costs
    "recall_indirect_say": 0.85,
    "speaker_acc_indirect_say": 0.90,
}
EXTRA = (
    "canonical_resolved_direct",
    "recall_indirect",
    "speaker_acc_indirect",
    "precision_indirect",
    "recall_indirect_say",
    "speaker_acc_indirect_say",
)
# Words on each side of a quote the cause reading looks at.
CONTEXT_WORDS = 8
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|[:,;.!?—]")
_CUE_HINT = re.compile(
    r"\b(said|says|say|told|tells|added|adds|wrote|writes|asked|asks|according|explained|continued|"
    r"stated|noted|argued|insisted|declared|tweeted|recalled)\b",
    re.IGNORECASE,
)


def _load_scorer(corpus: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("polnear_score", corpus / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {corpus}: pass --corpus with the PolNeAR folder")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    strict = getattr(mod, "parse_ann")  # noqa: B009 - the scorer is loaded from a path

    def tolerant(ann: str) -> Any:
        lines = [ln for ln in ann.splitlines() if not ln.startswith("T") or ln.count("\t") >= 2]
        return strict("\n".join(lines))

    setattr(mod, "parse_ann", tolerant)  # noqa: B010
    return mod


class _Tee:
    """Stands in for the scorer's `subprocess` module: runs the command and keeps its output, so the
    indirect records the scorer ignores are read from the same run."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.stdout = ""

    def run(self, *args: Any, **kwargs: Any) -> Any:
        res = self.real.run(*args, **kwargs)
        self.stdout = res.stdout or ""
        return res


def _cause(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 200) : start - 1]
    after = text[end + 1 : end + 200]
    pre = _WORD.findall(before.split("\n")[-1])[-CONTEXT_WORDS:]
    post = _WORD.findall(after.split("\n")[0])[:CONTEXT_WORDS]
    content = text[start:end]
    words = content.split()
    if (
        words
        and len(words) <= 7
        and all(w[:1].isupper() or w in ("of", "the", "a", "and", "in") for w in words)
    ):
        return "title-like phrase (show, book, slogan, name)"
    if pre and pre[-1] == ":":
        return "colon intro"
    if not pre and not post:
        return "lone quote paragraph"
    if not pre and post and post[0] in (".", "!", "?"):
        return "lone quote sentence"
    if _CUE_HINT.search(" ".join(post[:6])) or _CUE_HINT.search(" ".join(pre[-6:])):
        return "reporting verb near (speaker phrase or window)"
    if pre:
        return "quote inside the writer's clause, no reporting verb"
    return "quote opening the sentence, no reporting verb after"


def _causes(dump: Path, corpus: Path, split: str) -> dict[str, collections.Counter[str]]:
    texts: dict[str, str] = {}
    out: dict[str, collections.Counter[str]] = {
        "missed direct": collections.Counter(),
        "missed partial": collections.Counter(),
        "false positive": collections.Counter(),
        "wrong speaker": collections.Counter(),
    }
    for line in dump.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        name = rec["file"]
        if name not in texts:
            texts[name] = (corpus / split / "text" / name).read_text(encoding="utf-8")
        text = texts[name]
        if "fp" in rec:
            out["false positive"][_cause(text, rec["fp"]["start"], rec["fp"]["end"])] += 1
        elif rec.get("pred") is None:
            gold = rec["gold"]
            out[f"missed {gold['kind']}"][_cause(text, gold["start"], gold["end"])] += 1
        elif rec.get("spk") is False:
            pred = rec["pred"]
            why = "no speaker" if not pred.get("speaker") else f"{rec['gold']['kind']}: other person"
            if pred.get("cue") is None:
                why += " (quote without cue)"
            out["wrong speaker"][why] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "train"), default="dev")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--top", type=int, default=6, help="error causes shown per kind")
    ap.add_argument("--dump", type=Path, help="also keep the scorer's per-quote dump and the records here (a folder)")
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()
    if not (corpus / args.split / "text").is_dir():
        print(f"no {args.split} split under {corpus}: pass --corpus with the PolNeAR folder", file=sys.stderr)
        return 2
    scorer = _load_scorer(corpus)
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    with tempfile.TemporaryDirectory(prefix="polnear-bench-") as tmp:
        dump = Path(tmp) / "dump.jsonl"
        buf = io.StringIO()
        tee = _Tee(getattr(scorer, "subprocess"))  # noqa: B009
        setattr(scorer, "subprocess", tee)  # noqa: B010
        saved = sys.argv
        sys.argv = ["score.py", "--split", args.split, "--dump", str(dump)]
        try:
            with contextlib.redirect_stdout(buf):
                scorer.main()
        finally:
            sys.argv = saved
        figures = json.loads(buf.getvalue().strip().splitlines()[-1])
        causes = _causes(dump, corpus, args.split)
        records = [json.loads(ln) for ln in tee.stdout.splitlines() if ln.strip()]
        extra, extra_causes = polnear_extra.reported_figures(scorer, corpus, args.split, records)
        dumped = [json.loads(ln) for ln in dump.read_text(encoding="utf-8").splitlines()]
        texts = {n: (corpus / args.split / "text" / n).read_text(encoding="utf-8") for n in {d["file"] for d in dumped}}
        canon, not_named = polnear_extra.canonical_figures(dumped, texts)
        figures.update(extra)
        figures.update(canon)
        causes.update(extra_causes)
        causes["direct speaker not a name"] = not_named
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{args.split}.dump").write_text(dump.read_text(encoding="utf-8"), encoding="utf-8")
            (args.dump / f"{args.split}.records").write_text(tee.stdout, encoding="utf-8")
    print(
        f"PolNeAR {args.split}: {figures['articles']} articles, {figures['gold_direct']} direct and "
        f"{figures['gold_partial']} partial gold quotes, {figures['predicted']} predicted"
    )
    print(f"{'figure':<26}{'value':>7}{'target':>8}")
    for key in FIGURES + EXTRA:
        target = TARGETS[key]
        mark = "" if target is None or figures[key] >= target else "  <"
        shown = "-" if target is None else f"{target:.2f}"
        print(f"{key:<26}{figures[key]:>7.3f}{shown:>8}{mark}")
    for kind, counter in causes.items():
        print(f"\n{kind} ({sum(counter.values())}):")
        for why, n in counter.most_common(args.top):
            print(f"  {n:>5}  {why}")
    print(json.dumps({"split": args.split, **figures, "causes": {k: dict(v) for k, v in causes.items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
