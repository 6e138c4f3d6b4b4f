"""The letter to an employer: it introduces the person and the support
contact and never states or hints at the person's background. It goes
through the reintegration app's forbidden-word check (``letters.check``):
a text with a forbidden word is refused, not produced."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zhusan.registry.models import NameKind, Script
from zhusan.reintegration.letters import Letter, check

from .models import Employment

LANGUAGES = ("ru", "kk", "en")
TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "to": "Руководителю: {employer}",
        "date": "Дата: {today}",
        "subject": "О трудоустройстве",
        "body": "Подтверждаем, что {name} приступает к работе с {start} ({sector}).",
        "support": "Служба сопровождения семьи поддерживает работника в первые месяцы работы.",
        "contact": "По любым вопросам обращайтесь к специалисту сопровождения: {contact}.",
        "privacy": "Сведения о работнике конфиденциальны и используются только для трудоустройства.",
        "closing": "С уважением,",
    },
    "kk": {
        "to": "Басшысына: {employer}",
        "date": "Күні: {today}",
        "subject": "Жұмысқа орналасу туралы",
        "body": "{name} {start} бастап жұмысқа кірісетінін растаймыз ({sector}).",
        "support": "Отбасын сүйемелдеу қызметі қызметкерге алғашқы айларда қолдау көрсетеді.",
        "contact": "Кез келген сұрақ бойынша сүйемелдеу маманына хабарласыңыз: {contact}.",
        "privacy": "Қызметкер туралы мәліметтер құпия және тек жұмысқа орналасу үшін пайдаланылады.",
        "closing": "Құрметпен,",
    },
    "en": {
        "to": "To the manager of {employer}",
        "date": "Date: {today}",
        "subject": "Employment",
        "body": "We confirm that {name} starts work on {start} ({sector}).",
        "support": "The family support service supports the employee during the first months of work.",
        "contact": "For any question, please call the support worker: {contact}.",
        "privacy": "Information about the employee is confidential and used for employment only.",
        "closing": "Yours sincerely,",
    },
}


def _name(employment: Employment, language: str) -> str:
    """The legal name in the script of the letter's language; never a kunya."""
    names = [n for n in employment.person.names.all() if n.kind != NameKind.KUNYA]
    wanted = Script.CYRILLIC if language in ("ru", "kk") else Script.LATIN
    for pool in (
        [n for n in names if n.script == wanted and n.is_primary],
        [n for n in names if n.script == wanted],
        names,
    ):
        if pool:
            return pool[0].full
    return employment.person.case_number


def employer_letter(employment: Employment, *, language: str, contact: str, today: date | None = None) -> Letter:
    """The letter's text; refused (``letters.LetterRefusedError``) if it fails the check."""
    t = TEXTS[language if language in TEXTS else "ru"]
    values = {
        "employer": employment.employer_name,
        "today": (today or timezone.localdate()).strftime("%d.%m.%Y"),
        "name": _name(employment, language),
        "start": employment.started_on.strftime("%d.%m.%Y"),
        "sector": employment.sector,
        "contact": contact,
    }
    lines = [t["to"], t["date"], "", t["subject"], "", t["body"], t["support"], t["contact"], t["privacy"], "",
             t["closing"], "{contact}"]  # fmt: skip
    letter = Letter(language, tuple(line.format(**values) for line in lines))
    check(letter.text)
    return letter
