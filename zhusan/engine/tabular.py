"""The one CSV/XLSX reader, and the value normalisers every reader of a
person list shares (``zhusan link``, linkage jobs, manifest import).

* :func:`read_table` gives the header and the rows of the first sheet, every
  cell as text. CSV must be UTF-8 (a byte-order mark is dropped); its
  delimiter (comma, semicolon or tab) is sniffed. XLSX is opened read-only and
  formulas are never evaluated: a formula cell gives its formula text
  (``=1+1``), kept as typed; a whole number stored as a float gives ``2016``,
  not ``2016.0``; a date cell gives its ISO date. Rows with no text are left
  out.
* :func:`normalise_sex` reads the sex column of lists from camps, prisons and
  registry offices: English, Russian, Kazakh and Arabic words and their usual
  abbreviations.
* :func:`header_key` and :func:`recognise_headers` find the columns by their
  usual names in English, Russian, Kazakh, Uzbek, Tajik and Arabic.

A problem is a :class:`TableError` with a :attr:`~TableError.kind` the caller
turns into its own message (translated in the app, plain in the command).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

Kind = Literal["csv", "xlsx"]

#: File name endings read as each kind.
SUFFIXES: dict[str, Kind] = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


class TableError(ValueError):
    """A file that cannot be read as a table. ``kind`` says why: ``binary``
    (a CSV with NUL bytes), ``encoding`` (not UTF-8), ``csv`` (malformed
    CSV), ``xlsx`` (not a readable workbook), ``empty`` (no row with text)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind, self.detail = kind, detail
        super().__init__(f"{kind}: {detail}" if detail else kind)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def kind_of(name: str) -> Kind | None:
    """``csv`` or ``xlsx`` from a file name's ending, or None."""
    return SUFFIXES.get(Path(name).suffix.lower())


