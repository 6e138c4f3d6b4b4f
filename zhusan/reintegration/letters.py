"""Letters that introduce a child to a school (and, through the same check,
a person to an employer) without ever stating or hinting at their background.

Teachers keep a child's past private, and a letter is how the past would leak:
so the letter says only who the child is, when and in which grade they start,
and whom the school may call. ``FORBIDDEN_WORDS`` lists what a letter must
never contain, in English, Russian, Kazakh and Arabic; the generator runs
``letter_is_clean`` on its own text and refuses to produce a letter that
fails it (``LetterRefusedError``). Other letters (the support app's letter to
an employer) run the same check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from fpdf import FPDF

from zhusan.core import fonts
from zhusan.registry.models import NameKind, Person, Script

from .models import EducationLevel, Enrolment, SchoolLanguage

# Each entry is matched case-insensitively at the start of a word; an entry
# ending in "*" also matches any ending (Russian and Kazakh decline nouns:
# "лагерь", "лагере", "лагерях"). Place names of the camps and the
# programme's operation names are here too: naming them tells the story.
FORBIDDEN_WORDS: tuple[str, ...] = (
    # English
    "camp", "camps", "encampment*", "syria*", "iraq*", "isis", "isil", "daesh", "islamic state", "returnee*", "returned from*",
    "repatriat*", "terror*", "rehabilitat*", "deradicali*", "radicali*", "extremis*", "jihad*", "caliphate",
    "al-hol", "al hol", "roj camp", "rusafa", "zhusan", "detention", "prison*", "foreign fighter*",
    # Russian
    "лагер*", "лагерь", "сирия", "сирии", "сирию", "сирией", "сирийск*", "ирак", "ирака", "ираке", "ираку",
    "ираком", "иракск*", "игил", "даиш", "исламское государство", "исламского государства", "возвращенц*",
    "возвращённ*", "репатриац*", "репатриирова*", "террор*", "реабилитац*", "дерадикализ*", "радикал*",
    "экстремис*", "джихад*", "халифат*", "аль-хол*", "жусан*", "русафа", "тюрьм*", "заключени*",
    # Kazakh
    "лагерь*", "сирия*", "ирак*", "дағыш*", "дәиш*", "қайтарылған*", "қайтарылу*", "оралған*", "репатриация*",
    "терроризм*", "террорист*", "оңалту*", "реабилитация*", "радикалд*", "экстремизм*", "жұсан*", "түрме*",
    # Arabic
    "مخيم*", "المخيم*", "سوريا", "سورية", "العراق", "داعش", "الدولة الإسلامية", "إرهاب*", "الإرهاب*",
    "ارهاب*", "الهول", "روج", "تأهيل*", "إعادة التأهيل", "العائدين", "عائد*",
)  # fmt: skip


def _pattern(entry: str) -> str:
    stem = entry.rstrip("*")
    tail = r"\w*" if entry.endswith("*") else r"(?!\w)"
    return r"(?<!\w)" + re.escape(stem) + tail


_FORBIDDEN = re.compile("|".join(_pattern(w) for w in FORBIDDEN_WORDS), re.IGNORECASE | re.UNICODE)


def forbidden_in(text: str) -> list[str]:
    """The forbidden words found in ``text``, as written there."""
    return [m.group(0) for m in _FORBIDDEN.finditer(text.casefold())]


def letter_is_clean(text: str) -> bool:
    """Whether ``text`` may go to a school or employer: no forbidden word."""
    return not forbidden_in(text)


class LetterRefusedError(ValueError):
    """The letter's text contains a forbidden word; no letter is produced."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        super().__init__(f"The letter would contain forbidden words: {', '.join(sorted(set(words)))}")


