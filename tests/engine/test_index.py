from zhusan.engine.dates import PartialDate
from zhusan.engine.index import RegistryIndex
from zhusan.engine.persons import person_columns

REGISTRY = [
    {"given": "Айша", "family": "Жүсіпова", "father": "Серік", "birth": PartialDate(1990, 3, 14), "sex": "f"},
    {"given": "Фатима", "family": "Жүсіпова", "father": "Серік", "birth": PartialDate(1992, 7, 2), "sex": "f"},
    {"given": "Юсуф", "family": "Иванов", "father": "Марат", "birth": PartialDate(1985, 1, 9), "sex": "m"},
    {"given": "Мухаммед", "family": "Ахметов", "father": "Ерлан", "birth": PartialDate(2001, 5, 5), "sex": "m"},
    {"given": "Айгерим", "family": "Сарсенова", "father": "Нурлан", "birth": PartialDate(1978, 11, 30), "sex": "f"},
]


def _index() -> RegistryIndex:
    return RegistryIndex(person_columns(REGISTRY), n_random=200)


def test_a_latin_spelling_finds_the_cyrillic_registry_person() -> None:
    hits = _index().query({"given": "Aysha", "family": "Zhusupova", "father": "Serik", "birth": "1990"})
    assert hits
    assert hits[0].row == 0


def test_an_arabic_script_name_finds_the_person_across_scripts() -> None:
    hits = _index().query({"given": "يوسف", "family": "Ivanov", "birth": "1985"})
    assert hits and hits[0].row == 2


def test_each_hit_carries_per_field_evidence() -> None:
    hit = _index().query({"given": "عائشة", "family": "Zhusupova", "birth": "1990-03-14"})[0]
    levels = {e.field: e.level for e in hit.evidence}
    assert levels["given name"] == "same name family"
    assert levels["date of birth"] == "same date of birth"
    assert levels["place"] == "missing on one side"
    assert 0.0 <= hit.probability <= 1.0


def test_a_sister_ranks_below_the_person_sought() -> None:
    hits = _index().query({"given": "Fatima", "family": "Zhusupova", "father": "Serik", "birth": "1991"})
    assert [h.row for h in hits][:2] == [1, 0]
    assert hits[0].weight > hits[1].weight


def test_a_record_sharing_no_blocking_key_finds_nothing() -> None:
    assert _index().query({"given": "John", "family": "Smith", "birth": "1950"}) == []


def test_fitting_on_incoming_records_keeps_the_right_answer() -> None:
    index = _index()
    index.fit(person_columns([{"given": "Aisha", "family": "Jusupova", "birth": "1990"},
                              {"given": "Yusuf", "family": "Ivanov", "birth": "1986"}]))  # fmt: skip
    assert index.fitted
    assert index.query({"given": "Yusup", "family": "Ivanov", "birth": "1985"})[0].row == 2


def test_a_surname_the_registry_never_wrote_that_counts_as_the_same_is_scored_by_the_registry_value() -> None:
    """Passport Latin writes Uzbek oʻ as O: JORAYEVA is Joʻrayeva, a spelling
    new to the index's vocabulary, past the frequencies it holds."""
    registry = [{"given": "Dilnoza", "family": "Joʻrayeva", "birth": PartialDate(1990, 3, 14), "sex": "f"}] + REGISTRY
    index = RegistryIndex(person_columns(registry), n_random=200)
    query = person_columns([{"given": "DILNOZA", "family": "JORAYEVA", "birth": PartialDate(1990, 3, 14), "sex": "f"}])
    _rows, found, weight, _levels = index.query_columns(query)
    assert found[weight.argmax()] == 0
    best = index.query({"given": "DILNOZA", "family": "JORAYEVA", "birth": "1990-03-14", "sex": "f"})[0]
    assert best.row == 0
    assert {e.field: e.level for e in best.evidence}["family name"].startswith("same surname")
