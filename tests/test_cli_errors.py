"""`quotewatch scan` and `quotes` on files that are not what they should be: one line `path: what is
wrong` each, the other files still processed, exit 1 at the end, never a traceback, never a hang.

Run as the user runs them: a subprocess of the real command, with files in a tmp dir.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import quotes_cli
from bot.files import InputError, read_input
from tests.feedserver import FeedServer
from watchers.feeds import fetch

ROOT = Path(__file__).resolve().parent.parent
SCAN = ROOT / "tests" / "data" / "scan"
# Generous: the point is that a FIFO does not hang the command, and a loaded CI box is slow to start it.
TIMEOUT = 120
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PAGE = "<html><head><title>Harbour news</title></head><body><p>Nothing here.</p></body></html>"
ARTICLE = ('<p>The port council met on Monday.</p>'
           '<p>"We are ready to sign the grain accord," Jane Doe said after the meeting.</p>')


def quotewatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def special_files(tmp: Path) -> dict[str, str]:
    """Files that must each be refused with a reason: name -> a word the reason must contain."""
    os.mkfifo(tmp / "pipe.xml")
    (tmp / "zero.xml").symlink_to("/dev/zero")
    (tmp / "folder.xml").mkdir()
    with open(tmp / "huge.xml", "wb") as f:  # sparse: 11 MB on paper, nothing on disk
        f.truncate(fetch.DEFAULT_MAX_BODY + 1024 * 1024)
    return {"pipe.xml": "named pipe", "zero.xml": "device", "folder.xml": "directory",
            "huge.xml": "limit", "missing.xml": "no such file"}


def lines_for(err: str, name: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(name + ":")]


@pytest.fixture
def scan_dir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "image.png").write_bytes(PNG)
    (tmp_path / "empty.xml").write_bytes(b"")
    (tmp_path / "blank.xml").write_bytes(b"  \n\n ")
    (tmp_path / "settings.json").write_text('{"theme": "dark", "volume": 3}', encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    expected = {"page.html": "HTML page", "image.png": "not an RSS", "empty.xml": "empty",
                "blank.xml": "empty", "settings.json": "not a JSON Feed", "list.json": "not an RSS"}
    expected.update(special_files(tmp_path))
    return tmp_path, expected


def test_scan_reports_each_bad_feed_file_in_one_line_and_still_reads_the_good_ones(
    scan_dir: tuple[Path, dict[str, str]],
) -> None:
    tmp, expected = scan_dir
    bad = list(expected)
    # The good feed in the middle: what comes after a bad file is still read.
    args = [a for name in bad[:5] for a in ("--feed", name)]
    args += ["--feed", str(SCAN / "meridian.xml")]
    args += [a for name in bad[5:] for a in ("--feed", name)]
    done = quotewatch("scan", "--config", str(SCAN / "rules.toml"), "--json", *args, cwd=tmp)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    alerts = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["speaker"] for a in alerts] == ["kovalenko"]  # the good feed's alert
    for name, reason in expected.items():
        [line] = lines_for(done.stderr, name)
        assert reason in line, line
    assert f"{len(bad) + 1} feeds" in done.stderr and f"{len(bad)} feeds failed" in done.stderr


def test_scan_exit_status_is_0_when_every_feed_was_read(tmp_path: Path) -> None:
    done = quotewatch("scan", "--config", str(SCAN / "rules.toml"), "--feed", str(SCAN / "meridian.xml"),
                      cwd=tmp_path)
    assert done.returncode == 0 and "failed" not in done.stderr


def test_quotes_reports_each_bad_file_in_one_line_and_still_reads_the_good_ones(tmp_path: Path) -> None:
    expected = special_files(tmp_path)
    (tmp_path / "image.html").write_bytes(PNG)
    (tmp_path / "image.txt").write_bytes(PNG)
    expected.update({"image.html": "binary", "image.txt": "binary"})
    good = tmp_path / "good.html"
    good.write_text(f"<html><body><article>{ARTICLE}</article></body></html>", encoding="utf-8")
    names = list(expected)
    done = quotewatch("quotes", "--json", *names[:3], "good.html", *names[3:], cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["file"], r["speaker"]) for r in rows] == [("good.html", "Jane Doe")]
    for name, reason in expected.items():
        [line] = lines_for(done.stderr, name)
        assert reason in line, line


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "idna", "no-such-charset", "utf-32"])
def test_quotes_on_a_page_declaring_a_non_text_or_unknown_charset_reads_it_as_utf8(
    tmp_path: Path, charset: str
) -> None:
    page = tmp_path / "page.html"
    html = (f'<html><head><meta charset="{charset}"></head><body><article>{ARTICLE}'
            "<p>The Caf\u00e9 Council agreed.</p></article></body></html>")
    page.write_bytes(html.encode("utf-8"))
    done = quotewatch("quotes", "--json", "page.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["speaker"] for r in rows] == ["Jane Doe"]


async def test_scan_never_shows_the_credentials_of_a_feed_url(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.serve("/private/feed", b"gone", status=404)
    url = feed_server.url("/private/feed").replace("://", "://ann:hunter2@") + "?api_key=S3CRET&page=1"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "scan", "--config", str(SCAN / "rules.toml"), "--feed", url,
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    text = (out + err).decode()
    assert proc.returncode == 1
    assert feed_server.hits("/private/feed") >= 1  # it did try, and failed
    assert "HTTP 404" in text and "api_key=***" in text and "page=1" in text
    assert "S3CRET" not in text and "hunter2" not in text


def test_read_input_caps_and_refuses_special_files(tmp_path: Path) -> None:
    small = tmp_path / "small.xml"
    small.write_bytes(b"<rss/>" * 10)
    assert read_input(small, 60) == b"<rss/>" * 10
    with pytest.raises(InputError, match="limit"):
        read_input(small, 59)
    special_files(tmp_path)
    for name in ("pipe.xml", "zero.xml", "folder.xml"):
        with pytest.raises(InputError):
            read_input(tmp_path / name, 1024)


def test_quotes_caps_are_the_fetchers() -> None:
    # Kept as numbers in quotes_cli so that `quotes` does not import httpx; they must not drift apart.
    assert quotes_cli.PAGE_CAP == fetch.DEFAULT_PAGE_MAX_BODY
    assert quotes_cli.TEXT_CAP == fetch.DEFAULT_MAX_BODY


def test_scan_output_shows_no_link_secrets_and_no_format_characters(tmp_path: Path) -> None:
    feed = (SCAN / "meridian.xml").read_text(encoding="utf-8")
    feed = feed.replace("veltria-grain-talks?utm_source=rss", "veltria-grain-talks?access_token=S3CRET&amp;page=1")
    feed = feed.replace("Veltria says grain corridor", "Veltria says \u202egrain corridor")
    (tmp_path / "meridian.xml").write_text(feed, encoding="utf-8")
    for fmt in (["--json"], []):
        done = quotewatch("scan", "--config", str(SCAN / "rules.toml"), "--feed", "meridian.xml", *fmt, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "S3CRET" not in done.stdout and "\u202e" not in done.stdout
        assert "access_token=***" in done.stdout and "Veltria says grain corridor" in done.stdout
