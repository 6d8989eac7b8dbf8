"""Statement extraction for languages read by lemma (Russian): the passes in order, over one article.

    text
      ─► segment.body_paragraphs(grammar)   paragraphs; the language's noise lines and the headline set aside
      ─► quotepairs.find_pairs              quote spans from the language's quote-mark pairs
      ─► grammar.sentences                  razdel's sentences, joined where a quote or a "— сказал" runs on
      ─► lemmaquotes.find                   per sentence: statements and their speaker phrases (Found),
                                            with lemmacues (cues) and lemmareported (reported speech)
      ─► lemmaspeakers.People               speaker phrases → one Entity per person, in reading order
      ─► resolve.Attributed                 the same records the English passes produce, so the shared
                                            records pass (records.py) builds the Statements and finds
                                            the tracked speaker through the matcher

Context, after each paragraph: a lone quote takes the speaker of the paragraph's nearest attributed
statement, else (opening the paragraph) the previous paragraph's last speaker, else it is dropped;
"Об этом заявил X" makes the previous sentence X's; a paragraph ending in a colon ("В его обращении
говорится:") introduces the quote below it; a role noun no one was named with yet ("Министр финансов
отметил, что …") takes the next person named as a speaker; a paragraph opening with a dash is
direct speech (`_dialogue`). A headline "Имя: слова" is X's indirect statement.
"""

from __future__ import annotations

import re
from types import ModuleType

from watchers.statements.boilerplate import is_headline, is_noise
from watchers.statements.budget import Budget
from watchers.statements.lang.types import Word
from watchers.statements.lemmacues import GENT, NOMN, Found, cues, subject
from watchers.statements.lemmadialogue import DIALOGUE_RE as _DIALOGUE_RE
from watchers.statements.lemmadialogue import TRAILER_RE as _TRAILER_RE
from watchers.statements.lemmadialogue import dialogue as _dialogue
from watchers.statements.lemmadialogue import trim_end as _trim
from watchers.statements.lemmadialogue import turn as _turn
from watchers.statements.lemmaheadline import headline_para, headline_statement, learn_above, learn_headline
from watchers.statements.lemmanamed import names_in
from watchers.statements.lemmaquotes import find
from watchers.statements.lemmaroles import headline_holder, someone_elses
from watchers.statements.lemmaspans import QuotesIn, sentences
from watchers.statements.lemmaspeakers import People, phrase
from watchers.statements.lemmasubject import unnamed_subject
from watchers.statements.mentions import Mention
from watchers.statements.quotemarks import Quote
from watchers.statements.quotepairs import find_pairs
from watchers.statements.registry import Entity
from watchers.statements.resolve import Attributed, Resolved
from watchers.statements.sentences import paragraphs


