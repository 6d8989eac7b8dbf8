"""The whole pipeline: feeds -> articles -> statements -> dedup -> watches -> alerts.

Feeds are served by a real HTTP server on 127.0.0.1 (or read from files by `scan --feed PATH`); the
store is a real SQLite database.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer
from polling import poll_cycle

import watchers.pipeline as pipeline_module
import watchers.stories.watches as alerts_module
from bot.cli import main
from bot.scan import feeds_for, scan
from rules.load import parse_rules
from rules.match import Matcher
from rules.model import Feed, Rules, Speaker, Topic, Watch
from watchers.feeds.fetch import Fetcher
from watchers.model import Alert, Article, FeedState, Statement
from watchers.pipeline import Pipeline, follow_rules_url, is_backfill, open_store
from watchers.stories.watches import ArticleAnalysis, analyse, watches_firing

SCAN = Path(__file__).parent / "data" / "scan"
NOW = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


def scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code = main(["scan", "--config", str(SCAN / "rules.toml"), *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_scan_prints_one_alert_with_every_outlet_that_carried_the_statement(capsys):
    alerts = scan_json(
        capsys,
        "--feed", str(SCAN / "meridian.xml"),
        "--feed", str(SCAN / "ledger.xml"),
        "--feed", str(SCAN / "harbor.xml"),
    )  # fmt: skip
    assert len(alerts) == 1, alerts
    alert = alerts[0]
    assert alert["speaker"] == "kovalenko"
    assert alert["topics"] == ["grain"]
    outlets = [s["feed"] for s in alert["sources"]]  # type: ignore[union-attr,index]
    assert sorted(outlets) == ["harbor", "ledger", "meridian"]
    quotes = alert["quotes"]
    assert isinstance(quotes, list) and 1 <= len(quotes) <= 3
    assert quotes[0]["kind"] == "direct"
    assert quotes[0]["text"].startswith("We are prepared to sit down")
    assert {q["speaker"] for q in quotes} == {"Marta Kovalenko"}
    for source in alert["sources"]:  # type: ignore[union-attr]
        assert "utm_" not in source["url"]
        assert datetime.fromisoformat(source["published"]).tzinfo is not None


def test_scan_json_records_have_the_contract_fields(capsys):
    alerts = scan_json(capsys, "--feed", str(SCAN / "meridian.xml"))
    assert alerts
    for alert in alerts:
        assert set(alert) >= {"story", "speaker", "topics", "quotes", "sources"}
        for q in alert["quotes"]:  # type: ignore[union-attr]
            assert set(q) >= {"text", "kind", "speaker"}
            assert q["kind"] in ("direct", "partial", "indirect")
        for s in alert["sources"]:  # type: ignore[union-attr]
            assert set(s) >= {"url", "title", "feed", "published"}


def test_a_statement_off_topic_and_a_mere_mention_raise_no_alert(capsys):
    # ledger.xml also carries Brandt on fuel tax (a statement, but not about grain); meridian.xml also
    # carries an article that only mentions Kovalenko. Neither may alert.
    alerts = scan_json(capsys, "--feed", str(SCAN / "ledger.xml"), "--feed", str(SCAN / "meridian.xml"))
    assert [a["speaker"] for a in alerts] == ["kovalenko"]


def test_scan_reports_an_unreadable_feed_file_clearly(capsys, tmp_path):
    code = main(["scan", "--config", str(SCAN / "rules.toml"), "--feed", str(tmp_path / "nope.xml")])
    err = capsys.readouterr().err
    assert code == 1
    assert "nope.xml" in err and "cannot read" in err


def served_rules(server: FeedServer, backfill: str = "24h") -> Rules:
    text = (SCAN / "rules.toml").read_text(encoding="utf-8")
    for feed_id, path in (("meridian", "/rss"), ("ledger", "/feed"), ("harbor", "/atom")):
        host = {"meridian": "meridian.example", "ledger": "ledger.example", "harbor": "harbor.example"}
        old_url = f"https://{host[feed_id]}{path}"
        text = text.replace(f'url = "{old_url}"', f'url = "{server.url("/" + feed_id)}"\nallow_private = true')
    text = text.replace('backfill = "24h"', f'backfill = "{backfill}"')
    rules, problems = parse_rules(text, "served.toml")
    assert rules is not None, problems
    return rules


def serve_all(server: FeedServer) -> None:
    for feed_id in ("meridian", "ledger", "harbor"):
        server.serve(f"/{feed_id}", (SCAN / f"{feed_id}.xml").read_bytes(), etag=f'"{feed_id}-v1"')


async def run_pipeline(rules: Rules, db: str, now: datetime) -> list[Alert]:
    alerts, report = await poll_cycle(rules, db, now)
    assert all(p.status in ("ok", "not-modified") for p in report.polls), report.polls
    return alerts


async def test_polling_over_http_alerts_once_then_edits_and_never_repeats_after_restart(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    serve_all(feed_server)
    rules = served_rules(feed_server)
    db = str(tmp_path / "history.db")

    first = await run_pipeline(rules, db, NOW)
    new = [a for a in first if not a.update]
    assert len(new) == 1 and new[0].story.speaker_id == "kovalenko"
    assert new[0].chats == (-1001000000001,)
    story_ids = {a.story.id for a in first}
    assert len(story_ids) == 1  # the other outlets became sources of the same story

    # Restart on the same database: the feeds answer 304 or carry only seen items: nothing again.
    again = await run_pipeline(rules, db, NOW + timedelta(minutes=10))
    assert again == []
    assert any("if-none-match" in r.headers for r in feed_server.requests)


async def test_first_poll_of_a_feed_does_not_alert_on_items_older_than_the_backfill_window(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    serve_all(feed_server)
    rules = served_rules(feed_server, backfill="1h")
    alerts = await run_pipeline(rules, str(tmp_path / "h.db"), NOW + timedelta(days=2))
    assert alerts == []


# -- regressions from the code review (watchers side) ------------------------------------------------

GRAIN_QUOTES = (
    "The grain corridor will reopen for inspections on Tuesday morning",
    "Grain exports through Lisk will double within ten days, whatever the insurers decide",
    "We will not sign any grain deal that leaves our farmers paying for the fears of insurers",
)


def rss_item(n: int, *, link: str | None = "auto", guid: str | None = None, date: str | None = "auto",
             title: str | None = None) -> str:
    link_xml = "" if link is None else f"<link>{f'https://wire.example/grain/{n}' if link == 'auto' else link}</link>"
    guid_xml = "" if guid is None else f'<guid isPermaLink="false">{guid}</guid>'
    when = "Mon, 16 Nov 2026 12:00:00 GMT" if date == "auto" else date
    date_xml = "" if when is None else f"<pubDate>{when}</pubDate>"
    quote = GRAIN_QUOTES[n % len(GRAIN_QUOTES)]
    return (
        f"<item><title>{title or f'Veltria update number {n} on the grain corridor'}</title>{link_xml}{guid_xml}"
        f"{date_xml}<description><![CDATA[<p>\"{quote},\" Foreign Ministry spokeswoman Marta Kovalenko "
        f"told reporters in Tarvos on day {n}.</p>]]></description></item>"
    )


def rss(*items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>{"".join(items)}</channel></rss>'


def scan_rules_with(*feeds: Feed) -> Rules:
    rules, problems = parse_rules((SCAN / "rules.toml").read_text(encoding="utf-8"), "rules.toml")
    assert rules is not None, problems
    return replace(rules, feeds=feeds)


def local_feed(server: FeedServer, path: str, **kwargs: object) -> Feed:
    return Feed(id=kwargs.pop("id", "wire"), url=server.url(path), name="Test Wire", allow_private=True, **kwargs)  # type: ignore[arg-type]


class Run:
    """A pipeline on an in-memory (or given) store, collecting alerts."""

    def __init__(self, rules: Rules, fetcher: Fetcher, *, backfill: bool = False, now: datetime = NOW) -> None:
        self.alerts: list[Alert] = []
        self.store = open_store(None)

        async def sink(alert: Alert) -> None:
            self.alerts.append(alert)

        self.pipeline = Pipeline(rules, self.store, fetcher, sink, now=lambda: now, backfill=backfill)


async def test_feed_items_without_a_link_are_each_processed(feed_server: FeedServer) -> None:
    feed_server.serve("/nolink", rss(*(rss_item(n, link=None) for n in range(3))))
    feed = local_feed(feed_server, "/nolink")
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher)
        report = await run.pipeline.poll(feed, force=True)
        await run.store.close()
    assert report.status == "ok" and report.articles == 3
    assert report.new == 3 and len({a.story.id for a in run.alerts}) == 3


async def test_editing_the_feed_url_in_the_rules_is_followed_after_a_successful_poll(feed_server: FeedServer) -> None:
    feed_server.serve("/old", rss(rss_item(0)), etag='"same"')
    feed_server.serve("/new", rss(rss_item(1)), etag='"same"')
    old = local_feed(feed_server, "/old")
    new = replace(old, url=feed_server.url("/new"))
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(old), fetcher)
        assert (await run.pipeline.poll(old, force=True)).status == "ok"
        run.pipeline.set_rules(scan_rules_with(new))
        report = await run.pipeline.poll(new, force=True)
        state = await run.store.feed_state("wire")
        await run.store.close()
    assert feed_server.hits("/new") == 1
    # the old URL's ETag was not sent to the new one (it would have answered 304 and hidden its item)
    assert "if-none-match" not in feed_server.requests[-1].headers
    assert report.status == "ok" and report.new == 1
    assert state is not None and state.url == new.url and state.configured_url == new.url


async def test_a_permanent_redirect_is_kept_while_the_rules_url_is_unchanged(feed_server: FeedServer) -> None:
    feed_server.redirect("/moved", "/home", status=301)
    feed_server.serve("/home", rss(rss_item(0)), etag='"v1"')
    feed = local_feed(feed_server, "/moved")
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher)
        await run.pipeline.poll(feed, force=True)
        second = await run.pipeline.poll(feed, force=True)
        state = await run.store.feed_state("wire")
        await run.store.close()
    assert feed_server.hits("/moved") == 1 and feed_server.hits("/home") == 2
    assert second.status == "not-modified"
    assert state is not None and state.url == feed_server.url("/home") and state.configured_url == feed.url


@pytest.mark.parametrize(
    ("stored_url", "configured", "etag", "rules_url", "want_url", "want_etag"),
    [
        ("https://a.example/new-home", "https://a.example/rss", '"e"', "https://a.example/rss",
         "https://a.example/new-home", '"e"'),  # redirect followed, rules unchanged: keep it
        ("https://a.example/new-home", "https://a.example/rss", '"e"', "https://b.example/rss",
         "https://b.example/rss", None),  # rules edited: the edit wins, validators dropped
        ("https://a.example/rss", None, '"e"', "https://a.example/rss",
         "https://a.example/rss", '"e"'),  # a state from before schema 4, same URL: nothing lost
        ("https://a.example/new-home", None, '"e"', "https://a.example/rss",
         "https://a.example/rss", None),  # before schema 4, URL differs: rules URL afresh
    ],
)
def test_rules_url_edits_reset_the_url_and_validators(
    stored_url: str, configured: str | None, etag: str | None, rules_url: str, want_url: str, want_etag: str | None
) -> None:
    state = FeedState("f", stored_url, etag=etag, polled_ok_once=True, configured_url=configured)
    got = follow_rules_url(state, rules_url)
    assert (got.url, got.etag, got.configured_url) == (want_url, want_etag, rules_url)


async def test_one_failing_article_is_logged_and_the_rest_of_the_feed_goes_on(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    feed_server.serve("/wire", rss(*(rss_item(n) for n in range(3))), etag='"v1"')
    feed = local_feed(feed_server, "/wire")
    real = pipeline_module.extract_statements

    def flaky(text: str, matcher: object, **kwargs: object) -> object:
        if "day 1." in text:
            raise ValueError("extractor tripped over this article")
        return real(text, matcher, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "extract_statements", flaky)
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher)
        report = await run.pipeline.poll(feed, force=True)
        state = await run.store.feed_state("wire")
        monkeypatch.setattr(pipeline_module, "extract_statements", real)  # fixed: the next poll catches up
        again = await run.pipeline.poll(feed, force=True)
        await run.store.close()
    assert report.status == "ok" and report.failed == 1 and report.new == 2
    [record] = [r for r in caplog.records if getattr(r, "article", None)]
    assert record.feed == "wire" and record.article == "https://wire.example/grain/1"  # type: ignore[attr-defined]
    assert state is not None and state.etag is None and state.last_error and "tripped" in state.last_error
    assert again.status == "ok" and again.new == 1 and again.failed == 0


async def test_an_unexpected_error_in_a_poll_is_recorded_with_backoff(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_server.serve("/wire", rss(rss_item(0)))
    feed = local_feed(feed_server, "/wire")

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(pipeline_module, "parse_feed", broken)
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher)
        report = await run.pipeline.poll(feed, force=True)
        state = await run.store.feed_state("wire")
        await run.store.close()
    assert report.status == "error" and report.error and "parser bug" in report.error
    assert state is not None and state.consecutive_errors == 1
    assert state.last_error and "RuntimeError" in state.last_error
    assert state.next_poll is not None and state.next_poll > NOW


async def test_undated_items_are_backfill_on_a_feeds_first_poll(feed_server: FeedServer) -> None:
    feed_server.serve("/wire", rss(*(rss_item(n, date=None) for n in range(2))))
    feed = local_feed(feed_server, "/wire")
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher, backfill=True)
        first = await run.pipeline.poll(feed, force=True)
        feed_server.serve("/wire", rss(*(rss_item(n, date=None) for n in range(3))))
        second = await run.pipeline.poll(feed, force=True)
        await run.store.close()
    assert first.new == 2 and first.alerts == 0  # recorded, not alerted
    assert second.new == 1 and second.alerts == 1  # a new undated item after the first poll is news


@pytest.mark.parametrize(
    ("polled_before", "dated", "age_hours", "backfill"),
    [(False, True, 1, False), (False, True, 30, True), (False, False, 0, True), (True, False, 0, False),
     (True, True, 30, False)],
)
def test_is_backfill_table(polled_before: bool, dated: bool, age_hours: float, backfill: bool) -> None:
    article = Article("a", "https://x.example/a", "T", "", "f", "F", NOW - timedelta(hours=age_hours), dated=dated)
    state = FeedState("f", "https://x.example/rss", polled_ok_once=polled_before)
    assert is_backfill(article, state, NOW, 24 * 3600.0) is backfill


async def test_backfill_items_do_not_fetch_their_pages(feed_server: FeedServer) -> None:
    page = "<html><body><article><p>{}</p></article></body></html>"
    for n in (0, 1):
        feed_server.serve(f"/page/{n}", page.format(f"Full text of story {n}."), content_type="text/html")
    old = rss_item(0, link=feed_server.url("/page/0"), date="Mon, 09 Nov 2026 12:00:00 GMT")
    recent = rss_item(1, link=feed_server.url("/page/1"))
    feed_server.serve("/wire", rss(old, recent))
    feed = local_feed(feed_server, "/wire", full_text=True)
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher, backfill=True)
        report = await run.pipeline.poll(feed, force=True)
        await run.store.close()
    assert report.new == 2
    assert feed_server.hits("/page/0") == 0  # a week old on the first poll: cannot alert, not fetched
    assert feed_server.hits("/page/1") == 1


def test_adhoc_feed_urls_get_their_own_ids_and_may_be_private() -> None:
    rules = scan_rules_with()
    chosen = feeds_for(rules, ["http://127.0.0.1:8080/a.xml", "http://127.0.0.1:8080/b.xml", "ledger.xml", "x/ledger.xml"])
    ids = [feed.id for feed, _ in chosen]
    assert len(set(ids)) == 4
    assert all(feed.allow_private for feed, _ in chosen)


async def test_scan_of_two_local_urls_on_one_host_reads_both(feed_server: FeedServer) -> None:
    # Both answer 304 to the same ETag: with one shared id, the second would reuse the first's state.
    feed_server.serve("/a", rss(rss_item(0)), etag='"v1"')
    feed_server.serve("/b", rss(rss_item(1, link="https://other.example/b/1")), etag='"v1"')
    stories, reports = await scan(scan_rules_with(), [feed_server.url("/a"), feed_server.url("/b")], None)
    assert [r.status for r in reports] == ["ok", "ok"]  # the SSRF guard let the operator's own URLs through
    assert [r.new for r in reports] == [1, 1]
    assert len(stories) == 2


def _analysis(matcher: Matcher, title: str, text: str, quote: str) -> ArticleAnalysis:
    start = text.index(quote)
    st = Statement(quote, start, start + len(quote), "direct", "Marta Kovalenko", "kovalenko")
    article = Article("a", "https://x.example/a", title, text, "meridian", "Meridian Wire", NOW)
    return analyse(article, matcher, [st])


def _topic_rules(topic: Topic, scope: str = "speaker", watches: int = 1) -> Rules:
    return Rules(
        speakers=(Speaker("kovalenko", "Marta Kovalenko", ("Kovalenko",)),),
        topics=(topic,),
        watches=tuple(Watch(f"w{i}", ("kovalenko",), (-1,), (topic.id,), scope=scope) for i in range(watches)),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("topic", "title", "quote", "fires"),
    [
        # all = ["Ukraine"] met in the title, any = ["peace talks"] in the statement: one topic, combined
        (Topic("talks", any=("peace talks",), all=("Ukraine",)), "Ukraine: Kovalenko speaks",
         "The peace talks will resume in spring", True),
        # a `none` keyword in the statement vetoes a title match
        (Topic("talks", any=("Ukraine",), none=("ceasefire",)), "Ukraine: Kovalenko speaks",
         "There will be no ceasefire before spring", False),
        (Topic("talks", all=("Ukraine", "peace talks")), "Kovalenko speaks",
         "The peace talks will resume in spring", False),
    ],
)
def test_topic_keywords_combine_across_statement_and_title(topic: Topic, title: str, quote: str, fires: bool) -> None:
    rules = _topic_rules(topic)
    matcher = Matcher.compile(rules)
    text = f'"{quote}," Marta Kovalenko said on Monday.'
    firings = watches_firing(rules, matcher, _analysis(matcher, title, text, quote), "kovalenko", NOW)
    assert bool(firings) is fires


def test_topics_in_scope_is_judged_once_per_speaker_and_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _topic_rules(Topic("talks", any=("peace talks",)), watches=3)
    matcher = Matcher.compile(rules)
    quote = "The peace talks will resume in spring"
    analysis = _analysis(matcher, "Kovalenko speaks", f'"{quote}," Marta Kovalenko said.', quote)
    calls: list[str] = []
    real = alerts_module.topics_in_scope

    def counting(*args: object) -> set[str]:
        calls.append(str(args[3]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(alerts_module, "topics_in_scope", counting)
    assert len(watches_firing(rules, matcher, analysis, "kovalenko", NOW)) == 3
    assert calls == ["speaker"]


# -- extraction off the event loop (watchers/statements/worker.py) ------------------------------------


async def test_a_pipeline_extracting_in_worker_processes_alerts_as_one_extracting_on_its_thread(
    feed_server: FeedServer,
) -> None:
    from watchers.statements.worker import start_extractor

    serve_all(feed_server)
    rules = served_rules(feed_server)
    found: list[list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = []
    for workers in (0, 2):
        extractor = await start_extractor(workers)
        assert (extractor is None) == (workers == 0)
        async with Fetcher() as fetcher:
            run = Run(rules, fetcher)
            run.pipeline.extractor = extractor
            for feed in rules.feeds:
                await run.pipeline.poll(feed, force=True)
            await run.store.close()
        if extractor is not None:
            await extractor.aclose()
        found.append(
            sorted(
                (a.story.speaker_id, tuple(q.text for q in a.story.quotes), tuple(s.feed for s in a.story.sources))
                for a in run.alerts
            )
        )
    in_thread, in_pool = found
    assert in_thread and in_pool == in_thread


def test_a_repeated_failure_is_logged_once_with_its_traceback_then_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = [0.0]
    errors = pipeline_module.RepeatedErrors(clock=lambda: clock[0])
    full = OSError("database or disk is full")
    with caplog.at_level(logging.ERROR, logger="watchers.pipeline"):
        for n in range(40):
            clock[0] = n  # all within REPEAT_LOG_SECONDS of the first
            errors.log(full, "feed %s: poll crashed", f"f{n}", extra={"feed": f"f{n}"})
        errors.log(ValueError("another bug"), "feed %s: poll crashed", "g", extra={"feed": "g"})
        clock[0] = pipeline_module.REPEAT_LOG_SECONDS + 1
        errors.log(full, "feed %s: poll crashed", "late", extra={"feed": "late"})
    lines = [(r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert lines == [
        ("feed f0: poll crashed", True),
        ("feed g: poll crashed", True),  # a different failure gets its own traceback
        (f"OSError: database or disk is full (again; 40 more times in the last "
         f"{pipeline_module.REPEAT_LOG_SECONDS + 1:.0f} s, tracebacks left out)", False),
    ]


async def test_every_article_failing_alike_logs_one_traceback_not_one_per_article(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    feed_server.serve("/wire", rss(*(rss_item(n) for n in range(5))))
    feed = local_feed(feed_server, "/wire")

    def disk_full(text: str, matcher: object, **kwargs: object) -> object:
        raise OSError("database or disk is full")

    monkeypatch.setattr(pipeline_module, "extract_statements", disk_full)
    async with Fetcher() as fetcher:
        run = Run(scan_rules_with(feed), fetcher)
        with caplog.at_level(logging.ERROR, logger="watchers.pipeline"):
            first = await run.pipeline.poll(feed, force=True)
            second = await run.pipeline.poll(feed, force=True)
        await run.store.close()
    assert first.failed == 5 and second.failed == 5  # nothing lost: every article stays unseen
    assert sum(1 for r in caplog.records if r.exc_info is not None) == 1


class _CountingPipeline:
    """Stands in for Pipeline in run_cycle: records the order polls start in."""

    lease = None  # one process alone: run_cycle polls every feed it is given

    def __init__(self) -> None:
        self.started: list[str] = []

    async def poll(self, feed: Feed, force: bool = False) -> pipeline_module.PollReport:
        self.started.append(feed.id)
        await asyncio.sleep(0)
        return pipeline_module.PollReport(feed.id, "ok")


async def test_run_cycle_lets_the_loop_run_while_it_starts_polls() -> None:
    """Thousands of feeds are started a batch per turn of the loop, never all in one turn (which held
    the loop for over 100 ms at 5,000 feeds); every feed is still polled, reports in feed order."""
    fake = _CountingPipeline()
    feeds = [Feed(id=f"f{n}", url=f"http://example.test/{n}", name=f"F{n}") for n in range(1000)]
    seen: list[int] = []

    async def probe() -> None:
        while len(fake.started) < len(feeds):
            seen.append(len(fake.started))
            await asyncio.sleep(0)

    probing = asyncio.create_task(probe())
    report = await pipeline_module.run_cycle(fake, feeds)  # type: ignore[arg-type]
    await probing
    assert [p.feed for p in report.polls] == [f.id for f in feeds]
    assert sorted(fake.started) == sorted(f.id for f in feeds)
    steps = [b - a for a, b in zip([0, *seen], [*seen, len(feeds)], strict=True)]
    assert len(seen) > 1 and max(steps) <= pipeline_module.START_BATCH


async def test_run_cycle_cancelled_while_starting_cancels_the_started_polls() -> None:
    class Hanging(_CountingPipeline):
        async def poll(self, feed: Feed, force: bool = False) -> pipeline_module.PollReport:
            self.started.append(feed.id)
            await asyncio.Event().wait()
            raise AssertionError("never")

    fake = Hanging()
    feeds = [Feed(id=f"f{n}", url=f"http://example.test/{n}", name=f"F{n}") for n in range(500)]
    cycle = asyncio.create_task(pipeline_module.run_cycle(fake, feeds))  # type: ignore[arg-type]
    while len(fake.started) < pipeline_module.START_BATCH:
        await asyncio.sleep(0)
    cycle.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cycle
    await asyncio.sleep(0)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert pending == []


async def test_a_story_first_carried_by_an_outlet_no_watch_fires_on_gets_a_new_alert_not_an_update(
    feed_server: FeedServer,
) -> None:
    # In this fixture only meridian's wording puts the watch's topic in the speaker's statement: polled
    # after the others, it joins their story as a source, and that first alert is still a new alert.
    serve_all(feed_server)
    rules = served_rules(feed_server)
    async with Fetcher() as fetcher:
        run = Run(rules, fetcher)
        for feed_id in ("ledger", "harbor", "meridian", "harbor"):
            await run.pipeline.poll(rules.feed(feed_id), force=True)  # type: ignore[arg-type]
        await run.store.close()
    assert [(a.update, a.story.speaker_id, len(a.story.sources)) for a in run.alerts] == [
        (False, "kovalenko", 3)
    ]
