"""`quotewatch feeds import FILE.opml` and `quotewatch feeds export` (issue #16 item 7): subscriptions from and
to other feed readers; OPML read with lxml without entity expansion."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.opml import OpmlError, read_opml, write_opml
from rules.load import check_file, load_rules
from tests.test_bot_commands import RULES

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Dana's reader</title></head>
  <body>
    <outline text="Ports">
      <outline type="rss" text="Quay Wire" title="Quay Wire" xmlUrl="https://quaywire.example/rss"/>
      <outline type="rss" text="Harbour Ledger again" xmlUrl="https://ledger.example/feed.xml"/>
    </outline>
    <outline type="rss" text="Lock &amp; Canal Weekly" xmlUrl="https://lockcanal.example/atom"/>
    <outline type="rss" text="" xmlUrl="https://www.tidetables.example/feed"/>
    <outline type="rss" text="Gopher news" xmlUrl="gopher://old.example/feed"/>
    <outline type="link" text="Just a page" url="https://quaywire.example/about"/>
  </body>
</opml>
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_import_adds_the_new_feeds_and_keeps_the_comments(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert main(["feeds", "import", str(opml), "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "3 feed(s) added, 1 already there, 1 skipped" in err and "gopher://" in err
    rules = load_rules(config)
    added = {f.id: (f.url, f.name) for f in rules.feeds if f.id not in ("ledger", "courier")}
    assert added == {
        "quay-wire": ("https://quaywire.example/rss", "Quay Wire"),
        "lock-canal-weekly": ("https://lockcanal.example/atom", "Lock & Canal Weekly"),
        "tidetables-example": ("https://www.tidetables.example/feed", "tidetables-example"),
    }
    assert config.read_text().startswith("# Test rules") and check_file(config)[1] == []
    # importing again adds nothing
    assert main(["feeds", "import", str(opml), "--config", str(config)]) == 0
    assert "0 feed(s) added, 4 already there" in capsys.readouterr().err


def test_export_is_opml_2_that_imports_back(config: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "export", "--config", str(config)]) == 0
    data = capsys.readouterr().out.encode()
    assert data.startswith(b"<?xml") and b'<opml version="2.0">' in data and b"<dateCreated>" in data
    assert [(f.url, f.title) for f in read_opml(data)] == [
        ("https://ledger.example/feed.xml", "The Harbour Ledger"), ("https://courier.example/rss", "Northport Courier")]
    # into a rules file without feeds: the same feeds come back
    other = tmp_path / "other.toml"
    other.write_text("# another desk\n[[speakers]]\nid = \"tamm\"\nname = \"Liis Tamm\"\n", encoding="utf-8")
    exported = tmp_path / "feeds.opml"
    assert main(["feeds", "export", "--config", str(config), "--output", str(exported)]) == 0
    assert main(["feeds", "import", str(exported), "--config", str(other)]) == 0
    assert [(f.url, f.name) for f in load_rules(other).feeds] == [(f.url, f.name) for f in load_rules(config).feeds]


def test_import_writes_only_a_rules_file_it_was_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no ./config.toml: the bundled example is never edited
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert main(["feeds", "import", str(opml)]) == 1
    assert "no rules file at config.toml" in capsys.readouterr().err


@pytest.mark.parametrize(("body", "message"), [
    (b"<rss version='2.0'><channel/></rss>", "not <opml>"),
    (b"<opml version='2.0'><head/></opml>", "no <body>"),
    (b"<opml><body><outline", "not well-formed"),
    (b"", "not well-formed"),
])
def test_what_is_not_opml_is_one_line(body: bytes, message: str, config: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    opml = tmp_path / "bad.opml"
    opml.write_bytes(body)
    before = config.read_text()
    assert main(["feeds", "import", str(opml), "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{opml}: ") and message in err and err.count("\n") == 1
    assert config.read_text() == before


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://leak.example/", encoding="utf-8")
    external = (f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
                '<opml version="2.0"><body><outline text="t" xmlUrl="&x;"/></body></opml>').encode()
    laughs = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
              b'<opml version="2.0"><body><outline text="&d;" xmlUrl="https://q.example/"/></body></opml>')
    for data in (external, laughs):
        with pytest.raises(OpmlError, match="entit") as caught:  # refused, by us or by libxml2
            read_opml(data)
        assert "leak.example" not in str(caught.value) and "haha" not in str(caught.value)


def test_write_then_read_keeps_odd_names() -> None:
    feeds = [("https://a.example/rss?x=1&y=2", 'Quay "Wire" & <Ledger>'), ("https://b.example/", "Ферри")]
    data = write_opml(feeds, datetime(2026, 3, 14, tzinfo=UTC))
    assert [(f.url, f.title) for f in read_opml(data)] == feeds
