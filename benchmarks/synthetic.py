"""A synthetic cross-script population: a registry written in Cyrillic and
lists of the same people written as camp, prison and consular lists would
write them (ICAO Latin, informal Latin, Arabic script, kunyas, year-only dates
and stated ages), with siblings and namesakes as hard negatives.

Every record carries ``pid``, the true person id, used only for scoring.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from zhusan.engine.dates import PartialDate, StatedAge
from zhusan.engine.name_families import table
from zhusan.engine.translit import icao, script_of

PLACES = [("Алматы", "Almaty"), ("Шымкент", "Shymkent"), ("Атырау", "Atyrau"), ("Ақтау", "Aktau"),
          ("Тараз", "Taraz"), ("Қарағанды", "Karaganda"), ("Жезқазған", "Zhezkazgan"), ("Ақтөбе", "Aktobe"),
          ("Орал", "Oral"), ("Семей", "Semey"), ("Түркістан", "Turkistan"), ("Қызылорда", "Kyzylorda")]  # fmt: skip

_TO_ARABIC = [("zh", "ج"), ("kh", "خ"), ("sh", "ش"), ("ch", "تش"), ("ts", "تس"), ("a", "ا"), ("b", "ب"),
              ("v", "ف"), ("g", "غ"), ("d", "د"), ("e", "ي"), ("z", "ز"), ("i", "ي"), ("y", "ي"), ("k", "ك"),
              ("q", "ق"), ("l", "ل"), ("m", "م"), ("n", "ن"), ("o", "و"), ("p", "ب"), ("r", "ر"), ("s", "س"),
              ("t", "ت"), ("u", "و"), ("f", "ف"), ("h", "ه"), ("j", "ج")]  # fmt: skip


def to_arabic(latin: str) -> str:
    """How an Arabic-speaking clerk might write a foreign name."""
    s, out, i = latin.lower(), [], 0
    while i < len(s):
        for src, dst in _TO_ARABIC:
            if s.startswith(src, i):
                if i == 0 and src in "eiouy":
                    out.append("ا")
                out.append(dst)
                i += len(src)
                break
        else:
            i += 1
    return "".join(out)


def informal(latin: str, rng: random.Random) -> str:
    """An informal Latin spelling: doubled s, j for zh, y for i, ou for u."""
    s = latin.lower()
    for old, new, p in [("zh", "j", 0.4), ("s", "ss", 0.3), ("i", "y", 0.2), ("u", "ou", 0.1), ("kh", "h", 0.5)]:
        if old in s and rng.random() < p:
            s = s.replace(old, new, 1)
    return s.capitalize()


def typo(s: str, rng: random.Random) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.random()
    if op < 0.4:
        return s[:i] + s[i + 1 :]
    if op < 0.7:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + s[i] + s[i:]


@dataclass
class Name:
    cyr: str
    lat: tuple[str, ...]
    arb: str


def _names(sex: str) -> list[Name]:
    out = []
    for fam in table().families.values():
        if fam.sex != sex:
            continue
        cyr = [v for v in fam.variants if script_of(v) == "cyrillic"]
        lat = tuple(v for v in fam.variants if script_of(v) == "latin" and " " not in v)
        arb = [v for v in fam.variants if script_of(v) == "arabic"]
        if cyr and lat:
            out.append(Name(cyr[0], lat, arb[0] if arb else to_arabic(lat[0])))
    return out


class Population:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.male, self.female = _names("m"), _names("f")
        roots = [n.cyr for n in self.male if n.cyr[-1] not in "аеиоуыэюяәөұүі"]
        self.roots = roots

    def surname(self, root: str, sex: str) -> str:
        suffix = "ев" if root[-1] in "йжшщч" else "ов"
        return root + suffix + ("а" if sex == "f" else "")

    def family_group(self) -> list[dict]:
        """One family: siblings of one father, with a namesake now and then."""
        rng, group = self.rng, []
        root = rng.choice(self.roots)
        father = rng.choice(self.male)
        year0 = rng.randint(1960, 2018)
        place = rng.choice(PLACES)
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            sex = rng.choice("mf")
            given = rng.choice(self.male if sex == "m" else self.female)
            year = year0 + rng.randint(-4, 4)
            born = PartialDate(year, rng.randint(1, 12), rng.randint(1, 28))
            group.append({"sex": sex, "given": given, "root": root, "father": father,
                          "born": born, "place": place, "kunya_child": rng.choice(self.male)})  # fmt: skip
            if rng.random() < 0.05:  # a namesake: same names, another father and birth
                shift = rng.choice([-6, -5, -4, -3, -2, 2, 3, 4, 5, 6])
                group.append({**group[-1], "father": rng.choice(self.male),
                              "kunya_child": rng.choice(self.male), "place": rng.choice(PLACES),
                              "born": PartialDate(year + shift, rng.randint(1, 12), rng.randint(1, 28))})  # fmt: skip
        return group

    def families(self, n_persons: int) -> list[dict]:
        """Registry persons, in sibling groups, with namesakes mixed in."""
        people: list[dict] = []
        while len(people) < n_persons:
            for person in self.family_group():
                people.append({"pid": len(people), **person})
        return people[:n_persons]

    def registry_record(self, p: dict) -> dict:
        return {
            "pid": p["pid"], "given": p["given"].cyr, "family": self.surname(p["root"], p["sex"]),
            "father": p["father"].cyr, "birth": p["born"], "sex": p["sex"], "place": p["place"][0],
            "kunya": ("Умм " if p["sex"] == "f" else "Абу ") + p["kunya_child"].cyr,
        }  # fmt: skip

    def list_record(self, p: dict) -> dict:
        """The same person as written on a list abroad, in one of five styles."""
        rng = self.rng
        family_cyr = self.surname(p["root"], p["sex"])
        family_lat = icao(family_cyr).capitalize()
        style = rng.choice(["icao", "informal", "arabic", "kunya", "age"])
        rec: dict = {"pid": p["pid"], "sex": p["sex"] if rng.random() < 0.8 else None, "style": style}
        born: PartialDate = p["born"]
        if style == "icao":
            rec |= {"given": icao(p["given"].cyr), "family": icao(family_cyr), "father": icao(p["father"].cyr),
                    "birth": born, "place": p["place"][1].upper()}  # fmt: skip
        elif style == "informal":
            rec |= {"given": rng.choice(p["given"].lat), "family": informal(family_lat, rng),
                    "father": rng.choice(p["father"].lat) if rng.random() < 0.6 else None,
                    "birth": PartialDate(born.year) if rng.random() < 0.5 else born, "place": p["place"][1]}  # fmt: skip
        elif style == "arabic":
            rec |= {"given": p["given"].arb, "family": to_arabic(family_lat), "father": p["father"].arb,
                    "birth": PartialDate(born.year)}  # fmt: skip
        elif style == "kunya":
            kunya = ("Umm " if p["sex"] == "f" else "Abu ") + rng.choice(p["kunya_child"].lat)
            rec |= {"kunya": kunya, "family": informal(family_lat, rng),
                    "birth": PartialDate(born.year + rng.choice([0, 0, 1, -1]))}  # fmt: skip
        else:
            at = PartialDate(2019, rng.randint(1, 12), rng.randint(1, 28))
            age = at.year - born.year - ((at.month, at.day) < (born.month, born.day))
            rec |= {"given": rng.choice(p["given"].lat), "family": family_lat, "birth": StatedAge(age, at),
                    "father": rng.choice(p["father"].lat) if rng.random() < 0.5 else None}  # fmt: skip
        if rng.random() < 0.15 and rec.get("given") and script_of(rec["given"]) == "latin":
            rec["given"] = typo(rec["given"], rng)
        if rng.random() < 0.15 and rec.get("family") and script_of(rec["family"]) == "latin":
            rec["family"] = typo(rec["family"], rng)
        return rec


# --- Uzbek and Tajik populations ---------------------------------------------------------
#
# Spellings are written here as the registries and clerks write them, by their
# own rules, not through zhusan.engine.translit (the benchmark must be able to
# fail): an Uzbek registry in Uzbek Latin (o' g' typed with any apostrophe, x
# for kh, q) or Uzbek Cyrillic (ў қ ғ ҳ), a Tajik registry in Tajik Cyrillic
# (ҷ ӣ ӯ ҳ ғ қ); a camp or consular list in passport Latin, in Russian
# Cyrillic as a Russian clerk writes these names (Ибрагим for Ibrohim, х for
# ҳ, е for ё, -заде), in Arabic script, by kunya, with stated ages.

#: Given names: Uzbek Latin, Tajik Cyrillic, the Russian form a Russian clerk
#: writes, the Arabic-script form. Every one is a family of
#: zhusan/engine/data/name_families.csv.
CA_MALE = [
    ("Ibrohim", "Иброҳим", "Ибрагим", "ابراهيم"), ("Yahyo", "Яҳё", "Яхья", "يحيى"),
    ("Zakariyo", "Закариё", "Закария", "زكريا"), ("Jamshid", "Ҷамшед", "Джамшид", "جمشيد"),
    ("Farhod", "Фарҳод", "Фархад", "فرهاد"), ("Ismoil", "Исмоил", "Исмаил", "اسماعيل"),
    ("Yusuf", "Юсуф", "Юсуф", "يوسف"), ("Muhammad", "Муҳаммад", "Мухаммад", "محمد"),
    ("Abdulloh", "Абдуллоҳ", "Абдулла", "عبدالله"), ("Umar", "Умар", "Умар", "عمر"),
    ("Alisher", "Алишер", "Алишер", "علیشیر"), ("Bahodir", "Баҳодур", "Бахадыр", "بهادر"),
    ("Sherzod", "Шерзод", "Шерзод", "شیرزاد"), ("Jahongir", "Ҷаҳонгир", "Джахангир", "جهانگیر"),
    ("Bobur", "Бобур", "Бабур", "بابر"), ("Shuhrat", "Шуҳрат", "Шухрат", "شهرت"),
    ("Suhrob", "Суҳроб", "Сухроб", "سهراب"), ("Bahrom", "Баҳром", "Бахром", "بهرام"),
    ("Firuz", "Фирӯз", "Фируз", "فیروز"), ("Parviz", "Парвиз", "Парвиз", "پرویز"),
    ("Umid", "Умед", "Умед", "امید"), ("Nodir", "Нодир", "Надир", "نادر"),
    ("Akmal", "Акмал", "Акмаль", "اکمل"), ("Hasan", "Ҳасан", "Хасан", "حسن"),
    ("Ahmad", "Аҳмад", "Ахмад", "احمد"), ("Mahmud", "Маҳмуд", "Махмуд", "محمود"),
    ("Mustafo", "Мустафо", "Мустафа", "مصطفى"), ("Sulaymon", "Сулаймон", "Сулейман", "سليمان"),
    ("Otabek", "Отабек", "Отабек", "اتابك"), ("Dilshod", "Дилшод", "Дильшод", "دلشاد"),
    ("Rustam", "Рустам", "Рустам", "رستم"), ("Anvar", "Анвар", "Анвар", "انور"),
    ("Sardor", "Сардор", "Сардор", "سردار"), ("Shohruh", "Шоҳрух", "Шахрух", "شاهرخ"),
    ("Baxtiyor", "Бахтиёр", "Бахтияр", "بختيار"), ("Behruz", "Беҳруз", "Бехруз", "بهروز"),
    ("Farrux", "Фаррух", "Фаррух", "فرخ"), ("Ulug'bek", "Улуғбек", "Улугбек", "الغ بيك"),
    ("Sodiq", "Содиқ", "Садык", "صادق"), ("Ilhom", "Илҳом", "Ильхом", "إلهام"),
    ("Rahim", "Раҳим", "Рахим", "رحيم"), ("Rahmon", "Раҳмон", "Рахман", "رحمن"),
    ("Maqsud", "Мақсуд", "Максуд", "مقصود"), ("Sirojiddin", "Сироҷиддин", "Сираджиддин", "سراج الدين"),
    ("Manuchehr", "Манучеҳр", "Манучехр", "منوچهر"), ("Tojiddin", "Тоҷиддин", "Таджиддин", "تاج الدين"),
    ("Ilyos", "Илёс", "Ильяс", "الياس"), ("Iskandar", "Искандар", "Искандер", "اسكندر"),
    ("Dovud", "Довуд", "Давуд", "داود"), ("Yoqub", "Ёқуб", "Якуб", "يعقوب"), ("Ishoq", "Исҳоқ", "Исхак", "اسحاق"),
    ("Muso", "Мусо", "Муса", "موسى"), ("Iso", "Исо", "Иса", "عيسى"), ("Nuriddin", "Нуриддин", "Нуриддин", "نور الدين"),
    ("Shamsiddin", "Шамсиддин", "Шамсуддин", "شمس الدين"), ("Odil", "Одил", "Адиль", "عادل"),
    ("Komil", "Комил", "Камиль", "كامل"), ("Karim", "Карим", "Карим", "كريم"), ("Latif", "Латиф", "Латиф", "لطيف"),
    ("Temur", "Темур", "Тимур", "تيمور"), ("Aziz", "Азиз", "Азиз", "عزيز"), ("Javlon", "Ҷавлон", "Джавлон", "جولان"),
    ("Jasur", "Ҷасур", "Джасур", "جسور"), ("Doston", "Достон", "Дастан", "داستان"),
    ("Bekzod", "Бекзод", "Бекзод", "بکزاد"), ("Daler", "Далер", "Далер", "دلير"),
    ("Usmon", "Усмон", "Усман", "عثمان"), ("Husayn", "Ҳусайн", "Хусейн", "حسين"), ("Horun", "Ҳорун", "Гарун", "هارون"),
    ("Yunus", "Юнус", "Юнус", "يونس"), ("Idris", "Идрис", "Идрис", "ادريس"), ("Solih", "Солеҳ", "Салих", "صالح"),
    ("Abdurahmon", "Абдураҳмон", "Абдурахман", "عبد الرحمن"), ("Abdurahim", "Абдураҳим", "Абдурахим", "عبد الرحيم"),
    ("Abdulaziz", "Абдулазиз", "Абдулазиз", "عبد العزيز"), ("Abduqodir", "Абдуқодир", "Абдукадыр", "عبد القادر"),
    ("Abdumalik", "Абдумалик", "Абдумалик", "عبد الملك"), ("Abdulhamid", "Абдулҳамид", "Абдулхамид", "عبد الحميد"),
    ("Abdusalom", "Абдусалом", "Абдусалам", "عبد السلام"), ("Hamza", "Ҳамза", "Хамза", "حمزة"),
    ("Bilol", "Билол", "Билал", "بلال"), ("Xolid", "Холид", "Халид", "خالد"), ("Xalil", "Халил", "Халил", "خليل"),
    ("Rashid", "Рашид", "Рашид", "رشيد"), ("Salim", "Салим", "Салим", "سليم"), ("Tohir", "Тоҳир", "Тахир", "طاهر"),
    ("Orif", "Ориф", "Ариф", "عارف"), ("Habib", "Ҳабиб", "Хабиб", "حبيب"), ("Hoshim", "Ҳошим", "Хашим", "هاشم"),
    ("Jamol", "Ҷамол", "Джамал", "جمال"), ("Kamol", "Камол", "Камал", "كمال"), ("Mansur", "Мансур", "Мансур", "منصور"),
    ("Murod", "Мурод", "Мурад", "مراد"), ("Muxtor", "Мухтор", "Мухтар", "مختار"), ("Nosir", "Носир", "Насыр", "ناصر"),
    ("Qosim", "Қосим", "Касым", "قاسم"), ("Ramazon", "Рамазон", "Рамазан", "رمضان"), ("Tolib", "Толиб", "Талиб", "طالب"),
    ("Zafar", "Зафар", "Зафар", "ظفر"), ("Zohid", "Зоҳид", "Захид", "زاهد"), ("Abbos", "Аббос", "Аббас", "عباس"),
    ("Doniyor", "Дониёр", "Данияр", "دانيال"), ("Shavkat", "Шавкат", "Шавкат", "شوكت"),
    ("Firdavs", "Фирдавс", "Фирдавс", "فردوس"), ("Abror", "Аброр", "Аброр", "ابرار"), ("Sanjar", "Санҷар", "Санжар", "سنجر"),
    ("Akram", "Акрам", "Акрам", "اكرم"), ("Imron", "Имрон", "Имран", "عمران"), ("Ayub", "Айюб", "Аюб", "ايوب"),
    ("Asad", "Асад", "Асад", "اسد"),
]  # fmt: skip
CA_FEMALE = [
    ("Fotima", "Фотима", "Фатима", "فاطمة"), ("Oysha", "Оиша", "Айша", "عائشة"),
    ("Xadicha", "Хадича", "Хадича", "خديجة"), ("Osiyo", "Осиё", "Асия", "آسيا"),
    ("Maryam", "Марям", "Марьям", "مريم"), ("Zaynab", "Зайнаб", "Зейнаб", "زينب"),
    ("Shahzoda", "Шаҳзода", "Шахзода", "شهزاده"), ("Nilufar", "Нилуфар", "Нилуфар", "نیلوفر"),
    ("Nodira", "Нодира", "Надира", "نادرة"), ("Mohinur", "Моҳинур", "Мохинур", "ماه نور"),
    ("Gulchehra", "Гулчеҳра", "Гульчехра", "گلچهره"), ("Hilola", "Ҳилола", "Хилола", "هلالة"),
    ("Sabohat", "Сабоҳат", "Сабохат", "صباحة"), ("Ozoda", "Озода", "Озода", "آزاده"),
    ("Tahmina", "Таҳмина", "Тахмина", "تهمینه"), ("Parvina", "Парвина", "Парвина", "پروین"),
    ("Mavluda", "Мавлуда", "Мавлюда", "مولوده"), ("Kamola", "Камола", "Камола", "كمالة"),
    ("Munisa", "Муниса", "Муниса", "مونسة"), ("Zebo", "Зебо", "Зебо", "زیبا"),
    ("Farzona", "Фарзона", "Фарзана", "فرزانه"), ("Maftuna", "Мафтуна", "Мафтуна", "مفتونة"),
    ("Sevara", "Севара", "Севара", "سيفارا"), ("Dilnoza", "Дилноза", "Дильноза", "دلنوازا"),
    ("Madina", "Мадина", "Мадина", "مدينة"), ("Zarina", "Зарина", "Зарина", "زرينة"),
    ("Malika", "Малика", "Малика", "مليكة"), ("Gulnora", "Гулнора", "Гульнара", "گلنار"),
    ("Zuhra", "Зуҳра", "Зухра", "زهرة"), ("Ruqiya", "Руқия", "Рукия", "رقية"), ("Robiya", "Робия", "Рабия", "رابعة"),
    ("Manija", "Маниҷа", "Манижа", "منیژه"), ("Mehrona", "Меҳрона", "Мехрона", "مهرانه"),
    ("Nozanin", "Нозанин", "Назанин", "نازنین"), ("Zarnigor", "Зарнигор", "Зарнигар", "زرنگار"),
    ("Barno", "Барно", "Барно", "برنا"), ("Nigina", "Нигина", "Нигина", "نگینه"), ("Feruza", "Фируза", "Феруза", "فيروزة"),
    ("Shahnoza", "Шаҳноза", "Шахноза", "شهنازا"), ("Sitora", "Ситора", "Ситора", "ستاره"),
    ("Laylo", "Лайло", "Лейла", "ليلى"), ("Muslima", "Муслима", "Муслима", "مسلمة"), ("Aziza", "Азиза", "Азиза", "عزيزة"),
    ("Ruxsora", "Рухсора", "Рухсора", "رخساره"), ("Gulnoza", "Гулноза", "Гульноза", "گلنوزا"),
    ("Dildora", "Дилдора", "Дильдора", "دلدارا"), ("Umida", "Умеда", "Умида", "اميدة"), ("Zulfiya", "Зулфия", "Зульфия", "زلفية"),
    ("Safiya", "Сафия", "Сафия", "صفية"), ("Hafsa", "Ҳафса", "Хафса", "حفصة"), ("Amina", "Амина", "Амина", "آمنة"),
    ("Halima", "Ҳалима", "Халима", "حليمة"), ("Sora", "Сора", "Сара", "سارة"), ("Hojar", "Ҳоҷар", "Хаджар", "هاجر"),
    ("Nigora", "Нигора", "Нигора", "نگار"), ("Mohira", "Моҳира", "Мохира", "ماهرة"), ("Muxlisa", "Мухлиса", "Мухлиса", "مخلصة"),
    ("Shahlo", "Шаҳло", "Шахло", "شهلا"), ("Jamila", "Ҷамила", "Джамиля", "جميلة"), ("Munira", "Мунира", "Мунира", "منيرة"),
    ("Rahima", "Раҳима", "Рахима", "رحيمة"), ("Saida", "Саида", "Саида", "سعيدة"), ("Sabina", "Сабина", "Сабина", "سابينا"),
    ("Shirin", "Ширин", "Ширин", "شيرين"), ("Sakina", "Сакина", "Сакина", "سكينة"), ("Zulayho", "Зулайҳо", "Зулейха", "زليخا"),
    ("Nurjahon", "Нурҷаҳон", "Нурджахан", "نورجهان"), ("Farida", "Фарида", "Фарида", "فريدة"),
    ("Habiba", "Ҳабиба", "Хабиба", "حبيبة"), ("Dinora", "Динора", "Динара", "دينارا"), ("Kamila", "Камила", "Камила", "كاملة"),
    ("Gulbahor", "Гулбаҳор", "Гульбахор", "گل بهار"),
]  # fmt: skip
#: Surname roots: Uzbek Latin and the Russian clerk's Cyrillic (Кадыр for
#: Qodir, Ташмат for Toshmat, Джура for Jo'ra); Tajik registries write the
#: Tajik Cyrillic of the Latin root.
CA_ROOTS = [
    ("Karim", "Карим"), ("Rahim", "Рахим"), ("Sharip", "Шарип"), ("Qodir", "Кадыр"), ("Yusup", "Юсуп"),
    ("Ergash", "Эргаш"), ("Toshmat", "Ташмат"), ("Xolmat", "Холмат"), ("Abdulla", "Абдулла"), ("Nazar", "Назар"),
    ("Rasul", "Расул"), ("Usmon", "Усман"), ("Mirza", "Мирза"), ("Hasan", "Хасан"), ("Tursun", "Турсун"),
    ("O'ktam", "Уктам"), ("G'afur", "Гафур"), ("Sodiq", "Садык"), ("Nurmat", "Нурмат"), ("Rahmon", "Рахмон"),
    ("Ismoil", "Исмаил"), ("Ali", "Али"), ("Jo'ra", "Джура"), ("Bobo", "Баба"), ("Xo'ja", "Ходжа"),
    ("Qurbon", "Курбан"), ("Sobir", "Сабир"), ("Safar", "Сафар"), ("Davlat", "Давлат"), ("Nabi", "Наби"),
    ("Said", "Саид"), ("Sharif", "Шариф"), ("Mahmad", "Махмад"), ("Boqi", "Баки"), ("Mirzo", "Мирзо"),
]  # fmt: skip
UZ_PLACES = [("Toshkent", "TASHKENT"), ("Samarqand", "SAMARKAND"), ("Buxoro", "BUKHARA"), ("Andijon", "ANDIJAN"),
             ("Farg'ona", "FERGANA"), ("Namangan", "NAMANGAN"), ("Qarshi", "KARSHI"), ("Nukus", "NUKUS")]  # fmt: skip
TJ_PLACES = [("Душанбе", "DUSHANBE"), ("Хуҷанд", "KHUJAND"), ("Кӯлоб", "KULOB"), ("Бохтар", "BOKHTAR"),
             ("Истаравшан", "ISTARAVSHAN"), ("Панҷакент", "PANJAKENT"), ("Ваҳдат", "VAHDAT")]  # fmt: skip

_APOSTROPHE_VARIANTS = ["'", "\u02bb", "\u2019"]  # o' oʻ o’ as Uzbek Latin is typed
_LATIN_TO_CYRILLIC = [
    ("o'", "ў"), ("g'", "ғ"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"), ("yu", "ю"), ("ya", "я"), ("ye", "е"),
    ("ts", "ц"), ("a", "а"), ("b", "б"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "ҳ"), ("i", "и"),
    ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "қ"), ("r", "р"),
    ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("x", "х"), ("y", "й"), ("z", "з"), ("'", "ъ"),
]  # fmt: skip


def _cyrillic_of(latin: str, *, tajik: bool) -> str:
    """Uzbek Latin to Uzbek Cyrillic (the 1995 correspondence table), or to
    Tajik Cyrillic (ҷ for j, ӯ for o'): the registry's own spelling."""
    s, out, i = latin.lower(), [], 0
    table = [("o'", "ӯ"), ("j", "ҷ")] + _LATIN_TO_CYRILLIC if tajik else _LATIN_TO_CYRILLIC
    while i < len(s):
        for src, dst in table:
            if s.startswith(src, i):
                out.append("э" if dst == "е" and i == 0 and src == "e" else dst)
                i += len(src)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out).capitalize()


def _with_apostrophe(latin: str, rng: random.Random) -> str:
    mark = rng.choice(_APOSTROPHE_VARIANTS)
    return latin.replace("'", mark)


# A Russian clerk's Cyrillic of an Uzbek or Tajik Latin form: no ў ғ қ ҳ ҷ;
# o' as у, h and x as х, q as к, j as ж (Uzbek) or дж (Tajik, Russian habit).
_RUSSIAN_CLERK = [
    ("o'", "у"), ("g'", "г"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"), ("yu", "ю"), ("ya", "я"), ("ye", "е"),
    ("a", "а"), ("b", "б"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "ж"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("v", "в"), ("x", "х"), ("y", "й"), ("z", "з"), ("'", ""),
]  # fmt: skip


def russian_clerk(latin: str, rng: random.Random, *, tajik: bool = False) -> str:
    s, out, i = latin.lower().replace("\u02bb", "'").replace("\u2019", "'"), [], 0
    table = [("j", "дж")] + _RUSSIAN_CLERK if tajik and rng.random() < 0.7 else _RUSSIAN_CLERK
    while i < len(s):
        for src, dst in table:
            if s.startswith(src, i):
                out.append("э" if src == "e" and i == 0 else dst)
                i += len(src)
                break
        else:
            out.append(s[i])
            i += 1
    text = "".join(out)
    if rng.random() < 0.6:
        text = text.replace("ё", "е")  # most Russian typing writes е for ё
    return text.capitalize()


def _tajik_latin_of(cyr: str) -> str:
    """Tajik Cyrillic back to an Uzbek-style Latin spelling (the list clerk's
    starting point for a Tajik name): ҷ j, ҳ h, х x, ӯ o', қ q, ғ g'."""
    table = {"ҷ": "j", "ҳ": "h", "х": "x", "ӯ": "o'", "ӣ": "i", "қ": "q", "ғ": "g'", "ш": "sh", "ч": "ch",
             "ё": "yo", "ю": "yu", "я": "ya", "е": "e", "э": "e", "ъ": "'", "ж": "j", "й": "y", "ц": "ts",
             "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k", "л": "l", "м": "m",
             "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f"}  # fmt: skip
    return "".join(table.get(ch, ch) for ch in cyr.lower()).capitalize()


def _respell(latin: str, table: dict[str, str]) -> str:
    """Latin rewritten letter by letter (sh ch zh and o' g' kept as units)."""
    s, out, i = latin.lower().replace("\u02bb", "'").replace("\u2019", "'"), [], 0
    while i < len(s):
        unit = s[i : i + 2] if s[i : i + 2] in ("sh", "ch", "zh", "o'", "g'", "yo") else s[i]
        out.append(table.get(unit, unit))
        i += len(unit)
    return "".join(out).replace("'", "")


def passport_latin(latin: str, rng: random.Random, *, tajik: bool) -> str:
    """The Latin of an Uzbek or Tajik passport (ICAO 9303 MRZ, A-Z only):
    Uzbek passports drop the apostrophes of o' g' and keep x or write KH;
    Tajik passports write ҷ as J or (older, Russian-style) DZH, ҳ as H or KH,
    қ as Q or K, ғ as GH or G, ё as YO or E."""
    if tajik:
        table = {"j": rng.choice(["j", "j", "dzh"]), "h": rng.choice(["h", "kh"]), "x": "kh", "q": rng.choice(["q", "k"]),
                 "g'": rng.choice(["gh", "g"]), "o'": "u"}  # fmt: skip
    else:
        table = {"o'": "o", "g'": "g", "x": rng.choice(["x", "kh"])}
    if rng.random() < 0.3:
        table["yo"] = "e"
    return _respell(latin, table).upper()


def english_latin(latin: str, rng: random.Random) -> str:
    """An English-speaking clerk's Latin: o' as u or o, g' as gh or g, x as kh
    or h, q as k, j now and then as dj, the apostrophes gone."""
    table = {"o'": rng.choice(["u", "o", "oo"]), "g'": rng.choice(["gh", "g"]), "x": rng.choice(["kh", "h"]),
             "q": rng.choice(["k", "q"]), "j": "dj" if rng.random() < 0.2 else "j"}  # fmt: skip
    return _respell(latin, table).capitalize()


_TO_ARABIC_CA = [("o'", "و"), ("g'", "غ"), ("x", "خ"), ("q", "ق"), ("h", "ه"), ("ng", "نغ")] + _TO_ARABIC


def arabic_clerk(latin: str) -> str:
    """An Arabic-speaking clerk's spelling of an Uzbek or Tajik surname, with
    the Persian زاده for -zoda."""
    s = latin.lower().replace("\u02bb", "'").replace("\u2019", "'")
    tail = ""
    if s.endswith("zoda"):
        s, tail = s[:-4], " زاده"
    out, i = [], 0
    while i < len(s):
        for src, dst in _TO_ARABIC_CA:
            if s.startswith(src, i):
                if i == 0 and src[0] in "eiouy":
                    out.append("ا")
                out.append(dst)
                i += len(src)
                break
        else:
            i += 1
    return "".join(out) + tail


@dataclass
class CAName:
    uz: str  # Uzbek Latin
    tj: str  # Tajik Cyrillic
    ru: str  # a Russian clerk's form
    ar: str  # Arabic script


class CentralAsianPopulation:
    """Uzbek or Tajik families (``nation`` "uzbek" or "tajik")."""

    def __init__(self, nation: str, rng: random.Random) -> None:
        self.nation, self.rng = nation, rng
        self.male = [CAName(*n) for n in CA_MALE]
        self.female = [CAName(*n) for n in CA_FEMALE]
        self.tajik = nation == "tajik"
        # Surnames are made from a forebear's name: the roots above and every male name ending in a consonant
        named = [(n.uz, n.ru) for n in self.male if n.uz[-1] not in "aeiou"]
        self.roots = list(dict(CA_ROOTS + named).items())  # each root once

    def surname_latin(self, p: dict) -> str:
        """The surname in Uzbek-style Latin: root + ov/ev (+a), or root + zoda."""
        root = p["root"][0]
        if p["zoda"]:
            return root + "zoda"
        suffix = "yev" if root[-1] in "aeiou" else "ev" if root.endswith(("sh", "ch", "j")) else "ov"
        return root + suffix + ("a" if p["sex"] == "f" else "")

    def surname_russian(self, p: dict, rng: random.Random) -> str:
        root = p["root"][1]
        if p["zoda"]:
            return root + rng.choice(["зода", "заде", "-заде"])
        suffix = "ев" if root[-1] in "аеиоуяшчж" else "ов"
        if root[-1] in "аеиоу":
            root, suffix = root, "ев"
        return root + suffix + ("а" if p["sex"] == "f" else "")

    def own(self, name: CAName) -> str:
        """A given name in the registry's script."""
        if self.tajik:
            return name.tj
        if self.rng.random() < 0.2:
            return _cyrillic_of(name.uz, tajik=False)
        return _with_apostrophe(name.uz, self.rng)

    def latin(self, name: CAName) -> str:
        """The Latin a list starts from: Uzbek Latin, or a Tajik name's Latin."""
        return _tajik_latin_of(name.tj) if self.tajik else name.uz

    def person(self, root, father, sex, born, place, zoda) -> dict:
        rng = self.rng
        given = rng.choice(self.male if sex == "m" else self.female)
        return {"nation": self.nation, "sex": sex, "given": given, "root": root, "father": father, "born": born,
                "place": place, "kunya_child": rng.choice(self.male), "zoda": zoda}  # fmt: skip

    def family_group(self) -> list[dict]:
        rng = self.rng
        root = rng.choice(self.roots)
        father = rng.choice(self.male)
        year0 = rng.randint(1960, 2018)
        place = rng.choice(TJ_PLACES if self.tajik else UZ_PLACES)
        zoda = self.tajik and rng.random() < 0.5
        group = []
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            sex = rng.choice("mf")
            year = year0 + rng.randint(-4, 4)
            born = PartialDate(year, rng.randint(1, 12), rng.randint(1, 28))
            group.append(self.person(root, father, sex, born, place, zoda))
            if rng.random() < 0.05:  # a namesake: same names, another father and birth
                shift = rng.choice([-6, -5, -4, -3, -2, 2, 3, 4, 5, 6])
                group.append({**group[-1], "father": rng.choice(self.male), "kunya_child": rng.choice(self.male),
                              "place": rng.choice(TJ_PLACES if self.tajik else UZ_PLACES),
                              "born": PartialDate(year + shift, rng.randint(1, 12), rng.randint(1, 28))})  # fmt: skip
        return group

    def patronymic(self, p: dict) -> str:
        """The registry's patronymic: o'g'li / qizi (Uzbek Latin), -ovich /
        -ovna (Russian-style, in the registry's script)."""
        rng, father = self.rng, p["father"]
        if self.tajik:
            base = father.tj
            vowel = base[-1] in "аоиеуӣӯё"
            return base + ("е" if vowel else "о") + ("вич" if p["sex"] == "m" else "вна")
        if rng.random() < 0.6:
            word = "o'g'li" if p["sex"] == "m" else "qizi"
            return _with_apostrophe(f"{father.uz} {word}", rng)
        suffix = "ovich" if p["sex"] == "m" else "ovna"
        return father.uz + ("y" + suffix.replace("o", "e", 1) if father.uz[-1] in "aeiou" else suffix)

    def registry_record(self, p: dict) -> dict:
        family = self.surname_latin(p)
        if self.tajik:
            family = _cyrillic_of(family, tajik=True)
        elif self.rng.random() < 0.2:
            family = _cyrillic_of(family, tajik=False)
        else:
            family = _with_apostrophe(family, self.rng)
        child = p["kunya_child"]
        kunya = ("Умм " if p["sex"] == "f" else "Абу ") + child.tj if self.tajik else None
        kunya = kunya or ("Umm " if p["sex"] == "f" else "Abu ") + _with_apostrophe(child.uz, self.rng)
        return {"pid": p["pid"], "given": self.own(p["given"]), "family": family, "patronymic": self.patronymic(p),
                "birth": p["born"], "sex": p["sex"], "place": p["place"][0],
                "kunya": kunya}  # fmt: skip

    def list_record(self, p: dict) -> dict:
        """The same person as a camp or consular list writes them."""
        rng = self.rng
        family = self.surname_latin(p)
        if self.tajik:
            family = _tajik_latin_of(_cyrillic_of(family, tajik=True))
        style = rng.choice(["icao", "russian", "arabic", "kunya", "age"])
        rec: dict = {"pid": p["pid"], "sex": p["sex"] if rng.random() < 0.8 else None, "style": style}
        born: PartialDate = p["born"]
        given, father = self.latin(p["given"]), self.latin(p["father"])
        if style == "icao":
            rec |= {"given": passport_latin(given, rng, tajik=self.tajik),
                    "family": passport_latin(family, rng, tajik=self.tajik),
                    "father": passport_latin(father, rng, tajik=self.tajik), "birth": born,
                    "place": p["place"][1]}  # fmt: skip
        elif style == "russian":
            conventional = rng.random() < 0.6
            rec |= {"given": p["given"].ru if conventional else russian_clerk(given, rng, tajik=self.tajik),
                    "family": self.surname_russian(p, rng) if conventional else russian_clerk(family, rng, tajik=self.tajik),
                    "father": p["father"].ru if rng.random() < 0.7 else None,
                    "birth": PartialDate(born.year) if rng.random() < 0.4 else born}  # fmt: skip
        elif style == "arabic":
            rec |= {"given": p["given"].ar, "family": arabic_clerk(family), "father": p["father"].ar,
                    "birth": PartialDate(born.year)}  # fmt: skip
        elif style == "kunya":
            kunya = ("Umm " if p["sex"] == "f" else "Abu ") + english_latin(self.latin(p["kunya_child"]), rng)
            rec |= {"kunya": kunya, "family": english_latin(family, rng),
                    "birth": PartialDate(born.year + rng.choice([0, 0, 1, -1]))}  # fmt: skip
        else:
            at = PartialDate(2019, rng.randint(1, 12), rng.randint(1, 28))
            age = at.year - born.year - ((at.month, at.day) < (born.month, born.day))
            rec |= {"given": english_latin(given, rng), "family": english_latin(family, rng),
                    "birth": StatedAge(age, at), "father": english_latin(father, rng) if rng.random() < 0.5 else None}  # fmt: skip
        if rng.random() < 0.15 and rec.get("given") and script_of(rec["given"]) == "latin":
            rec["given"] = typo(rec["given"], rng)
        if rng.random() < 0.15 and rec.get("family") and script_of(rec["family"]) == "latin":
            rec["family"] = typo(rec["family"], rng)
        return rec


POPULATIONS = ("kazakh", "uzbek", "tajik", "mixed")


class MixedPopulation:
    """Kazakh, Uzbek and Tajik families in one registry (``nations``), each
    family written by its own nation's rules, drawn from one random stream."""

    def __init__(self, seed: int, nations: tuple[str, ...]) -> None:
        self.rng = random.Random(seed)
        self.kazakh = Population(seed)
        self.kazakh.rng = self.rng
        self.by_nation = {n: CentralAsianPopulation(n, self.rng) for n in ("uzbek", "tajik")}
        self.nations = nations

    def _of(self, p: dict) -> Population | CentralAsianPopulation:
        return self.by_nation[p["nation"]] if "nation" in p else self.kazakh

    def families(self, n_persons: int) -> list[dict]:
        people: list[dict] = []
        while len(people) < n_persons:
            nation = self.rng.choice(self.nations)
            group = self.kazakh.family_group() if nation == "kazakh" else self.by_nation[nation].family_group()
            for person in group:
                people.append({"pid": len(people), **person})
        return people[:n_persons]

    def registry_record(self, p: dict) -> dict:
        return self._of(p).registry_record(p)

    def list_record(self, p: dict) -> dict:
        return self._of(p).list_record(p)


def make(
    n_registry: int, n_list: int, *, unmatched_share: float = 0.2, seed: int = 7, population: str = "kazakh"
) -> tuple[list[dict], list[dict]]:
    """A registry and a list; a share of the list's people are not in the
    registry. ``population``: "kazakh" (a Kazakh Cyrillic registry), "uzbek"
    (Uzbek Latin and Cyrillic), "tajik" (Tajik Cyrillic) or "mixed" (the
    three nations' families in one registry)."""
    if population not in POPULATIONS:
        raise ValueError(f"population must be one of {', '.join(POPULATIONS)}")
    pop: Population | MixedPopulation = (
        Population(seed)
        if population == "kazakh"
        else MixedPopulation(seed, ("kazakh", "uzbek", "tajik") if population == "mixed" else (population,))
    )
    people = pop.families(n_registry + int(n_list * unmatched_share) + 1)
    registered, outside = people[:n_registry], people[n_registry:]
    rng = pop.rng
    chosen = rng.sample(registered, n_list - int(n_list * unmatched_share)) + outside[: int(n_list * unmatched_share)]
    return [pop.registry_record(p) for p in registered], [pop.list_record(p) for p in chosen]
