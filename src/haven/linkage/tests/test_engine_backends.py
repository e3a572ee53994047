"""One dedupe body on every backend: DuckDB and Spark give the same clusters."""

from __future__ import annotations

import pytest

from haven.linkage.engine import dedupe
from haven.linkage.tests.test_engine import ANAHIT, OTHERS, table

pytest.importorskip("pyspark")


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_same_clusters_on_every_backend(engine: str) -> None:
    records = table(*ANAHIT, *OTHERS, {
        "record_id": "swap", "given_name": "Lusine", "family_name": "Акопян", "sex": "f",
        "birth_date": "1985-03-04"}, {
        "record_id": "swap-2", "given_name": "Лусине", "family_name": "Hakobyan", "sex": "f",
        "birth_date": "1985-04-03"})
    result = dedupe(records, engine=engine)
    assert result.engine == engine
    groups = sorted(sorted(r for r, c in result.clusters.items() if c == cluster)
                    for cluster in set(result.clusters.values()))
    assert groups == [["goris-7", "kornidzor-1", "vayk-3"], ["swap", "swap-2"], ["x-1"],
                      ["x-2"]]
    pair = next(p for p in result.pairs if p.left_id == "swap")
    assert pair.levels["birth_date"] == "day and month swapped"
