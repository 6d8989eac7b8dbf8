"""Constructions of real news copy that attribution must read (issue #13), each in sentences of our own."""

from __future__ import annotations

from watchers.statements import extract_statements
from watchers.statements.quotemarks import doubled_as_double


def _by_text(text: str) -> dict[str, tuple[str, str | None]]:
    return {s.text: (s.kind, s.speaker) for s in extract_statements(text)}


def test_doubled_apostrophes_are_double_quotes() -> None:
    text = (
        "Prices rose again in May.\n\n"
        "''We are watching it closely,'' said Mara Venn, an analyst at Torvik Bank. ''It's not over.''\n\n"
        "Ms. Venn called the plan ''a costly detour.''"
    )
    found = _by_text(text)
    assert found["We are watching it closely,"] == ("direct", "Mara Venn")
    assert found["It's not over."] == ("direct", "Mara Venn")
    assert found["a costly detour."] == ("partial", "Mara Venn")
    for s in extract_statements(text):
        assert text[s.start : s.end] == s.text  # offsets into the text as written


def test_doubled_apostrophes_keep_offsets_and_leave_apostrophes() -> None:
    text = "The union met.\n''Yes,'' he said. Rock 'n' roll isn't a quote."
    out = doubled_as_double(text)
    assert len(out) == len(text)
    assert out[15:18] == ' "Y' and out[21:24] == '"  '
    assert "'n'" in out and "isn't" in out


def test_people_named_by_what_they_are_speak() -> None:
    text = (
        "The ferry service ended in March.\n\n"
        '"We used to cross every morning," one voter said.\n\n'
        '"It was the only way to the clinic," said a nurse who works on the island.\n\n'
        '"Nobody asked us," the radio host said.'
    )
    found = {s.text: s.mention.text if s.mention else None for s in extract_statements(text)}
    assert found["We used to cross every morning,"] == "one voter"
    assert found["It was the only way to the clinic,"] == "a nurse"
    assert found["Nobody asked us,"] == "the radio host"


def test_manner_of_speaking_verbs_attribute_quotes() -> None:
    text = (
        "Dora Pell runs the bakery on Quay Street.\n\n"
        '"We have never sold so much bread," Pell exclaimed.\n\n'
        '"The oven is older than I am," she grumbled.\n\n'
        '"Come back on Friday!" beamed Alvar Ruud, her partner.'
    )
    found = _by_text(text)
    assert found["We have never sold so much bread,"] == ("direct", "Dora Pell")
    assert found["The oven is older than I am,"] == ("direct", "Dora Pell")
    assert found["Come back on Friday!"] == ("direct", "Alvar Ruud")


def test_a_chanted_slogan_is_not_a_statement() -> None:
    lead = "The debate ran late.\n\n"
    chanted = 'Outside, Dora Pell chanted the campaign slogan, "A harbour for all."'
    assert extract_statements(lead + chanted) == []
    said = lead + chanted.replace("chanted the campaign slogan", "said")
    assert [s.text for s in extract_statements(said)] == ["A harbour for all."]  # the same shape, a cue


def test_role_noun_with_free_modifiers_speaks() -> None:
    text = (
        "The count went on past midnight.\n\n"
        '"It is going to be close," said a longtime Torvik data expert who advised two campaigns.\n\n'
        '"We expected more," a veteran harbour union organiser said.'
    )
    found = {s.text: s.mention.text if s.mention else None for s in extract_statements(text)}
    assert found["It is going to be close,"] == "a longtime Torvik data expert"
    assert found["We expected more,"] == "a veteran harbour union organiser"


def test_second_quoted_phrase_in_the_clause_shares_the_speaker() -> None:
    text = 'The council met on Monday.\n\nDora Pell called the levy "a lifeline" for small towns and "long overdue."'
    found = _by_text(text)
    assert found["a lifeline"] == ("partial", "Dora Pell")
    assert found["long overdue."] == ("partial", "Dora Pell")


