"""Attribution, speaker side (issue #13 items 1, 2, 5): who a pronoun, a role noun or a surname is, which
words are never speakers, and reported-speech shapes; each in sentences of our own."""

from __future__ import annotations

from watchers.statements import extract_statements
from watchers.statements.first_names import gender


def _by_text(text: str) -> dict[str, tuple[str, str | None]]:
    return {s.text: (s.kind, s.speaker) for s in extract_statements(text)}


def test_first_name_gender_comes_from_the_library_list_after_our_own() -> None:
    assert gender("Marisol") == "f"  # in the library's list only
    assert gender("thaddeus") == "m"
    assert gender("Robin") == ""  # borne by men and women alike
    assert gender("Marisol", library=False) == ""  # a one-word name is a surname: our lists only
    assert gender("Ingrid", library=False) == "f"  # our own list


def test_she_is_the_woman_the_library_genders_not_the_man_named_first() -> None:
    text = (
        "Quay repairs split the council.\n\n"
        "Council leader Cornelius Aberg-Lowe opened the debate, and Rosalind Teague-Marr answered him.\n\n"
        "“The crews were never asked,” she said."
    )
    assert _by_text(text)["The crews were never asked,"] == ("direct", "Rosalind Teague-Marr")


def test_pronoun_inside_a_sentence_about_a_named_subject_is_that_subject() -> None:
    text = (
        "Pier plan under fire.\n\n"
        "Dalia Okafor-Lund stretched the figures at the hearing, when she claimed that the pier paid for itself.\n\n"
        "“It will pay for itself twice over,” she said."
    )
    found = _by_text(text)
    assert found["the pier paid for itself"] == ("indirect", "Dalia Okafor-Lund")
    assert found["It will pay for itself twice over,"] == ("direct", "Dalia Okafor-Lund")


def test_definite_role_nobody_was_introduced_with_is_the_story_person() -> None:
    text = (
        "Harbour chief digs in.\n\n"
        "Bertrand Nyqvist-Hale refused to back down on Monday.\n\n"
        "“The walls will not repair themselves,” the veteran councillor said."
    )
    assert _by_text(text)["The walls will not repair themselves,"] == ("direct", "Bertrand Nyqvist-Hale")


def test_unnamed_narrative_subject_is_who_the_role_noun_after_it_is() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Bertrand Nyqvist-Hale defended the levy on Monday.\n\n"
        "A harbour board aide dismissed the critics' figures as guesswork.\n\n"
        "“They counted the boats but not the tonnage,” the aide said."
    )
    assert _by_text(text)["They counted the boats but not the tonnage,"] == ("direct", None)


def test_name_inside_the_subjects_long_apposition_is_not_the_speaker() -> None:
    text = (
        "Dock families speak out.\n\n"
        "Greta Solheim-Vik, whose brother, the crane driver Halvard Solheim-Vik, has worked the quay for "
        "decades, told the meeting she had never seen the harbour so divided.\n\n"
        "Solheim-Vik said she would back a smaller levy."
    )
    found = _by_text(text)
    assert found["she had never seen the harbour so divided"] == ("indirect", "Greta Solheim-Vik")
    assert found["she would back a smaller levy"] == ("indirect", "Greta Solheim-Vik")


def test_adjectives_and_possessors_are_never_speakers() -> None:
    text = (
        "Fact-checkers weigh in.\n\n"
        "The watchdog rated half of Conservative claims as “false” this year.\n\n"
        "Only Danish operators are “safe” from the rule, the watchdog said.\n\n"
        "The Ministry's senior adviser on ports went further, arguing the rule would cost jobs."
    )
    speakers = {s.speaker for s in extract_statements(text)}
    assert not speakers & {"Conservative", "Danish", "Ministry's", "Ministry’s", "Ministry"}


def test_reported_speech_without_that() -> None:
    text = (
        "Ferry fares rise.\n\n"
        "Bertrand Nyqvist-Hale told the Gazette he'd spent a year looking for savings.\n\n"
        "Commuters, Nyqvist-Hale conceded, would feel the rise more than tourists.\n\n"
        "The consumer council studied the figures and said that the rise was larger than fuel justified."
    )
    found = _by_text(text)
    assert found["he'd spent a year looking for savings"] == ("indirect", "Bertrand Nyqvist-Hale")
    assert found["Commuters, Nyqvist-Hale conceded, would feel the rise more than tourists"] == (
        "indirect",
        "Bertrand Nyqvist-Hale",
    )
    assert found["the rise was larger than fuel justified"][0] == "indirect"


def test_later_clause_subject_is_who_the_next_pronoun_is() -> None:
    text = (
        "Ferry fares rise.\n\n"
        "Bertrand Nyqvist-Hale announced the increase on Monday.\n\n"
        "The council called the figures “optimistic,” and its chair, Halvard Brekke-Aune, went further.\n\n"
        "“They have cried wolf three winters running,” he said."
    )
    assert _by_text(text)["They have cried wolf three winters running,"] == ("direct", "Halvard Brekke-Aune")


