"""Each extraction pass fed alone: its input built by the earlier passes or by hand (fictional names)."""

from __future__ import annotations

from watchers.statements.classify import classify
from watchers.statements.cues import find_cues
from watchers.statements.drafts import Draft, Drafts
from watchers.statements.mentions import Mention
from watchers.statements.pairing import pair
from watchers.statements.quotemarks import find_quotes
from watchers.statements.records import records
from watchers.statements.registry import Entity
from watchers.statements.resolve import Attributed, Resolved, resolve
from watchers.statements.segment import Block, Segments, Sentence, body_paragraphs, segment
from watchers.statements.sentences import tokenize
from watchers.statements.speakers import SentenceSpeakers, Speakers, find_speakers


def _segments(text: str) -> Segments:
    paras = body_paragraphs(text)
    return segment(text, paras, find_quotes(text, paras))


def _words(segments: Segments, k: int) -> list[str]:
    sent = segments.sentences[k]
    return [t.text for t in sent.tokens[sent.s : sent.e]]


def test_segment_splits_sentences_and_marks_quote_tokens() -> None:
    text = 'Talks stalled.\n\nWren arrived late. "We will wait," Wren said.'
    segments = _segments(text)
    assert [(b.lo, b.hi) for b in segments.blocks] == [(0, 14), (16, len(text))]
    assert [_words(segments, k) for k in range(len(segments.sentences))] == [
        ["Talks", "stalled", "."],
        ["Wren", "arrived", "late", "."],
        ['"We will wait,"', "Wren", "said", "."],
    ]
    third = segments.sentences[2]
    assert [third.tokens[k].kind for k in third.quotes] == ["q"]


def test_cue_pass_finds_reporting_verbs_and_phrasal_cues() -> None:
    segments = _segments("Tobias Wren said the vote would wait and pointed out the costs.")
    (found,) = find_cues(segments).sentences
    assert [(c.word, c.lemma, c.phrasal) for c in found.verbs] == [
        ("said", "say", False),
        ("pointed out", "point out", True),
    ]


def test_cue_pass_ignores_a_clear_fact_nobody_states() -> None:
    (found,) = find_cues(_segments("It was clear that the vote would wait.")).sentences
    assert found.verbs == []


def test_speaker_pass_gives_said_its_subject_and_a_coordinated_verb_the_same() -> None:
    segments = _segments("Port spokesman Tobias Wren said the port would close and warned of delays.")
    speakers = find_speakers(segments, find_cues(segments))
    (sentence,) = speakers.sentences
    said, warned = sentence.cues
    assert said.subject is not None and said.subject.kind == "name" and said.subject.name == "Tobias Wren"
    assert said.subject.roles and said.subject.roles == [("spokesman", frozenset({"port"}))]
    assert warned.coordinated and warned.subject is said.subject
    assert speakers.full_names["wren"] == [(segments.sentences[0].tokens[3].start, "Tobias Wren")]


def test_speaker_pass_drops_a_verb_nobody_speaks_for() -> None:
    segments = _segments("The plan was said to be costly.")
    (sentence,) = find_speakers(segments, find_cues(segments)).sentences
    assert sentence.cues == []


def test_pairing_pass_tells_direct_from_partial() -> None:
    text = '"The port stays open," Tobias Wren said.\n\nWren called the delay "a small price".'
    segments = _segments(text)
    drafts = pair(segments, find_speakers(segments, find_cues(segments)))
    (direct,), (partial,) = drafts.sentences
    assert (text[direct.start : direct.end], direct.kind, direct.cue) == (
        "The port stays open,",
        "direct",
        "said",
    )
    assert (text[partial.start : partial.end], partial.kind, partial.cue) == (
        "a small price",
        "partial",
        "called",
    )


def _by_hand(n_sentences: int) -> tuple[Segments, list[SentenceSpeakers]]:
    """Empty sentences in one block, for feeding resolution mentions and drafts directly."""
    sentences = [Sentence(0, [], 0, 0, []) for _ in range(n_sentences)]
    segments = Segments("", [], [Block(0, 0, [], range(n_sentences))], sentences)
    return segments, [SentenceSpeakers(s, [], {}, {}, []) for s in sentences]


def test_resolution_gives_he_the_last_salient_man() -> None:
    wren = Mention("name", 0, 11, "Tobias Wren", name="Tobias Wren", gender="m")
    marr = Mention("name", 40, 49, "Ilse Marr", name="Ilse Marr", gender="f")
    he = Mention("pronoun", 80, 82, "he", gender="m")
    segments, said = _by_hand(3)
    drafts = Drafts([[Draft(20, 30, "direct", m, "said", m.start)] for m in (wren, marr, he)])
    resolved = resolve(segments, Speakers({}, {}, said), drafts)
    first, second, third = resolved.statements
    assert first.entity is not None and first.entity.name == "Tobias Wren"
    assert second.entity is not None and second.entity.name == "Ilse Marr"
    assert third.entity is first.entity


def test_resolution_carries_the_speaker_over_to_a_lone_quote() -> None:
    wren = Mention("name", 0, 4, "Wren", name="Wren", gender="m")
    sentences = [Sentence(0, [], 0, 0, []), Sentence(1, [], 0, 0, [])]
    blocks = [Block(0, 10, [], range(0, 1)), Block(12, 30, [], range(1, 2))]
    segments = Segments("x" * 30, [], blocks, sentences)
    speakers = Speakers({}, {}, [SentenceSpeakers(s, [], {}, {}, []) for s in sentences])
    drafts = Drafts(
        [[Draft(5, 9, "direct", wren, "said", 0)], [Draft(13, 29, "direct", None, None, 13, lone=True)]]
    )
    _, lone = resolve(segments, speakers, drafts).statements
    assert lone.entity is not None and lone.entity.name == "Wren"
    assert lone.mention is wren and lone.cue == "said"


def test_records_pass_builds_statements_with_offsets_sorted() -> None:
    text = 'Wren said the port was closed. "It stays shut," he said.'
    he = Mention("pronoun", 48, 50, "he", gender="m")
    wren = Mention("name", 0, 4, "Wren", name="Wren")
    person = Entity("person", "Tobias Wren")
    resolved = Resolved(
        [
            Attributed(32, 46, "direct", he, "said", 48, entity=person, resolved=True),
            Attributed(10, 29, "indirect", wren, "said", 5, entity=person, resolved=True),
        ]
    )
    out = records(text, resolved, None)
    assert [(s.text, s.kind, s.speaker) for s in out] == [
        ("the port was closed", "indirect", "Tobias Wren"),
        ("It stays shut,", "direct", "Tobias Wren"),
    ]
    assert out[1].mention is not None and (out[1].mention.text, out[1].mention.start) == ("he", 48)


def test_classify_tells_the_kinds_of_mention_apart() -> None:
    def kind(phrase: str) -> tuple[str, str | None] | None:
        toks = tokenize(phrase, 0, len(phrase), [])
        m = classify(toks, 0, len(toks))
        return None if m is None else (m.kind, m.name or m.head)

    assert kind("Petra Lund of Tormo University") == ("name", "Petra Lund")
    assert kind("the Tormo Harbour Authority") == ("org", "Tormo Harbour Authority")
    assert kind("Harbour Minister Petra Lund") == ("name", "Petra Lund")
    assert kind("the minister") == ("role", "minister")
    assert kind("the agency") == ("orgref", "agency")
    assert kind("analysts") == ("group", "analysts")
