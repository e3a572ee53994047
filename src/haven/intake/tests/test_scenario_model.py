"""Scenarios are data: the TOML file and its name lists are read and checked."""

import datetime as dt
import shutil

import pytest

from haven.core.errors import NotFound, ValidationFailed
from haven.core.names import Script, detect_script
from haven.intake.scenarios.model import SCENARIO_DIR, scenario_load, scenario_names, scenario_read

# The government tallies of BRIEF.md.
TALLIES = [
    (dt.date(2023, 9, 24), 1050), (dt.date(2023, 9, 25), 6500), (dt.date(2023, 9, 26), 28000),
    (dt.date(2023, 9, 27), 50000), (dt.date(2023, 9, 28), 65000),
    (dt.date(2023, 9, 29), 97700), (dt.date(2023, 9, 30), 100400),
    (dt.date(2023, 10, 2), 100514), (dt.date(2023, 10, 3), 100617),
]


@pytest.fixture
def karabakh():
    return scenario_load("karabakh-2023")


@pytest.fixture
def copy(tmp_path):
    """Return a function that writes a changed copy of karabakh-2023.toml and reads it."""
    shutil.copytree(SCENARIO_DIR / "names", tmp_path / "names")
    original = (SCENARIO_DIR / "karabakh-2023.toml").read_text(encoding="utf-8")

    def read(*replacements, name="bad"):
        text = original
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return scenario_read(path)

    return read


def test_karabakh_follows_the_published_tallies(karabakh):
    """The tallies are the brief's, in order; 3 October counts up to noon."""
    assert [(t.date, t.cumulative) for t in karabakh.tallies] == TALLIES
    assert karabakh.tallies[-1].until == dt.time(12, 0)
    assert karabakh.people == 100617
    assert str(karabakh.zone) == "Asia/Yerevan"


def test_karabakh_has_a_border_post_and_two_hubs(karabakh):
    """Everyone crosses at Kornidzor and goes on to Goris or Vayk."""
    assert karabakh.border.slug == "kornidzor"
    assert [h.slug for h in karabakh.hubs] == ["goris", "vayk"]
    assert karabakh.hubs[1].opens is not None


def test_the_name_lists_are_long_and_in_the_right_scripts(karabakh):
    """At least 60 surnames and 50 given names a sex, each column in its own script."""
    book = karabakh.naming.book
    assert len(book.surnames) >= 60
    assert len(book.female) >= 50
    assert len(book.male) >= 50
    vardanyan = next(e for e in book.surnames if e.key == "Վարդանյան")
    assert vardanyan.forms["cyrillic"] == ("Варданян",)
    assert vardanyan.forms["western"][0] == "Vartanian"
    assert vardanyan.forms["german"] == ("Wardanjan",)
    hovhannisyan = next(e for e in book.surnames if e.key == "Հովհաննիսյան")
    assert hovhannisyan.forms["russian"][0] == "Oganesyan"
    for entry in (*book.surnames, *book.female, *book.male):
        assert detect_script(entry.forms["armenian"][0]) == Script.ARMENIAN
        assert detect_script(entry.forms["cyrillic"][0]) == Script.CYRILLIC
        assert detect_script(entry.forms["eastern"][0]) == Script.LATIN
    sergey = next(e for e in book.male if e.key == "Սերգեյ")
    assert (sergey.patronymic_son, sergey.patronymic_daughter) == ("Сергеевич", "Сергеевна")


def test_scenarios_are_the_toml_files_of_the_folder():
    """Adding a scenario is adding a file."""
    assert "karabakh-2023" in scenario_names()


def test_an_unknown_scenario_is_not_found():
    """The message lists the scenarios there are."""
    with pytest.raises(NotFound, match="karabakh-2023"):
        scenario_load("kosovo-1999")


def test_a_bad_file_names_every_mistake_by_its_path(copy):
    """Falling tallies, unknown codes, misspelt settings and short lists are all reported."""
    with pytest.raises(ValidationFailed) as refused:
        copy(("cumulative = 28000", "cumulative = 6000"),
             ('["injured", 0, 120, 0.004]', '["frostbite", 0, 120, 0.004]'),
             ("spouse = 0.80", "spuose = 0.80"),
             ("hourly = [5, 4,", "hourly = ["),
             ('hub = "goris"', 'hub = "yerevan"'),
             ("rate = 0.025", "rate = 2.5"))
    errors = refused.value.errors
    assert errors["bad.toml: tallies[2].cumulative"] == ["must be more than 6500"]
    assert errors["bad.toml: vulnerabilities.rates[4]"] == ["unknown vulnerability 'frostbite'"]
    assert errors["bad.toml: households.spuose"] == ["is not a setting of a scenario (misspelt?)"]
    assert errors["bad.toml: households.spouse"] == ["is required"]
    assert errors["bad.toml: traffic.hourly"] == [
        "must be 24 numbers of at least 0, for hours 00 to 23"]
    assert errors["bad.toml: convoys[0].hub"] == ["must be one of the hubs: goris, vayk"]
    assert errors["bad.toml: duplicates.rate"] == ["must be at most 0.5"]
    assert len(errors) == 7  # and nothing else


def test_a_file_that_is_not_toml_says_so(copy):
    """A syntax error is reported with TOML's own position."""
    with pytest.raises(ValidationFailed) as refused:
        copy(("[households]", "[households"))
    (message,) = refused.value.errors["bad.toml"]
    assert message.startswith("is not valid TOML: ")


def test_a_name_in_the_wrong_script_is_refused_with_its_line(copy, tmp_path):
    """A Latin name in the Armenian column would corrupt the script mix: refused."""
    surnames = tmp_path / "names" / "surnames.csv"
    surnames.write_text(surnames.read_text(encoding="utf-8").replace(
        "Գրիգորյան,", "Grigoryan,", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        copy()
    assert refused.value.errors["bad.toml: surnames line 3"] == [
        "armenian 'Grigoryan' is not written in armenian letters"]
