from pathlib import Path

import pytest

from zhusan.engine.name_families import load, table


@pytest.mark.parametrize(
    "spellings",
    [
        ["Yusuf", "Zhusip", "Jusup", "Iosif", "Юсуф", "Жүсіп", "يوسف"],
        ["Muhammad", "Mukhammed", "Magomed", "Мұхаммед", "محمد"],
        ["Aisha", "Aysha", "Айша", "عائشة"],
        ["Fatima", "Patimat", "Фатима", "فاطمة"],
        ["Ibrahim", "Ibragim", "Ыбырай", "إبراهيم"],
    ],
)
def test_spellings_across_scripts_belong_to_one_family(spellings):
    t = table()
    ids = [t.ids(s) for s in spellings]
    assert all(ids), [s for s, i in zip(spellings, ids, strict=True) if not i]
    assert set.intersection(*map(set, ids))


def test_different_names_are_different_families():
    assert not table().same_family("Yusuf", "Muhammad")
    assert not table().same_family("Aisha", "Fatima")


def test_the_table_covers_at_least_300_names_and_names_its_sources():
    text = Path("zhusan/engine/data/name_families.csv").read_text(encoding="utf-8")
    assert "# sources:" in text and "ICAO Doc 9303" in text
    assert len(table().families) >= 300


def test_a_family_listed_twice_is_refused(tmp_path):
    bad = tmp_path / "families.csv"
    bad.write_text("id,canonical,sex,variants\nyusuf,Yusuf,m,Yusuf\nyusuf,Yusuf,m,Jusup\n", encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice"):
        load(bad)
