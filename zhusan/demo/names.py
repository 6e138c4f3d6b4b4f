"""Name material for the synthetic demo dataset.

EVERY NAME THE DEMO PRODUCES IS AN INVENTED COMBINATION: given names,
surnames and patronymics below are common ones, drawn at random and combined
by a seeded generator. Any resemblance to a real person is coincidental.

Names appear the way they do in real case files: Kazakh or Russian Cyrillic
legal names, the ICAO 9303 Latin form of a Kazakh passport (with the
Kazakh practice of doubling an intervocalic S: ZHUSSIPOVA), an informal Latin
spelling as written by foreign staff, Arabic script for children born in the
camps, and kunyas ("Umm Abdullah") that name a relation to a child.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from zhusan.engine.translit import ICAO_CYRILLIC

KAZAKH_FEMALE = (
    "Айгерім Гүлнар Динара Жанар Сәуле Әсел Мөлдір Ақмарал Айжан Ботагөз Гүлжан Жұлдыз Назерке Салтанат "
    "Ұлжан Іңкәр Айнұр Ләззат Мадина Аружан Дана Алия Балжан Гаухар Жансая Камила Меруерт Назым Раушан "
    "Тоғжан Ақерке Айсұлу Гүлмира Дильназ Жазира Зарина Индира Қарлығаш Лаура Нұрсұлу Перизат Сабина "
    "Томирис Фариза Шынар Эльмира Асем Айым Гүлназ Жібек Күләш Мариям Нәзира Роза Сания Толқын Үміт "
    "Айдана Баян Дәметкен Еркежан Жаңыл Зәуре Кәмшат Ляйля Мәншүк Нұргүл Рысты Сымбат Тамара Шолпан"
).split()
KAZAKH_MALE = (
    "Серік Нұрлан Ержан Қайрат Бауыржан Асқар Дәурен Ерлан Мұрат Талғат Арман Нұржан Бекзат Ғалым "
    "Жандос Мақсат Айдос Ернар Әлібек Дархан Қанат Марат Руслан Самат Тимур Ұлан Әділ Ілияс Жасұлан "
    "Азамат Бақыт Болат Дамир Ербол Жомарт Кемел Мейрам Олжас Рустем Санжар Төлеген Шыңғыс Ақжол "
    "Ағзам Әсет Бейбіт Ғани Дулат Елдос Жарас Ислам Қуаныш Медет Нұрбол Орынбек Рахат Сұлтан Тұрсын "
    "Ұларбек Хамит Шерхан Ерсайын Байжан Нариман Темірлан Алмас Берік Құдайберген"
).split()
RUSSIAN_FEMALE = "Анна Елена Ольга Наталья Татьяна Ирина Светлана Юлия Екатерина Марина Виктория Ксения Дарья".split()
# Russian male given names with their patronymic stems (…вич / …вна).
RUSSIAN_MALE = {
    "Александр": "Александрович",
    "Дмитрий": "Дмитриевич",
    "Сергей": "Сергеевич",
    "Андрей": "Андреевич",
    "Алексей": "Алексеевич",
    "Николай": "Николаевич",
    "Иван": "Иванович",
    "Максим": "Максимович",
    "Евгений": "Евгеньевич",
    "Владимир": "Владимирович",
    "Виктор": "Викторович",
    "Денис": "Денисович",
}
# Male surname forms; the female form adds -а (Жүсіпов → Жүсіпова, Мусин → Мусина).
KAZAKH_SURNAMES = (
    "Жүсіпов Нұрланов Серіков Ахметов Омаров Сүлейменов Исаев Қасымов Бекмұхамедов Тоқтаров "
    "Әбдірахманов Жұмабаев Есенов Мұхамедиев Сәрсенбаев Оспанов Байжанов Тәжібаев Ермеков Қалиев "
    "Дүйсенов Кенжебаев Әлиев Ибраев Мамыров Рахимов Сағынтаев Төлеуов Шәріпов Нұрмағамбетов "
    "Исмаилов Бекболатов Жақсылықов Абдуллаев Мырзахметов Смағұлов Құдайбергенов Әбенов Ғабдуллин "
    "Мусин Хасенов Байтұрсынов Қожахметов Сейітов Бердібеков Әмірханов Тұрсынов Жолдасов Асанов "
    "Үсенов Иманғалиев Мақашев Садықов Сарсенов Темірбаев Уәлиев Ысқақов Шалабаев Құрманов Бейсенов "
    "Әділов Досымов Ерғалиев Жанұзақов Кәрімов Молдабеков Нысанбаев Райымбеков Тасболатов Файзуллин"
).split()
RUSSIAN_SURNAMES = "Иванов Петров Смирнов Кузнецов Попов Соколов Морозов Волков Захаров Павлов Никитин Фомин".split()

# Given names for children born in the camps, in Arabic script with a
# common Latin spelling.
ARABIC_FEMALE = [
    ("عائشة", "Aisha"),
    ("مريم", "Maryam"),
    ("فاطمة", "Fatima"),
    ("خديجة", "Khadija"),
    ("زينب", "Zaynab"),
    ("صفية", "Safiya"),
    ("أسماء", "Asma"),
    ("حفصة", "Hafsa"),
    ("سمية", "Sumayya"),
    ("رقية", "Ruqayya"),
    ("هاجر", "Hajar"),
    ("سارة", "Sara"),
    ("آمنة", "Amina"),
    ("حليمة", "Halima"),
    ("نسيبة", "Nusayba"),
    ("جويرية", "Juwayriya"),
    ("ميمونة", "Maymuna"),
    ("سلمى", "Salma"),
]
ARABIC_MALE = [
    ("محمد", "Muhammad"),
    ("عبد الله", "Abdullah"),
    ("يوسف", "Yusuf"),
    ("عمر", "Umar"),
    ("علي", "Ali"),
    ("إبراهيم", "Ibrahim"),
    ("حمزة", "Hamza"),
    ("خالد", "Khalid"),
    ("بلال", "Bilal"),
    ("عبد الرحمن", "Abdurrahman"),
    ("سليمان", "Sulayman"),
    ("يحيى", "Yahya"),
    ("زكريا", "Zakariya"),
    ("إسماعيل", "Ismail"),
    ("موسى", "Musa"),
    ("عيسى", "Isa"),
    ("أنس", "Anas"),
    ("معاذ", "Muadh"),
    ("زيد", "Zayd"),
    ("سعد", "Saad"),
    ("هارون", "Harun"),
    ("إدريس", "Idris"),
    ("صهيب", "Suhayb"),
]

# The Kazakh Cyrillic form a registry office writes when the child's birth is
# registered at home (Yusuf becomes Жүсіп, Muhammad Мұхаммед).
ARABIC_TO_KAZAKH = {
    "Aisha": "Айша", "Maryam": "Мәриям", "Fatima": "Фатима", "Khadija": "Хадиша", "Zaynab": "Зейнеп",
    "Safiya": "Сапия", "Asma": "Асма", "Hafsa": "Хафса", "Sumayya": "Сумая", "Ruqayya": "Руқия",
    "Hajar": "Ажар", "Sara": "Сара", "Amina": "Әмина", "Halima": "Халима", "Nusayba": "Нусайба",
    "Juwayriya": "Жувайрия", "Maymuna": "Маймуна", "Salma": "Салма",
    "Muhammad": "Мұхаммед", "Abdullah": "Абдулла", "Yusuf": "Жүсіп", "Umar": "Омар", "Ali": "Әли",
    "Ibrahim": "Ыбырайым", "Hamza": "Хамза", "Khalid": "Халид", "Bilal": "Білал", "Abdurrahman": "Әбдірахман",
    "Sulayman": "Сүлеймен", "Yahya": "Яхия", "Zakariya": "Зәкария", "Ismail": "Ысмайыл", "Musa": "Мұса",
    "Isa": "Иса", "Anas": "Анас", "Muadh": "Муаз", "Zayd": "Зейд", "Saad": "Саад", "Harun": "Харун",
    "Idris": "Ыдырыс", "Suhayb": "Сухайб",
}  # fmt: skip

# ICAO 9303 as applied in Kazakh passports (the engine's one Cyrillic table),
# upper case.
_ICAO = {k: v.upper() for k, v in ICAO_CYRILLIC.items()}
# How a foreign social worker or a camp register might spell the same name.
_INFORMAL = {
    **{k: v.capitalize() for k, v in _ICAO.items()},
    "ж": "Zh", "й": "y", "ы": "y", "ю": "yu", "я": "ya", "х": "kh", "ъ": "", "ё": "yo", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch",
}  # fmt: skip
_VOWELS = set("аәеёиоөуұүыіэюя")


def icao(cyrillic: str) -> str:
    """Latin form as printed in a Kazakh passport (upper case)."""
    out = []
    text = cyrillic.lower()
    for i, ch in enumerate(text):
        latin = _ICAO.get(ch, ch.upper())
        between_vowels = 0 < i < len(text) - 1 and text[i - 1] in _VOWELS and text[i + 1] in _VOWELS
        out.append("SS" if ch == "с" and between_vowels else latin)
    return "".join(out)


def informal(cyrillic: str) -> str:
    """An informal Latin spelling, capitalised like a name."""
    text = "".join(_INFORMAL.get(ch, ch) for ch in cyrillic.lower())
    return " ".join(part[:1].upper() + part[1:].lower() for part in text.split(" "))


def female_surname(male: str) -> str:
    return male + "а"


def patronymic(father: str, sex: str) -> str:
    """Kazakh -ұлы / -қызы, or Russian -ович / -овна for a Russian father's name."""
    if father in RUSSIAN_MALE:
        male = RUSSIAN_MALE[father]
        return male if sex == "male" else male[: -len("вич")] + "вна"
    return father + ("ұлы" if sex == "male" else "қызы")