def extract(text: str, g: ModuleType, budget: Budget) -> Resolved:
    """Every attributed statement of the article, in reading order."""
    paras = budget.clip(_body_paragraphs(text, g))
    quotes = find_pairs(text, paras, g.QUOTE_PAIRS, g.STRAIGHT_DOUBLE)
    paras = _joined(paras, quotes)
    quotes = sorted([*quotes, *_dialogue(g, text, paras, quotes)], key=lambda q: q.open)
    paras = _joined(paras, quotes)
    people = People(g, text=text)
    head = headline_para(text)
    learn_headline(g, text, head, people)
    learn_above(g, text, paras[0][0] if paras else 0, people)
    out: list[Attributed] = []
    last: Entity | None = None
    prev: tuple[int, int] | None = None
    prev_taken = False
    roles: list[tuple[Attributed, str]] = []  # said by a role noun no one held yet: the next name's
    lone: list[Attributed] = []  # a paragraph of quote with no speaker yet: the next paragraph's
    qi = qj = 0
    ntoks = 0
    turn = ""  # the interview's turn of the paragraph: "question", "answer", "remark" or ""
    background: set[int] = set()  # id() of the records said in a background sentence
    unnamed: tuple[str, Mention] | None = None  # the unnamed person the last sentences were about
    anon: list[tuple[Attributed, Mention]] = []  # their words, until someone is named with their role
    colon: tuple[Entity | None, str] | None = None  # a paragraph "X сказал:" before: the speaker, the cue
    for lo, hi in paras:
        if out and budget.exhausted(lo, ntoks):
            break
        while qi < len(quotes) and quotes[qi].open < lo:
            qi += 1
        qj = max(qj, qi)
        while qj < len(quotes) and quotes[qj].open < hi:
            qj += 1
        inside = quotes[qi:qj]  # they are in order of their opening mark
        block: list[Attributed] = []
        aside = False
        index = QuotesIn(inside)
        for slo, shi in sentences(g, text, lo, hi, inside):
            qs = index.between(slo, shi)
            ws = _outside(g, text, slo, shi, qs)
            ntoks += len(ws)
            opens = _unnamed(g, text, ws, people, last)
            named = False  # a person named as a subject: the sentences are about them now
            for m, as_subject in names_in(g, text, ws):
                people.person(m, m.start, as_subject)
                named = named or as_subject
            unnamed = opens if opens is not None else None if named else unnamed
            anon = _named_later(people, anon)
            taken = False
            main: Entity | None = None
            # "Ранее X заявил, что …": background, up to the paragraph's end
            aside = aside or text[slo:shi].casefold().startswith(g.BACKGROUND_OPENERS)
            for f in sorted(find(g, text, slo, shi, ws, qs), key=lambda f: f.follows):
                # "Помощник главы края объяснил … По его словам, …": the aide's, whom we do not know
                ent = None if _theirs(f.mention, unnamed) else people.resolve(f.mention, f.pos)
                if ent is not None and f.mention is not None and f.mention.kind != "pronoun":
                    unnamed = None
                unheld = ent is None and f.mention is not None and f.mention.kind == "role"
                if unheld and f.mention is not None:
                    # "…», — подчеркнул градоначальник" after Дёмин's words, or the one person named so far
                    ent = _same_speaker(last or people.sole_person(), f.hint)
                    # "— рассказал представитель" after an unnamed representative's words: still his
                    anonymous = (f.mention.head or "") in people.anonymous_heads
                    if ent is not None and (anonymous or someone_elses(g, text, ent, f.mention)):
                        ent, unheld = None, False  # nor the next person named: it is no one's we know
                    # "Орлов пообещал …" above "…, — сказал президент": the headline's person holds it
                    ent = ent or headline_holder(g, people.headline, f.mention, f.hint)
                    unheld = unheld and ent is None
                if f.follows:
                    ent = main or last
                if f.previous:
                    if prev is None or prev_taken:
                        continue
                    f.start, f.end = prev
                if ent is not None:
                    people.touch(ent, f.pos, f.hint)
                    main = main or ent
                    last = last if aside else ent
                    if f.mention is not None and f.mention.kind == "name":
                        _settle(roles, ent, people)
                a = _attributed(f, ent)
                if unnamed is not None and _theirs(f.mention, unnamed):
                    anon.append((a, unnamed[1]))
                if aside:
                    background.add(id(a))
                if unheld and ent is None:
                    roles.append((a, f.hint))
                block.append(a)
                taken = taken or not f.previous
            prev, prev_taken = (slo, _trim(text, slo, shi)), taken
        turn = _turn(text, lo, hi, turn)
        if turn in ("remark", "question"):  # the interviewer's: no one's statement
            block = [a for a in block if not (a.lone and a.entity is None)]
        first = next((a.entity for a in block if a.entity is not None and not a.lone), None)
        if lone and first is None and _TRAILER_RE.match(text, lo):  # "- …,\n\n- сказал Осипов."
            first = _introducer(g, text, people, lo, hi)
        for a in lone:  # "— …" then "…, — заявил Морозов": the dialogue's speaker
            a.entity, a.resolved = first, first is not None
        out.extend(a for a in lone if a.entity is not None)
        last = _context(block, last, background)
        if colon is not None and not block and not inside and colon[0] is not None:
            # "министр сказал:" over a paragraph of speech with no quote marks: his words, reported
            out.append(
                Attributed(lo, _trim(text, lo, hi), "indirect", None, colon[1], lo, False, colon[0], True)
            )
            last = colon[0]
        colon = None
        if not block and text[hi - 1] == ":":  # "В его обращении говорится:" over the quote below it
            ent = _introducer(g, text, people, lo, hi)
            outlet = ent is not None and ent.name.casefold() in g.OUTLETS  # "Об этом сообщает ТАСС:"
            last = (None if outlet else ent) or last
            said = cues(g, g.words(text, lo, hi))
            colon = (last, said[-1].word) if said else None
        elif text[hi - 1] == ":" and lo <= slo and all(a.end <= slo for a in block):
            # "…, заявил X. Министр сказал:": the last sentence, which reported nothing, introduces
            said = cues(g, g.words(text, slo, hi))
            ent = _teller(g, text, people, slo, hi)
            colon = (ent, said[-1].word) if said and ent is not None else None
            last = ent or last
        elif not block:  # "X сообщил пресс-службе о …" over the speech below it
            last = _teller(g, text, people, lo, hi) or _interviewee(g, text, people, lo, hi) or last
        lone = [a for a in block if a.lone and a.entity is None]
        out.extend(a for a in block if a.entity is not None or not a.lone)
    headline = headline_statement(g, text, head, people)
    if headline is not None:
        out.insert(0, headline)
    return Resolved(sorted(out, key=lambda a: (a.start, a.end)))


