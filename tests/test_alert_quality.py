"""What an alert quotes (issue #16 item 6): the key quote is a complete statement, not a framing sentence that
only introduces one; the paraphrase line is a whole clause with its subject, or is left out. Fictional
people and outlets; the articles are extracted by the real extractor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.render import render_alert, render_plain
from tests.fake_telegram import parse_html
from watchers.model import Source, Statement, Story
from watchers.statements.extract import extract_statements
from watchers.statements.keyquotes import is_framing, key_quotes, paraphrase_clause

NOW = datetime(2026, 3, 14, 16, 0, tzinfo=UTC)


def story(*quotes: Statement, speaker: str = "Anselm Roop") -> Story:
    source = Source("https://ledger.example/n/1", "Roop on the quay levy", "ledger", "The Harbour Ledger", NOW)
    return Story(id="s1", speaker_id="roop", speaker=speaker, topics=("levy",), quotes=quotes,
                 sources=(source,), first_seen=NOW)


def seen(message: str) -> str:
    return parse_html(message)[0]


def test_a_framing_sentence_is_not_the_key_quote() -> None:
    text = ('Marta Kovalenko spoke after the vote. "In other words, they say:" Kovalenko told reporters. '
            '"We will not tax the harvest twice, whatever the council decides," she added.')
    found = extract_statements(text)
    assert any(s.text.startswith("In other words") for s in found)  # the extractor finds both
    [best] = key_quotes(found, None, limit=1, one_article=True)
    assert best.text.startswith("We will not tax the harvest twice")
    assert not any(s.text.startswith("In other words") for s in key_quotes(found, None))


def test_a_lone_framing_sentence_is_still_better_than_no_quote() -> None:
    only = Statement("In other words, they say:", 0, 25, "direct", "Marta Kovalenko")
    assert key_quotes([only], None) == [only]


@pytest.mark.parametrize(("text", "framing"), [
    ("In other words, they say:", True),
    ("Here is what they told us:", True),
    ("That is what they say", True),
    ("In other words, the levy stays.", False),
    ("We will not tax the harvest twice,", False),
    ("The plan: no levy this year", False),
])
def test_framing_sentences(text: str, framing: bool) -> None:
    assert is_framing(text) is framing


@pytest.mark.parametrize(("text", "cue", "shown"), [
    # the object of the verb first: the speaker and the verb go in front
    ("the port authority of planning a secret levy on grain barges", "accused",
     "Anselm Roop accused the port authority of planning a secret levy on grain barges"),
    ("the council to delay the vote until spring", "urged", "Anselm Roop urged the council to delay the vote until spring"),
    ("to cut the levy on grain barges before spring", "promised",
     "Anselm Roop promised to cut the levy on grain barges before spring"),
    ("planning a secret levy on grain barges", "denied", "Anselm Roop denied planning a secret levy on grain barges"),
    # a clause of its own stays as it is
    ("the harbour would stay open through the winter", "told", "the harbour would stay open through the winter"),
    ("the ferries will run all winter", "according to", "the ferries will run all winter"),
    # a fragment that cannot be made whole: left out
    ("the port lost money", "told", None),
    ("of planning a levy", "according to", None),
    ("a levy", "said", None),
])
def test_paraphrase_clause(text: str, cue: str, shown: str | None) -> None:
    assert paraphrase_clause(Statement(text, 0, len(text), "indirect", "Anselm Roop", cue=cue), "Anselm Roop") == shown


def test_the_alert_shows_the_whole_clause_or_leaves_the_fragment_out() -> None:
    article = ("Transport Minister Anselm Roop accused the port authority of planning a secret levy on grain "
               "barges. Roop told reporters on Tuesday that the port lost money.")
    found = [s for s in extract_statements(article) if s.kind == "indirect"]
    assert [s.text for s in found] == ["the port authority of planning a secret levy on grain barges",
                                       "the port lost money"]
    message = seen(render_alert(story(*found), NOW))
    assert "paraphrase: Anselm Roop accused the port authority of planning a secret levy on grain barges" in message
    assert "the port lost money" not in message  # "told [reporters]" dropped its listener: no clause to show
    assert "Anselm Roop accused the port authority" in render_plain(story(*found), NOW)