@dataclass(frozen=True)
class CyrillicName:
    given: str
    patronymic: str
    family: str


class NameMaker:
    """Seeded source of invented name combinations."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def surname(self) -> str:
        pool = RUSSIAN_SURNAMES if self.rng.random() < 0.1 else KAZAKH_SURNAMES
        return self.rng.choice(pool)

    def father(self) -> str:
        if self.rng.random() < 0.12:
            return self.rng.choice(list(RUSSIAN_MALE))
        return self.rng.choice(KAZAKH_MALE)

    def given(self, sex: str) -> str:
        russian = self.rng.random() < 0.1
        if sex == "male":
            return self.rng.choice(list(RUSSIAN_MALE) if russian else KAZAKH_MALE)
        return self.rng.choice(RUSSIAN_FEMALE if russian else KAZAKH_FEMALE)

    def cyrillic(self, sex: str, *, family_base: str | None = None, father: str | None = None) -> CyrillicName:
        base = family_base or self.surname()
        return CyrillicName(
            given=self.given(sex),
            patronymic=patronymic(father or self.father(), sex),
            family=base if sex == "male" else female_surname(base),
        )

    def arabic_given(self, sex: str) -> tuple[str, str]:
        return self.rng.choice(ARABIC_MALE if sex == "male" else ARABIC_FEMALE)

    def kunya(self, sex: str, son: tuple[str, str] | None = None) -> tuple[str, str]:
        """("أم عبد الله", "Umm Abdullah"): mother or father of a (possibly named) son."""
        arabic, latin = son or self.rng.choice(ARABIC_MALE)
        if sex == "male":
            return f"أبو {arabic}", f"Abu {latin}"
        return f"أم {arabic}", f"Umm {latin}"
