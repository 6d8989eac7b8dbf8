"""Speaker phrases and the people of one article, for languages read by lemma (Russian).

    phrase(text, words, lo, hi, cases, gender, nearest) -> Mention | None
    People: who the article named, with their roles and genders; a Mention resolves to one Entity

A speaker phrase is looked for in a window of words next to a cue, in the grammatical case the cue
wants (the subject of `заявил` in the nominative, `по словам` + genitive, `цитирует` + accusative):

    name     a run of capitalised name words (pymorphy3's Name/Surn/Patr, initials "Д.", words its
             dictionary does not know), in that case and agreeing with the verb's gender:
             "Дмитрий Сергеевич Песков", "Д. Песков", "Захаровой"; its canonical form is the
             nominative (Захаровой -> Захарова) so the rules' nominative aliases find it
    role     a role noun (the language's role table) with the words after it in the genitive:
             "пресс-секретарь президента", "глава МИД", "генсек НАТО"; before a name it teaches
             the name's role ("глава МИД Ирина Громова"), alone it stands for whoever holds it.
             "Пресс-секретарь Владимира Путина": the name is the role's complement, in the genitive,
             never the speaker
    pronoun  он / она (nominative), его / её (after "по ... словам")
    org      an organisation word (Кремль, МИД) in that case

Resolution (People): a name to the person with that surname (the fullest form seen), a pronoun to
the latest person of its gender, a role to the latest person named with that role (synonyms and
generic roles from the language's tables), never to a person named inside the role phrase itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from watchers.statements.lang.types import Word
from watchers.statements.lemmanames import (
    GENITIVE,
    a_mans_genitive,
    agrees,
    fits,
    foreign_nominative,
    fuller,
    given_before,
    name_word,
    oblique_given,
    surname_key,
    unknown_given,
)
from watchers.statements.lemmaprep import (
    SUBJECT_CASES,
    addressee,
    field_end,
    generic_org,
    in_pp,
    ministry,
    po_phrase_end,
    quoted_title,
)
from watchers.statements.lemmaprep import gap as _gap
from watchers.statements.lemmaprep import word_after as _after
from watchers.statements.lemmaroles import by_role
from watchers.statements.mentions import Mention
from watchers.statements.registry import Entity

MAX_ROLE_WORDS = 5
MAX_APPOSITION_GAP = (
    6  # words between a role and its name ("губернатор граничащей с Украиной Брянской области")
)


def phrase(
    g: ModuleType,
    text: str,
    words: Sequence[Word],
    lo: int,
    hi: int,
    want: frozenset[str],
    hint: str,
    nearest_last: bool,
) -> Mention | None:
    """The speaker phrase in words[lo:hi] (see the module docstring); the candidate nearest the cue
    (the last one when the window is before it)."""
    cands: list[Mention] = []
    i = lo
    while i < hi:
        w = words[i]
        low: str = w.low
        if low in g.PRONOUNS:
            gender, case = g.PRONOUNS[low]
            case = "accs" if case == "gent" and "accs" in want else case  # "цитирует её": его/её/их, both
            if case in want and (hint in ("", "pl") or gender == hint or gender == "pl"):
                cands.append(Mention("pronoun", w.start, w.end, w.text, gender=gender))
            i += 1
            continue
        role_end = _role(g, text, words, i, hi)
        if role_end > i:
            head_r = [r for r in g.parses(words[role_end - 1].text) if r.lemma in g.ROLE_NOUNS]
            comp, j = _complement(g, text, words, role_end, hi)
            name_m = _name_run(g, text, words, j, hi, want, hint)
            if name_m is None and want == SUBJECT_CASES:
                owner = _name_run(g, text, words, j, hi, GENITIVE, "")
                if owner is not None and owner.name:  # "помощник Осипова": Осипов's aide, not Осипов
                    comp = [*comp, *(g.lemma(x) for x in owner.name.split())]
                    j = _after(words, owner.end, hi)
            role_words = [g.lemma(x.text) for x in words[i:role_end]]
            key = " ".join([*role_words, *comp])
            if name_m is not None and (j == role_end or comp):
                name_m.roles.append((key, frozenset(comp)))
                name_m.np_start = w.start
                cands.append(name_m)
                i = _after(words, name_m.end, hi)
                continue
            cases: set[str] = set()
            for r in head_r:
                cases |= r.cases
            if not head_r or cases & want:
                end = words[j - 1].end
                head = role_words[-1]
                cands.append(
                    Mention(
                        "role", w.start, end, text[w.start : end], head=head, roles=[(key, frozenset(comp))]
                    )
                )
            i = j
            continue
        if i > lo and w.cap and g.lemma(words[i - 1].text) in g.TITLE_NOUNS:
            i += 1  # "заявил изданию Вестник": the title an outlet noun gives, not a speaker
            continue
        name_m = _name_run(g, text, words, i, hi, want, hint)
        if name_m is not None:
            if i == 0 or words[i - 1].low not in g.PREPOSITIONS or want - SUBJECT_CASES:
                cands.append(name_m)  # after a preposition a name is no subject ("в Заречинске")
            i = _after(words, name_m.end, hi)
            continue
        if not w.cap and generic_org(g, low) and not in_pp(g, words, i, want):
            org, i = ministry(g, text, words, i, hi)  # "в министерстве природных ресурсов …": that one
            cands.append(org)
            continue
        if (w.cap and len(w.text) > 1) or low in g.ORG_WORDS:
            orgs = [r for r in g.parses(w.text) if r.org and r.pos == "NOUN"]
            if (
                orgs
                and (not orgs[0].cases or any(r.cases & want for r in orgs))
                and not in_pp(g, words, i, want)
            ):
                nxt = field_end(g, text, words, i, hi)  # "Министерство энергетики РФ": not cut short
                end = words[nxt - 1].end
                if (
                    nxt < hi
                    and words[nxt].cap
                    and not _gap(text, words, nxt).strip()
                    and not any(r.name == "Name" for r in g.parses(words[nxt].text))
                ):
                    end = words[nxt].end  # "МИД России"
                    nxt += 1
                first = g.nominative(w.text, "") if not w.text.isupper() else w.text
                cands.append(
                    Mention("org", w.start, end, text[w.start : end], name=first + text[w.end : end])
                )
                i = nxt
                continue
        i += 1
    if not cands:
        return None
    # an outlet is the speaker only when no one else is named: "… во время интервью ТАСС министр X"
    outlets: frozenset[str] = getattr(g, "OUTLETS", frozenset())
    said = [
        m for m in cands if m.kind != "org" or m.text.casefold().replace("ё", "е") not in outlets
    ] or cands
    org_then_name = len(said) > 1 and said[0].kind == "org" and said[1].kind == "name"
    if not nearest_last and org_then_name and not text[said[0].end : said[1].start].strip():
        return said[1]  # "замглавы Минэнерго Павел Сорокин": the organisation is his role's
    if not nearest_last and len(said) > 1 and addressee(g, text, said[0], said[1]):
        return said[1]  # "цитирует Заречьеинформ депутата Ивана Петрова": the unknown word is the outlet
    return said[-1] if nearest_last else said[0]


def _role(g: ModuleType, text: str, words: Sequence[Word], i: int, hi: int) -> int:
    """The end of a role phrase starting at word i (adjectives then a role noun), or i."""
    j = i
    while j < hi and j - i < 3:
        rs = g.parses(words[j].text)
        if j > i and _gap(text, words, j).strip():
            break
        if any(r.lemma in g.ROLE_NOUNS and r.pos == "NOUN" for r in rs):
            return j + 1
        if not rs or rs[0].pos not in ("ADJF", "PRTF"):
            break
        j += 1
    return i


def _complement(g: ModuleType, text: str, words: Sequence[Word], j: int, hi: int) -> tuple[list[str], int]:
    """The genitive words after a role noun: "президента", "МИД России", "иностранных дел"."""
    comp: list[str] = []
    in_name = False
    head_cases: frozenset[str] = frozenset()
    for r in g.parses(words[j - 1].text):
        if r.lemma in g.ROLE_NOUNS:
            head_cases |= r.cases
    titled = quoted_title(text, words, j, hi, MAX_ROLE_WORDS)  # "тренер «Зари»", "комментатор «Матч ТВ»"
    if titled is not None:
        return titled
    while j < hi and len(comp) < MAX_ROLE_WORDS and _gap(text, words, j).strip() in ("", "(", ")"):
        w = words[j]
        if w.low == "по" and comp and (k := po_phrase_end(text, words, j, hi, _named_at(g, text, words, hi))) > j:
            comp.extend(g.lemma(x.text) for x in words[j:k])  # "центра по гриппу Наталья Грибкова"
            j = k
            continue
        if w.low in g.PREPOSITIONS or w.low in ("и", "а", "но", "или"):
            break  # "глава Минздрава в интервью", "пояснил министр и ушёл": no genitive of the role
        rs = g.parses(w.text)
        if w.low in g.OUTLETS or f"{w.low} {words[j + 1].low if j + 1 < hi else ''}" in g.OUTLETS:
            break  # "цитирует топ-менеджера РИА Новости": the outlet that quotes, not the role's
        if w.text.isupper() and len(w.text) > 1:
            comp.append(w.low)  # an abbreviation, also in brackets: "лиги (КХЛ)"
            j += 1
            continue
        if not any("gent" in r.cases or (not r.cases and r.org) for r in rs) and not (in_name and w.cap):
            break
        if w.cap and not in_name and unknown_given(g, text, words, j, hi, rs):
            break  # "мэр Казани Ильсур Метшин": a given name the dictionary does not know opens the name
        named = [r for r in rs if r.name]
        if named and not in_name and (comp or _name_run(g, text, words, j, hi, head_cases or ANY_CASE, "")):
            break  # an apposition: "президента Дмитрий Песков", "министра Олега Тарасова"
        in_name = bool(named) or (in_name and w.cap)  # "Владимира Путина": a name's words share its case
        comp.append(rs[0].lemma if not named else named[0].lemma)
        j += 1
    return comp, j


def _named_at(g: ModuleType, text: str, words: Sequence[Word], hi: int) -> Callable[[int], bool]:
    return lambda k: _name_run(g, text, words, k, hi, ANY_CASE, "") is not None


def _name_run(
    g: ModuleType, text: str, words: Sequence[Word], i: int, hi: int, want: frozenset[str], hint: str
) -> Mention | None:
    """A run of name words from word i in a case of `want`, agreeing with `hint`; else None."""
    run: list[tuple[Word, frozenset[str], str]] = []
    j = i
    forenames = True
    while j < hi and len(run) < 4:
        if run and _gap(text, words, j).strip():
            break
        after_given = bool(run) and any(r.name == "Name" for r in g.parses(run[-1][0].text))
        found = name_word(g, words[j], j > 0 or bool(run), after_given, forenames and bool(run))
        if found is None:
            break
        # only given names, patronymics and initials so far (likeliest readings): "Владимир Сальдо"
        first = g.parses(words[j].text)[:1]
        if not forenames and first and first[0].name == "Name" and g.parses(run[0][0].text)[0].name == "Name":
            break  # "Михаил Мишустин Николай Шульгинов" (a page's tag line): two people, not one
        forenames = forenames and bool(first) and first[0].name in ("Name", "Patr", "Init")
        run.append((words[j], found[0], found[1]))
        j += 1
    given = [k for k, (w, _, _) in enumerate(run) if any(r.name == "Name" for r in g.parses(w.text))]
    if given and given[0] > 0 and not any(r.name for w, _, _ in run[: given[0]] for r in g.parses(w.text)):
        run = run[given[0] :]  # "замглавы Минэнерго Павел Сорокин": the name starts at the given name
    if len(run) >= 3:  # "сообщил Приморьеньюс Иван Петров": an outlet only guessed a name, before one
        known = [
            k
            for k, (w, _, _) in enumerate(run)
            if any(r.name == "Name" and r.known for r in g.parses(w.text))
        ]
        lead = run[: known[0]] if known else []
        if (
            lead
            and len(run) - known[0] >= 2
            and not any(r.name and r.known for w, _, _ in lead for r in g.parses(w.text))
        ):
            run = run[known[0] :]
    if not run:
        return None
    if all(len(w.text) == 2 for w, _, _ in run):
        return None  # initials alone
    while True:
        foreign = len(run) > 1 and foreign_nominative(g, run[-1][0].text)
        if foreign:  # "Мика Хальвонен": the given name is in the case of the surname, the nominative
            run = [(w, frozenset(), gd) for w, _, gd in run]
        gender = next((gd for _, _, gd in run if gd), hint if hint in ("m", "f") else "")
        ok = all(fits(cases, gd if gd else gender, want, hint) for _, cases, gd in run)
        if ok and not (hint in ("m", "f") and not foreign and not agrees(g, run, want, hint)):
            break
        if len(run) <= 2:
            return None
        run = run[:-1]  # "сказал Олег Тарасов Вестнику": the addressee after a full name is not in it
    first, last = run[0][0], run[-1][0]
    # "Антона Силуанова": a given name that cannot be nominative puts the surname beside it in its case
    oblique = "nomn" not in want or any(cases and "nomn" not in cases for _, cases, _ in run)
    # "слова министра Дмитрия Патрушева" read in any case: a given name likeliest oblique (Дмитрия's
    # nominative reading is a rare woman's name) puts the run in that case
    oblique = oblique or (len(want) > 1 and oblique_given(g, first.text))
    if foreign and "nomn" in want:
        name = " ".join(w.text for w, _, _ in run)  # "Мика Фермойлен": foreign, as written
    else:
        name = " ".join(g.nominative(w.text, gender, oblique) for w, _, _ in run)
    start, end = first.start, last.end
    return Mention("name", start, end, text[start:end], name=name, gender=gender)


_PATRONYMIC_ENDINGS = ("вич", "вна", "чна", "ична")


@dataclass
class People:
    """The people and organisations of one article, in reading order."""

    g: ModuleType
    entities: list[Entity] = field(default_factory=list)
    by_surname: dict[str, Entity] = field(default_factory=dict)
    seen: dict[int, list[int]] = field(default_factory=dict)  # id(entity) -> where it was salient
    text: str = ""  # the article: "сообщение ведомства" looks back in it for the organisation named
    # role nouns that stood for someone the article never named ("представитель администрации"):
    # alone later ("— рассказал представитель") they stand for that someone again, not the last speaker
    anonymous_heads: set[str] = field(default_factory=set)
    headline: list[Entity] = field(default_factory=list)  # the people the headline named

    def resolve(self, m: Mention | None, pos: int) -> Entity | None:
        if m is None:
            return None
        if m.kind == "name" and m.name:
            return self.person(m, pos)
        if m.kind == "org" and m.name:
            return self._org(m.name, pos)
        if m.kind == "pronoun":  # the latest person of its gender named before it
            best, at = None, -1
            for e in self.entities:  # never a person named only in an oblique case ("для Тихановского")
                if e.kind == "person" and e.last >= 0 and (m.gender == "pl" or e.gender in (m.gender, "")):
                    before = max((p for p in self.seen.get(id(e), ()) if p < m.start), default=-1)
                    if before > at:
                        best, at = e, before
            return best
        if m.kind == "role" and m.roles:
            return self._by_role(m.roles[0][0], m.roles[0][1], m.head or "")
        return None

    def person(self, m: Mention, pos: int, salient: bool = True) -> Entity:
        assert m.name is not None
        parts = [p for p in m.name.split() if not (len(p) == 2 and p.endswith("."))]
        key = surname_key(self.g, (parts or m.name.split())[-1])
        ent = self.by_surname.get(key)
        if ent is None and len(parts) == 2 and parts[1].casefold().endswith(_PATRONYMIC_ENDINGS):
            first = parts[0].casefold()  # "Владимир Александрович": the Владимир named before
            ent = self._latest(lambda e: e.kind == "person" and e.name.split()[0].casefold() == first)
        if ent is None and len(parts) == 1:  # a first name alone: the person with it
            ent = self._latest(lambda e: e.kind == "person" and e.name.split()[0].casefold() == key)
        if ent is None:
            # "министра Ильи Емца … Емец заявил": the given name the text wrote before the oblique surname
            given = given_before(self.g, self.text, m.start, m.name) if len(parts) == 1 else None
            full = f"{given} {m.name}" if given else m.name
            ent = Entity("person", full, m.gender)  # last = -1 until named as a subject or a speaker
            self.entities.append(ent)
            self.by_surname[key] = ent
        elif fuller(m.name, ent.name) or (m.gender and not ent.gender and not fuller(ent.name, m.name)):
            ent.name = m.name  # the fullest form; of two as full, the one whose gender the text showed
        if m.gender and not ent.gender:
            ent.gender = m.gender
        if not (m.roles and ent.gender == "m" and m.gender != "m" and a_mans_genitive(self.g, m.text)):
            for role, mods in m.roles:  # not "помощник Осипова" for Осипов: his aide's role
                ent.roles.append((role, mods, pos))
        ent.names.add(m.name)
        ent.names.add(m.text)
        if salient:  # a name in an oblique case ("доложил Путину") does not make its person the latest
            ent.last = max(ent.last, pos)
            self.seen.setdefault(id(ent), []).append(pos)
        return ent

    def sole_person(self) -> Entity | None:
        """The one person the article has named so far, if there is exactly one."""
        persons = [e for e in self.entities if e.kind == "person"]
        return persons[0] if len(persons) == 1 else None

    def _named_org_before(self, pos: int) -> Entity | None:
        """The organisation the text names last before `pos` though no one quoted it yet ("В декабре
        Минфин потратил …, говорится в сообщении на сайте ведомства"), as an entity; None if none."""
        g = self.g
        for w in reversed(g.words(self.text, 0, min(pos, len(self.text)))):
            if not w.cap or len(w.text) < 2 or w.low in g.GENERIC_ORGS or w.low in g.OUTLETS:
                continue
            if any(r.org and r.pos == "NOUN" and r.lemma not in g.GENERIC_ORGS for r in g.parses(w.text)):
                return self._org(g.nominative(w.text, "") if not w.text.isupper() else w.text, pos)
        return None

    def _org(self, name: str, pos: int) -> Entity:
        person = self.by_surname.get(surname_key(self.g, name)) if " " not in name else None
        if person is not None and person.kind == "person":  # "Александр Новак" … "Новак" (read as an org)
            return person
        if name.casefold() in self.g.GENERIC_ORGS:  # "сообщение ведомства": the one named last
            named = self._latest(lambda e: e.kind == "org" and e.name.casefold() not in self.g.GENERIC_ORGS)
            named = named or self._named_org_before(pos)
            if named is not None:
                named.last = pos
                return named
        for e in self.entities:
            if e.kind == "org" and e.name.casefold() == name.casefold():
                e.last = pos
                return e
        ent = Entity("org", name, "org", names={name}, last=pos)
        self.entities.append(ent)
        return ent

    def touch(self, ent: Entity | None, pos: int, gender: str = "") -> None:
        if ent is not None:
            ent.last = max(ent.last, pos)
            self.seen.setdefault(id(ent), []).append(pos)
            if gender in ("m", "f") and not ent.gender and ent.kind == "person":
                ent.gender = gender

    def _latest(self, ok: Callable[[Entity], bool]) -> Entity | None:
        best = None
        for e in self.entities:
            if ok(e) and (best is None or e.last > best.last):
                best = e
        return best

    def may_hold(self, e: Entity, m: Mention) -> bool:
        """Whether person e may be the one a role phrase stands for: named with no role, or with
        one the phrase matches ("министр финансов" for "глава Минфина"); the representative of the
        regional administration is not the company's director named after him. A bare role noun
        ("министр", "эксперт") may stand for anyone named with a role."""
        if not m.roles or not e.roles or not m.roles[0][1]:
            return True
        if self._by_role(m.roles[0][0], m.roles[0][1], m.head or "", only=e) is e:
            return True
        self.anonymous_heads.add(m.head or "")  # the role stood for someone never named
        return False

    def _by_role(
        self, key: str, comp: frozenset[str], head: str, only: Entity | None = None
    ) -> Entity | None:
        return by_role(self.g, self.entities if only is None else [only], key, comp, head)


ANY_CASE = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2"})