def _unnamed(
    g: ModuleType, text: str, ws: list[Word], people: People, last: Entity | None
) -> tuple[str, Mention] | None:
    """The unnamed person the sentence opens with (lemmasubject): their gender and role phrase; None
    when the role stands for the person just quoted ("Глава ведомства подчеркнул, что …" after
    Силуанов's words)."""
    found = unnamed_subject(g, text, ws, people) if ws else None
    if found is None:
        return None
    m, gender = found
    ent = _same_speaker(last or people.sole_person(), gender)
    return (gender, m) if ent is None or someone_elses(g, text, ent, m) else None


def _named_later(people: People, anon: list[tuple[Attributed, Mention]]) -> list[tuple[Attributed, Mention]]:
    """ "Губернатор области ответил на вопросы. Об этом он сообщил …" before "глава региона X": the
    unnamed person's words are X's once X is named with their role; the rest wait."""
    waiting = []
    for a, role in anon:
        ent = people.resolve(role, a.pos)
        if ent is not None and ent.kind == "person":
            a.entity, a.resolved = ent, True
        else:
            waiting.append((a, role))
    return waiting


def _theirs(m: Mention | None, unnamed: tuple[str, Mention] | None) -> bool:
    """Whether a pronoun stands for the unnamed person the sentences are about (lemmasubject)."""
    if m is None or m.kind != "pronoun" or unnamed is None:
        return False
    return m.gender == unnamed[0] or "" in (m.gender, unnamed[0])


_TWO_SENTENCES_RE = re.compile(r"[а-яё]{2}[.!?…]\s+[А-ЯЁ][а-яё]")


_MENU_WORDS = 4  # at most this many words: a menu line, not the headline


def _body_paragraphs(text: str, g: ModuleType) -> list[tuple[int, int]]:
    """segment.body_paragraphs, but a noise line read as hard-wrapped into the lead ("Поделиться
    новостью в WhatsApp" over "Президент ФИФА X заявил, …") is its own line, and dropped."""
    kept: list[tuple[int, int]] = []
    headed = False  # a headline line was dropped: the next lines are no headline ending in a quote
    dropped: set[str] = set()
    for a, b in paragraphs(text):
        lines = [(a, b)]
        if "\n" in text[a:b]:
            cut = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text[a:b])]
            split = [(a + x, a + y) for x, y in cut]
            if any(is_noise(text[x:y], g) for x, y in split):
                lines = split
        for x, y in lines:
            line = text[x:y]
            if is_noise(line, g) or line.strip() in dropped:  # the headline again, as pages repeat it
                continue
            if not (
                is_headline(line, not kept and not headed)
                and not ((kept or line.rstrip().endswith(":")) and _TWO_SENTENCES_RE.search(line))
            ):
                # below the headline two sentences are prose, even with no final stop; a lead too
                # when it ends in a colon ("…, заявил X. Министр сказал:" over his words)
                kept.append((x, y))
            else:
                dropped.add(line.strip())
            headed = headed or len(line.split()) > _MENU_WORDS  # a menu line ("Спецпроекты") heads nothing
    return kept


def _joined(paras: list[tuple[int, int]], quotes: list[Quote]) -> list[tuple[int, int]]:
    """The paragraphs with those a quote runs over read as one: its attribution is in the last."""
    out: list[tuple[int, int]] = []
    runs = iter([q for q in quotes if q.paragraphs > 1])
    q = next(runs, None)
    for lo, hi in paras:
        while q is not None and q.close <= lo:
            q = next(runs, None)
        if out and q is not None and q.open < out[-1][1] and lo < q.close:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _introducer(g: ModuleType, text: str, people: People, lo: int, hi: int) -> Entity | None:
    """Who a paragraph ending in a colon introduces: its last name, role or pronoun (also "его")."""
    ws = g.words(text, lo, hi)
    return people.resolve(phrase(g, text, ws, 0, len(ws), NOMN | GENT, "", True), lo)