def cell_text(value: object) -> str:
    """One cell as text: None is empty, 2016.0 is ``2016``, a date is its ISO
    date (a midnight time dropped), a formula is its text, never evaluated."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()[:10] if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data:
        raise TableError("binary", "NUL bytes in a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError("encoding", f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise TableError("csv", str(exc)) from exc


def _xlsx_rows(source: Path | BinaryIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell yields its formula text; nothing is calculated.
        workbook = load_workbook(source, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        raise TableError("xlsx", type(exc).__name__) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v) for v in row]
    finally:
        workbook.close()


def iter_rows(source: Path | BinaryIO | bytes, kind: Kind) -> Iterator[list[str]]:
    """Every row of the file (the header first) as text cells, rows with no
    text left out."""
    if kind == "csv":
        if isinstance(source, bytes):
            data = source
        elif isinstance(source, Path):
            data = source.read_bytes()
        else:
            data = source.read()
        rows = _csv_rows(data)
    else:
        rows = _xlsx_rows(io.BytesIO(source) if isinstance(source, bytes) else source)
    for row in rows:
        if any(row):
            yield row


def read_table(source: Path | BinaryIO | bytes, kind: Kind) -> Table:
    """The header and rows of a CSV or XLSX file; :class:`TableError` if it
    cannot be read or has no row with text."""
    rows = iter_rows(source, kind)
    header = next(rows, None)
    if header is None:
        raise TableError("empty", "no row with text")
    return Table(header, list(rows))


# --- Values ----------------------------------------------------------------------

Sex = Literal["female", "male", "unknown"]

#: Words and abbreviations for sex on lists in English, Russian, Kazakh,
#: Uzbek, Kyrgyz, Tajik and Arabic, compared lower-cased, without a trailing
#: full stop.
SEX_WORDS: dict[str, Sex] = {
    # English
    "f": "female", "female": "female", "woman": "female", "girl": "female",
    "m": "male", "male": "male", "man": "male", "boy": "male",
    "u": "unknown", "unknown": "unknown",
    # Russian
    "ж": "female", "жен": "female", "женский": "female", "женщина": "female", "девочка": "female",
    "м": "male", "муж": "male", "мужской": "male", "мужчина": "male", "мальчик": "male",
    "неизв": "unknown", "неизвестно": "unknown", "неизвестен": "unknown",
    # Kazakh
    "әйел": "female", "әйелі": "female", "қыз": "female",
    "ер": "male", "еркек": "male", "ұл": "male",
    "белгісіз": "unknown",
    # Uzbek (Latin and Cyrillic), Kyrgyz, Tajik
    "ayol": "female", "аёл": "female", "qiz": "female", "қиз": "female", "аял": "female", "кыз": "female",
    "зан": "female", "духтар": "female",
    "erkak": "male", "эркак": "male", "эркек": "male", "мард": "male", "писар": "male",
    "noma'lum": "unknown", "номаълум": "unknown",
    # Arabic
    "أنثى": "female", "انثى": "female", "أنثي": "female", "انثي": "female",
    "ذكر": "male",
    "غير معروف": "unknown",
}  # fmt: skip


def normalise_sex(value: str) -> Sex | None:
    """``female``, ``male`` or ``unknown`` for a sex as lists write it
    (``F``, ``жен.``, ``Мужской``, ``әйел``, ``ayol``, ``мард``, ``ذكر`` …);
    None if the value is not one of them (an empty cell included)."""
    word = " ".join(value.strip().lower().rstrip(".").split())
    return SEX_WORDS.get(word.translate(_APOSTROPHES))


#: Uzbek Latin writes its apostrophe (noma'lum, tugʻilgan) in any of these.
_APOSTROPHES = str.maketrans({ch: "'" for ch in "ʻʼ‘’`"})


def header_key(header: str) -> str:
    """A header as compared: lower case, without spaces, dots, dashes,
    underscores and apostrophes of any form (``Date of birth`` and
    ``date_of_birth`` meet, and ``Tug'ilgan sana`` and ``Tugʻilgan sana``)."""
    return "".join(ch for ch in header.strip().lower() if ch not in " ._-'’ʻʼ‘`")


#: Usual header names of a person list's columns, by the key the linkage and
#: the imports use for them.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "recid", "recordid", "recordno", "recordnumber", "ref", "reference", "refno", "caseno",
           "casenumber", "caseid", "personid", "listno", "no", "nr", "№", "№пп", "пп", "номер", "ид", "нөмір",
           "رقم", "الرقم"),
    "full_name": ("name", "fullname", "personname", "nameinfull", "фио", "имя фамилия", "полноеимя", "толықаты",
                  "атыжөні", "الاسم", "الاسمالكامل", "ism", "ismsharif", "toliqism", "исмишарифи", "номунасаб"),
    "given": ("given", "givenname", "firstname", "forename", "имя", "аты", "ismi", "исми", "ном", "الاسمالأول"),
    "family": ("family", "familyname", "surname", "lastname", "фамилия", "тегі", "familiya", "фамилияси",
               "насаб", "اللقب"),
    "patronymic": ("patronymic", "middlename", "отчество", "әкесініңаты", "otasiningismi", "отасинингисми",
                   "номипадар"),
    "father": ("father", "fathersname", "fathername", "имяотца", "اسمالأب", "اسمالاب"),
    "mother": ("mother", "mothersname", "mothername", "mothersmaidenname", "имяматери", "мать", "анасыныңаты",
               "اسمالأم", "اسمالام", "onasiningismi"),
    "kunya": ("kunya", "куня", "кунья", "كنية", "الكنية"),
    "alias": ("alias", "aliases", "aka", "alsoknownas", "nickname", "othername", "othernames", "knownas",
              "nomdeguerre", "прозвище", "псевдоним", "кличка", "другиеимена", "лақабы", "лақап", "taxallus",
              "laqab", "لقب", "الشهرة", "اسمآخر"),
    "birth": ("birth", "dob", "birthdate", "dateofbirth", "born", "датарождения", "туғанкүні", "tugilgansana",
              "туғилгансана", "санаитаваллуд", "تاريخالميلاد", "تاريخالولادة"),
    "birth_year": ("birthyear", "yearofbirth", "yob", "годрождения", "туғанжылы", "tugilganyil", "туғилганйил",
                   "солитаваллуд", "سنةالميلاد"),
    "age": ("age", "ageyears", "agestated", "statedage", "возраст", "возрастлет", "полныхлет", "жасы", "жас", "yosh",
            "yoshi", "سن", "السن", "العمر", "عمر"),
    "age_on": ("agedate", "ageon", "listdate", "dateoflist", "statedon", "asof", "asat", "recordedon", "dateofrecord",
               "interviewdate", "dateofinterview", "датасписка", "датасоставления", "надату", "тізімкүні",
               "تاريخالقائمة"),
    "sex": ("sex", "gender", "пол", "жынысы", "jinsi", "жинси", "ҷинс", "الجنس"),
    "place": ("place", "placeofbirth", "birthplace", "pob", "место", "месторождения", "туғанжері", "tugilganjoyi",
              "туғилганжойи", "ҷоитаваллуд", "مكانالميلاد", "مكانالولادة", "city", "город"),
    "address": ("address", "address1", "addressline1", "street", "streetaddress", "homeaddress", "residence",
                "адрес", "адресжительства", "мекенжай", "manzil", "العنوان", "عنوان"),
    "district": ("district", "suburb", "locality", "neighbourhood", "neighborhood", "village", "town", "район",
                 "населенныйпункт", "поселок", "аудан", "ауыл", "tuman", "mahalla", "الحي", "المنطقة", "البلدة"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "postindex", "индекс", "почтовыйиндекс", "пошталықиндекс",
                 "pochtaindeksi", "الرمزالبريدي"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "contactphone",
              "телефон", "тел", "мобильный", "telefon", "هاتف", "الهاتف", "رقمالهاتف", "جوال"),
    "travel_group": ("travelgroup", "group", "группа", "топ"),
}  # fmt: skip

#: Further columns read into the same key, joined in the header's order with
#: a space (an address written over several columns: number, street, line 2).
MORE_COLUMNS: dict[str, tuple[str, ...]] = {
    "address": ("streetnumber", "housenumber", "houseno", "номердома", "дом", "address2", "addressline2",
                "квартира"),
}  # fmt: skip


def recognise_headers(
    headers: Sequence[str], names: Mapping[str, Sequence[str]] = HEADER_NAMES, *, taken: Sequence[str] = ()
) -> dict[str, str]:
    """Key → header for each key of ``names`` one of whose usual names is in
    ``headers`` (the first header found wins; a header serves one key;
    headers in ``taken`` are left alone)."""
    by_key: dict[str, str] = {}
    for h in headers:
        if h:
            by_key.setdefault(header_key(h), h)
    used = set(taken)
    found: dict[str, str] = {}
    for key, usual in names.items():
        for name in usual:
            header = by_key.get(header_key(name))
            if header is not None and header not in used:
                found[key] = header
                used.add(header)
                break
    return found