def test_a_quote_after_another_reporting_verb_does_not_inherit() -> None:
    text = 'The council met on Monday.\n\nDora Pell called the levy "a lifeline," but Alvar Ruud said it was "a tax on bread."'
    found = _by_text(text)
    assert found["a lifeline,"] == ("partial", "Dora Pell")
    assert found["a tax on bread."] == ("partial", "Alvar Ruud")


def test_a_document_speaks_when_its_issuer_is_not_named() -> None:
    text = (
        "The party said the guest would not come.\n\n"
        '"The campaign has told us she is not coming," the release said. "We regret it."\n\n'
        '"The agency acted in bad faith," the suit reads.'
    )
    found = {s.text: (s.speaker, s.mention.text if s.mention else None) for s in extract_statements(text)}
    assert found["The campaign has told us she is not coming,"] == (None, "the release")
    assert found["We regret it."] == (None, "the release")
    assert found["The agency acted in bad faith,"] == (None, "the suit")


def test_a_banner_reading_a_slogan_is_not_a_statement() -> None:
    lead = "The talks ran late.\n\n"
    banner = 'Outside, activists unfurled a banner reading "Keep the harbour open."'
    assert extract_statements(lead + banner) == []
    said = lead + 'Outside, Dora Pell said "Keep the harbour open."'
    assert [s.text for s in extract_statements(said)] == ["Keep the harbour open."]


def test_a_long_apposition_between_name_and_verb() -> None:
    text = (
        "The plant closed in May.\n\n"
        '"Working our way up will help me," Dora Pell, who has worked at the heating plant on Quay'
        " Street in Lyme since 1998, said."
    )
    assert _by_text(text)["Working our way up will help me,"] == ("direct", "Dora Pell")


def test_party_labels_after_the_name() -> None:
    text = (
        "The hearing ran late.\n\n"
        '"It is a witch hunt," Sen. Jim Marr (D-Wash.) said. "We want answers," Rep. Ana Ruiz, R-Ky., said.'
        ' "It is over," said Rep. Jo Bray (I).'
    )
    found = _by_text(text)
    assert found["It is a witch hunt,"] == ("direct", "Jim Marr")
    assert found["We want answers,"] == ("direct", "Ana Ruiz")
    assert found["It is over,"] == ("direct", "Jo Bray")


def test_a_title_with_its_comma_inside_the_marks_is_not_a_quote() -> None:
    lead = "The book sold well.\n\n"
    titled = 'In his 2002 book, "Make Your Kid a Millionaire," Ben Lowe suggested.'
    assert extract_statements(lead + titled) == []
    said = lead + titled.replace("Make Your Kid a Millionaire", "make your kid a millionaire")
    assert [s.kind for s in extract_statements(said)] == ["partial"]  # the same words, not a title


def test_inverted_verb_and_name_before_a_colon() -> None:
    text = (
        "The plant closed in May.\n\n"
        'Continued Pell: "So I think it is a real problem."\n\n'
        'In other words, explained moderator Nancy Corde: "What does that have to do with it?"'
    )
    found = _by_text(text)
    assert found["So I think it is a real problem."] == ("direct", "Pell")
    assert found["What does that have to do with it?"] == ("direct", "Nancy Corde")


def test_a_quoted_predicate_between_two_names_is_not_a_nickname() -> None:
    text = (
        "The union endorsed her in May.\n\n"
        'Teachers "get why the union endorsed her," Ana Ruiz said. Pete "the Professor" Lindsay said he would run.'
    )
    found = _by_text(text)
    assert found["get why the union endorsed her,"] == ("partial", "Ana Ruiz")
    assert "the Professor" not in found


def test_a_participle_introduces_a_quote() -> None:
    text = (
        "The vote was close.\n\n"
        'Dora Pell emailed supporters on Monday, telling them, "I am proud of this town."\n\n'
        'Alvar Ruud also issued a statement, saying: "We will win this."\n\n'
        'Ana Ruiz defended the levy, calling it "a lifeline" for towns.'
    )
    found = _by_text(text)
    assert found["I am proud of this town."] == ("direct", "Dora Pell")
    assert found["We will win this."] == ("direct", "Alvar Ruud")
    assert found["a lifeline"] == ("partial", "Ana Ruiz")