def test_opening_participle_and_dateline_are_not_the_subject() -> None:
    text = (
        "Harbour board apologises.\n\n"
        "Facing mounting criticism from crews and councillors, Ines Varrow released a statement on "
        "Saturday, insisting that the board had “no choice” but to close the quay.\n\n"
        "VELLMAR, July 25 (Northwire) — The harbour board issued a second statement on Monday, offering "
        "“a deep and sincere apology” to the crews."
    )
    found = _by_text(text)
    assert found["no choice"] == ("partial", "Ines Varrow")
    assert found["a deep and sincere apology"][1] != "VELLMAR"
    assert "Facing" not in {s for _, s in found.values()}


def test_a_role_owned_by_a_named_person_is_not_that_person() -> None:
    text = (
        "Ferry captain lost in storm.\n\n"
        "Sara Holmqvist, who skippered the Vesterby ferry for twenty years, died on Tuesday.\n\n"
        "“She was the bravest woman I knew,” Holmqvist's mother said.\n\n"
        "Holmqvist's lawyer said the harbour board had ignored her warnings as “idle talk.”\n\n"
        "“We will miss her,” her brother told reporters."
    )
    found = _by_text(text)
    assert found["She was the bravest woman I knew,"] == ("direct", None)
    assert found["idle talk."] == ("partial", None)
    assert found["We will miss her,"] == ("direct", None)


def test_an_owned_role_the_article_introduced_is_its_holder() -> None:
    text = (
        "Ferry captain lost in storm.\n\n"
        "Erik Dahlgren died on Tuesday. His mother, Greta Dahlgren, spoke to reporters at the pier.\n\n"
        "“He never turned back,” Dahlgren's mother said."
    )
    assert _by_text(text)["He never turned back,"] == ("direct", "Greta Dahlgren")


def test_chamber_of_commerce_is_an_organisation_not_a_person() -> None:
    text = (
        "Port levy vote nears.\n\n"
        "The Vesterby Chamber of Commerce has spent heavily against the levy, and Tomas Rehn led the campaign.\n\n"
        "“The levy will empty the high street,” the Chamber's chief lobbyist said."
    )
    assert _by_text(text)["The levy will empty the high street,"] == ("direct", "Tomas Rehn")


def _mentions(text: str) -> dict[str, tuple[str | None, str | None]]:
    return {s.text: (s.mention.text if s.mention else None, s.speaker) for s in extract_statements(text)}


def test_according_to_a_document_no_one_issued_is_that_document() -> None:
    text = (
        "Ferry contract row.\n\n"
        "According to a 14-count civil complaint, the contractor had “cut every corner it could.”\n\n"
        "According to an archived copy of the Vesterby Ferry Company website, tickets were “always refundable.”"
    )
    found = _mentions(text)
    assert found["cut every corner it could."] == ("a 14-count civil complaint", None)
    assert found["always refundable."] == ("an archived copy of the Vesterby Ferry Company website", None)


def test_according_to_a_post_from_a_person_is_that_person() -> None:
    text = (
        "Ferry contract row.\n\n"
        "The harbour board ignored every warning, according to a post from Ada Finch-Morrow.\n\n"
        "“We will keep asking until someone answers,” she wrote."
    )
    found = _mentions(text)
    assert found["The harbour board ignored every warning"][1] == "Ada Finch-Morrow"
    assert found["We will keep asking until someone answers,"] == ("she", "Ada Finch-Morrow")


def test_a_pronoun_after_according_to_a_report_is_the_person_before() -> None:
    text = (
        "Ferry inquiry ends.\n\n"
        "Mara Lindqvist chaired the inquiry into the sinking for two years.\n\n"
        "According to the report, the crew had “no training at all.” “We owed the families the truth,” she said."
    )
    found = _mentions(text)
    assert found["no training at all."] == ("the report", None)
    assert found["We owed the families the truth,"] == ("she", "Mara Lindqvist")


def test_lone_quote_after_a_narrative_paragraph_is_that_paragraphs_person() -> None:
    text = (
        "Harbour levy vote.\n\n"
        "“The levy is dead,” Tomas Rehnberg said on Monday.\n\n"
        "Vera Lindholm praised the council's patience during the long debate.\n\n"
        "“We need someone who will cut through the noise.”"
    )
    assert _by_text(text)["We need someone who will cut through the noise."] == ("direct", "Vera Lindholm")


def test_lone_quote_after_a_narrative_paragraph_about_a_body_is_not_the_last_speaker() -> None:
    text = (
        "Harbour levy vote.\n\n"
        "“The levy is dead,” Tomas Rehnberg said on Monday.\n\n"
        "The harbour board approved the levy anyway, by five votes to four.\n\n"
        "“We need someone who will cut through the noise.”"
    )
    assert _by_text(text)["We need someone who will cut through the noise."][1] != "Tomas Rehnberg"


def test_phrase_inside_a_possessive_claim_is_the_claimants_words() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Mayor Tova Berglund blamed the press for Ivar Strand's claim that the council had “lost the harbour.”\n\n"
        "The watchdog looked into Strand's promise of “free ferries for every pensioner.”"
    )
    found = _by_text(text)
    assert found["lost the harbour."] == ("partial", "Ivar Strand")
    assert found["free ferries for every pensioner."] == ("partial", "Ivar Strand")


