"""Start-up: `quotewatch quotes` and a token-less `quotewatch run` do not load what they do not use
(the Telegram stack, aiohttp; for `quotes` also the store and asyncio). Each check runs in a fresh
interpreter, since this test process has imported everything already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TELEGRAM_STACK = ("telegram", "aiohttp")


def loaded_after(code: str, cwd: Path) -> set[str]:
    """The top-level packages in sys.modules after running `code` in a new interpreter."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_quotes_loads_neither_the_telegram_stack_nor_the_store(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("\u201cThe quotas stay,\u201d Ilse Varga said on Tuesday.\n", encoding="utf-8")
    code = f"from bot.cli import main\nassert main(['quotes', {str(article)!r}]) == 0"
    loaded = loaded_after(code, tmp_path)
    assert "bot" in loaded and "watchers" in loaded  # it did run
    for package in (*TELEGRAM_STACK, "sqlite3", "asyncio", "apscheduler", "httpx"):
        assert package not in loaded, package


def test_a_run_without_a_token_does_not_load_the_telegram_stack(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[settings]\ndb = "{tmp_path / "q.db"}"\n\n[[speakers]]\nid = "varga"\nname = "Ilse Varga"\n',
        encoding="utf-8",
    )
    code = (
        "import asyncio\nfrom pathlib import Path\nfrom bot.service import Tuning, serve\n"
        "async def main():\n"
        "    stop = asyncio.Event()\n"
        "    asyncio.get_running_loop().call_later(0.5, stop.set)\n"
        f"    return await serve(Path({str(config)!r}), stop=stop, tuning=Tuning(rules_check_seconds=0.1))\n"
        "assert asyncio.run(main()) == 0\n"
    )
    loaded = loaded_after(code, tmp_path)
    assert "apscheduler" in loaded  # the watchers ran
    for package in TELEGRAM_STACK:
        assert package not in loaded, package
