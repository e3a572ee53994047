"""The store reports keep their costly results in: a few per process, least recently used out."""

from __future__ import annotations

from haven.reports.kept import Kept


def test_it_keeps_at_most_its_size_and_lets_the_least_recently_used_go():
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the most recently used
    kept.put("c", 3)
    assert kept.get("b") is None
    assert kept.get("a") == 1
    assert kept.get("c") == 3


def test_forget_empties_it():
    kept: Kept[str, int] = Kept(4)
    kept.put("a", 1)
    kept.forget()
    assert kept.get("a") is None