def test_judging_someones_remarks_is_the_judges_words() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Mayor Tova Berglund called Ivar Strand's remarks “reckless and untrue.”\n\n"
        "Berglund said Strand's claim that the levy was illegal was “simply wrong.”"
    )
    found = _by_text(text)
    assert found["reckless and untrue."] == ("partial", "Tova Berglund")
    assert found["simply wrong."] == ("partial", "Tova Berglund")


def test_phrase_after_a_verb_group_is_the_subjects_not_the_objects() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Mayor Tova Berglund has been under fire since the vote.\n\n"
        "In recent weeks, Ivar Strand has gone after Berglund as a “harbour wrecker” and a “spoiled heiress.”"
    )
    found = _by_text(text)
    assert found["harbour wrecker"] == ("partial", "Ivar Strand")
    assert found["spoiled heiress."] == ("partial", "Ivar Strand")


def test_a_time_span_opening_the_sentence_is_no_speaker() -> None:
    text = (
        "Harbour levy row.\n\n"
        "“Strand is a fine sailor,” Mayor Tova Berglund said on Monday.\n\n"
        "Hours later, Ivar Strand returned the compliment, telling the Vesterby Courier, “She has been fair to me.”"
    )
    assert _by_text(text)["She has been fair to me."][1] == "Ivar Strand"


def test_participle_after_went_after_speaks_for_the_subject_not_the_object() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Speaking at a town hall in Vesterby, North Calder, Ivar Strand went after Berglund, calling her “a total failure.”\n\n"
        "Tova Berglund went after Strand on Wednesday over his unpaid levy, calling it “disqualifying.”"
    )
    found = _by_text(text)
    assert found["a total failure."] == ("partial", "Ivar Strand")
    assert found["disqualifying."] == ("partial", "Tova Berglund")


def test_retaliated_attributes_and_a_statement_put_out_is_its_issuers() -> None:
    text = (
        "Harbour levy row.\n\n"
        "“Vesterby will always be Vesterby,” an angry Tova Berglund retaliated. “It never gives up.”\n\n"
        "The harbour board put out a statement saying the levy “has the support of every skipper.”"
    )
    found = _by_text(text)
    assert found["Vesterby will always be Vesterby,"] == ("direct", "Tova Berglund")
    assert found["It never gives up."] == ("direct", "Tova Berglund")
    assert found["has the support of every skipper."][0] == "partial"
    assert _mentions(text)["has the support of every skipper."][0] == "The harbour board"


def test_a_show_told_or_a_thing_called_so_is_a_title_not_a_quote() -> None:
    text = (
        "Harbour levy row.\n\n"
        "“The levy is theft,” Ivar Strand told “Morning Round,” reminding the hosts of the vote.\n\n"
        "A local news site called “Harbour Watch” first reported the figures.\n\n"
        "Strand called the levy “Berglund's Folly.”"
    )
    found = _by_text(text)
    assert "Morning Round," not in found
    assert "Harbour Watch" not in found
    assert found["The levy is theft,"] == ("direct", "Ivar Strand")
    assert found["Berglund's Folly."] == ("partial", "Ivar Strand")


def test_someone_in_the_crowd_is_an_unnamed_speaker_and_keeps_their_shout() -> None:
    text = (
        "Harbour levy row.\n\n"
        "When someone in the audience shouted, “Resign,” Ivar Strand joked, “Not today.”\n\n"
        "Someone shouted, “Resign now.”"
    )
    found = _mentions(text)
    assert found["Resign,"] == ("someone in the audience", None)
    assert found["Not today."] == ("Ivar Strand", "Ivar Strand")
    assert found["Resign now."] == ("Someone", None)
    assert _by_text(text)["Resign,"][0] == "direct"


def test_one_unnamed_person_with_a_postmodifier_speaks() -> None:
    text = (
        "Harbour levy row.\n\n"
        "A woman in the front row shouted, “Resign today.”\n\n"
        "A skipper at the meeting said the levy was unfair to small boats."
    )
    found = _mentions(text)
    assert found["Resign today."] == ("A woman in the front row", None)
    assert found["the levy was unfair to small boats"] == ("A skipper at the meeting", None)
    assert _by_text(text)["Resign today."][0] == "direct"


def test_coordinated_said_belongs_to_the_new_clause_subject_before_it() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Before the vote, a group of skippers called for a boycott of the meeting, and the Vesterby "
        "Harbour League strongly denounced the levy and said it would “fight it in every court.”"
    )
    assert _by_text(text)["fight it in every court."] == ("partial", "Vesterby Harbour League")


def test_a_question_asked_by_someone_is_the_askers() -> None:
    text = (
        "Harbour levy row.\n\n"
        "Ivar Strand was asked by host Mira Kell, who backs the levy, “Now, you said the levy was theft. Do you still think so?”\n\n"
        "Strand answered, “I do.”"
    )
    found = _by_text(text)
    assert found["Now, you said the levy was theft. Do you still think so?"] == ("direct", "Mira Kell")
    assert found["I do."] == ("direct", "Ivar Strand")