def _teller(g: ModuleType, text: str, people: People, lo: int, hi: int) -> Entity | None:
    """The subject of a paragraph's cue that reported nothing in it ("Президент КХЛ X сообщил о …"):
    the speech below it is theirs."""
    ws = g.words(text, lo, hi)
    cs = cues(g, ws)
    if not cs:
        return None
    m, _ = subject(g, text, ws, cs, cs[0], [])
    ent = people.resolve(m, lo)  # "В Минэнерго сообщили о …" makes the ministry the latest named
    return ent if ent is not None and ent.kind == "person" else None


_DASH_NEXT_RE = re.compile(r"\s*[—–―−-] (?=\S)")


def _interviewee(g: ModuleType, text: str, people: People, lo: int, hi: int) -> Entity | None:
    """The one person a paragraph with no cue names as its subject, when dash speech follows it
    ("Первым к журналистам вышел X, начавший общение с …" over "— Мы увидели яркий матч."): the
    unattributed answers below are theirs."""
    if _DIALOGUE_RE.match(text, lo) or not _DASH_NEXT_RE.match(text, hi):
        return None  # (a question in the interview names people too: "Почему не играл Петров?")
    subjects = [m for m, as_subject in names_in(g, text, g.words(text, lo, hi)) if as_subject]
    if len(subjects) != 1:
        return None
    ent = people.resolve(subjects[0], subjects[0].start)
    return ent if ent is not None and ent.kind == "person" else None


def _settle(roles: list[tuple[Attributed, str]], ent: Entity, people: People) -> None:
    """ "Министр финансов отметил, что …" before "…, отметил Силуанов": the role was his, unless he
    was named with another ("Представитель администрации сказал …" before "гендиректор X сообщил")."""
    if ent.kind != "person":
        return
    for a, hint in roles:
        if a.mention is not None and not people.may_hold(ent, a.mention):
            continue
        if a.entity is None and (hint not in ("m", "f") or ent.gender in ("", hint)):
            a.entity, a.resolved = ent, True
            if a.mention is not None and a.mention.roles:
                role, mods = a.mention.roles[0]
                ent.roles.append((role, mods, a.pos))
    roles.clear()


def _same_speaker(last: Entity | None, hint: str) -> Entity | None:
    """The last speaker for a role noun that names no one the article introduced with that role: a
    person of the gender the verb shows (a role noun in Russian copy stands for the person just quoted)."""
    if last is None or last.kind != "person":
        return None
    return last if hint not in ("m", "f") or last.gender in ("", hint) else None


def _outside(g: ModuleType, text: str, lo: int, hi: int, qs: list[Quote]) -> list[Word]:
    """The words of text[lo:hi] outside its quotes (a quote's words are never cue or speaker)."""
    out: list[Word] = []
    for q in qs:
        out.extend(g.words(text, lo, q.open))
        lo = max(lo, q.close)
    out.extend(g.words(text, lo, hi))
    return out


def _attributed(f: Found, ent: Entity | None) -> Attributed:
    return Attributed(f.start, f.end, f.kind, f.mention, f.cue, f.pos, f.lone, ent, ent is not None)


def _context(block: list[Attributed], last: Entity | None, background: set[int]) -> Entity | None:
    """Lone quotes of a paragraph get the nearest attributed speaker in it (the one before first),
    or, opening the paragraph, the speaker carried over; returns the paragraph's last speaker. One
    walk each way: a paragraph of thousands of quotes costs what it holds."""
    following: list[Entity | None] = [None] * (len(block) + 1)  # the first attributed one's from k on
    for k in range(len(block) - 1, -1, -1):
        a = block[k]
        following[k] = a.entity if a.entity is not None and not a.lone else following[k + 1]
    before: Entity | None = None
    for k, a in enumerate(block):
        if a.lone and a.entity is None:
            a.entity = before if before is not None else following[k + 1]
            if a.entity is None and k == 0:
                a.entity = last
            a.resolved = a.entity is not None
        before = a.entity if a.entity is not None else before
    for a in reversed(block):
        if a.entity is not None and id(a) not in background:
            return a.entity
    return last
