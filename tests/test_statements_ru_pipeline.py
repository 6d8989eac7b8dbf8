"""A Russian feed through the whole pipeline (`quotewatch scan`): the feed's <language> makes its articles
Russian, the Russian passes find the statement, the tracked speaker's nominative alias finds him in the
genitive, and the watch fires once. Fictional outlet and people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

RULES = """
[[feeds]]
id = "vestnik"
name = "Вестник"
url = "https://vestnik.example/rss"

[[speakers]]
id = "vesnin"
name = "Arkady Vesnin"
aliases = ["Vesnin", "Веснин"]

[[topics]]
id = "talks"
any = ["переговоры"]

[[watches]]
id = "vesnin-talks"
speakers = ["vesnin"]
topics = ["talks"]
chats = [-1001000000001]
"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Вестник</title><link>https://vestnik.example/</link><language>ru</language>
<item>
  <title>В Кремле прокомментировали ход переговоров</title>
  <link>https://vestnik.example/politics/talks</link>
  <guid isPermaLink="false">vestnik-1</guid>
  <pubDate>Mon, 16 Nov 2026 09:10:00 GMT</pubDate>
  <description><![CDATA[<p>МОСКВА, 16 ноября. /Вестник/. Пресс-секретарь президента Аркадий Веснин провёл брифинг.</p>
<p>По словам Веснина, переговоры продолжатся в январе.</p>
<p>Подписывайтесь на наш канал в Telegram</p>]]></description>
</item>
<item>
  <title>Губернатор открыл мост</title>
  <link>https://vestnik.example/regions/bridge</link>
  <guid isPermaLink="false">vestnik-2</guid>
  <pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate>
  <description><![CDATA[<p>Губернатор Степан Мальцев заявил, что переговоры с подрядчиком завершены. Веснин в церемонии не участвовал.</p>]]></description>
</item>
</channel></rss>
"""


def test_a_russian_feed_alerts_for_the_tracked_speaker_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    feed = tmp_path / "vestnik.xml"
    feed.write_text(FEED, encoding="utf-8")
    assert main(["scan", "--config", str(rules), "--feed", str(feed), "--json"]) == 0
    alerts = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(alerts) == 1, alerts
    alert = alerts[0]
    assert (alert["speaker"], alert["topics"]) == ("vesnin", ["talks"])
    assert [(q["kind"], q["text"], q["speaker"]) for q in alert["quotes"]] == [
        ("indirect", "переговоры продолжатся в январе", "Аркадий Веснин")
    ]
    assert [s["url"] for s in alert["sources"]] == ["https://vestnik.example/politics/talks"]