# The letter in the school's language, whatever the language of the page.
TEXTS: dict[str, dict[str, str]] = {
    SchoolLanguage.RUSSIAN: {
        "to": "Руководителю: {school}",
        "subject": "О зачислении ребёнка",
        "body_school": (
            "Просим принять {name}, {year} года рождения, в {grade} класс с {start}. "
            "Ребёнок живёт с семьёй в вашем районе."
        ),
        "body_kindergarten": (
            "Просим принять {name}, {year} года рождения, в детский сад с {start}. "
            "Ребёнок живёт с семьёй в вашем районе."
        ),
        "catch_up": "Ребёнку может понадобиться дополнительная помощь в учёбе в первые месяцы.",
        "contact": "По любым вопросам об адаптации ребёнка обращайтесь к специалисту сопровождения семьи: {contact}.",
        "privacy": "Сведения о ребёнке и семье конфиденциальны и используются только для обучения.",
        "closing": "С уважением,",
        "date": "Дата: {today}",
    },
    SchoolLanguage.KAZAKH: {
        "to": "Басшысына: {school}",
        "subject": "Баланы қабылдау туралы",
        "body_school": (
            "{year} жылы туған {name} атты баланы {start} бастап {grade}-сыныпқа қабылдауыңызды сұраймыз. "
            "Бала отбасымен сіздің ауданыңызда тұрады."
        ),
        "body_kindergarten": (
            "{year} жылы туған {name} атты баланы {start} бастап балабақшаға қабылдауыңызды сұраймыз. "
            "Бала отбасымен сіздің ауданыңызда тұрады."
        ),
        "catch_up": "Алғашқы айларда балаға оқуда қосымша көмек қажет болуы мүмкін.",
        "contact": "Баланың бейімделуі туралы кез келген сұрақ бойынша отбасын сүйемелдеу маманына хабарласыңыз: {contact}.",
        "privacy": "Бала мен отбасы туралы мәліметтер құпия және тек оқу мақсатында пайдаланылады.",
        "closing": "Құрметпен,",
        "date": "Күні: {today}",
    },
    SchoolLanguage.ENGLISH: {
        "to": "To the head of {school}",
        "subject": "Enrolment of a pupil",
        "body_school": (
            "We kindly ask you to enrol {name}, born in {year}, in grade {grade} from {start}. "
            "The child lives with the family in your area."
        ),
        "body_kindergarten": (
            "We kindly ask you to admit {name}, born in {year}, to the kindergarten from {start}. "
            "The child lives with the family in your area."
        ),
        "catch_up": "The child may need some extra help with learning during the first months.",
        "contact": "For any question about how the child settles in, please call the family's support worker: {contact}.",
        "privacy": "Information about the child and the family is confidential and used for schooling only.",
        "closing": "Yours sincerely,",
        "date": "Date: {today}",
    },
}
SCRIPT_FOR: dict[str, str] = {SchoolLanguage.RUSSIAN: Script.CYRILLIC, SchoolLanguage.KAZAKH: Script.CYRILLIC}


def _name_for(person: Person, language: str) -> str:
    """The child's legal name in the script of the school's language; never a kunya."""
    names = [n for n in person.names.all() if n.kind != NameKind.KUNYA]
    wanted = SCRIPT_FOR.get(language, Script.LATIN)
    for pool in (
        [n for n in names if n.script == wanted and n.is_primary],
        [n for n in names if n.script == wanted],
        [n for n in names if n.script in (Script.CYRILLIC, Script.LATIN)],
        names,
    ):
        if pool:
            return pool[0].full
    return person.case_number


@dataclass(frozen=True)
class Letter:
    language: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def school_letter(enrolment: Enrolment, *, today: date | None = None) -> Letter:
    """The letter's text; refused (``LetterRefusedError``) if it fails the check."""
    language = enrolment.school_language
    t = TEXTS[SchoolLanguage(language)]
    person = enrolment.person
    values = {
        "school": enrolment.school,
        "name": _name_for(person, language),
        "year": str(person.birth_year or "—"),
        "grade": str(enrolment.grade or ""),
        "start": enrolment.started_on.strftime("%d.%m.%Y"),
        "contact": enrolment.support_contact,
        "today": (today or timezone.localdate()).strftime("%d.%m.%Y"),
    }
    body = t["body_school"] if enrolment.level == EducationLevel.SCHOOL else t["body_kindergarten"]
    lines = [t["to"], t["date"], "", t["subject"], "", body]
    if enrolment.catch_up_support:
        lines.append(t["catch_up"])
    lines += [t["contact"], t["privacy"], "", t["closing"], "{contact}"]
    letter = Letter(language, tuple(line.format(**values) for line in lines))
    check(letter.text)
    return letter


def check(text: str) -> None:
    """Refuse a text with a forbidden word (every letter generator calls it)."""
    words = forbidden_in(text)
    if words:
        raise LetterRefusedError(words)


def letter_pdf(letter: Letter, *, title: str) -> bytes:
    """The letter as an A4 PDF (DejaVu Sans: Cyrillic and Kazakh letters print)."""
    check(letter.text)
    missing = fonts.missing_fonts()
    if missing:
        raise fonts.FontMissingError(missing)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(False)
    pdf.add_font(fonts.FONT, "", str(fonts.FONT_REGULAR))
    pdf.add_font(fonts.FONT, "B", str(fonts.FONT_BOLD))
    pdf.set_title(title)
    pdf.set_author("")
    pdf.set_creation_date(timezone.now())
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    pdf.set_y(30)
    for n, line in enumerate(letter.lines):
        pdf.set_font(fonts.FONT, "B" if n == 3 else "", 11)
        if line:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(4)
    return bytes(pdf.output())
