"""Clusters from scored pairs: union-find that honours must-link and cannot-link."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from haven.linkage.engine.results import ScoredPair


class _Components:
    def __init__(self, ids: Sequence[str]) -> None:
        self.parent = {record_id: record_id for record_id in ids}
        self.members: dict[str, list[str]] = {record_id: [record_id] for record_id in ids}

    def root(self, record_id: str) -> str:
        parent = self.parent
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]  # path halving
            record_id = parent[record_id]
        return record_id

    def join(self, a: str, b: str, cannot: dict[str, set[str]]) -> bool:
        """Join the components of a and b unless a cannot-link pair would end up inside."""
        root_a, root_b = self.root(a), self.root(b)
        if root_a == root_b:
            return True
        if len(self.members[root_a]) > len(self.members[root_b]):
            root_a, root_b = root_b, root_a
        for member in self.members[root_a]:
            if any(self.root(other) == root_b for other in cannot.get(member, ())):
                return False
        self.parent[root_a] = root_b
        self.members[root_b].extend(self.members.pop(root_a))
        return True


def cluster(ids: Sequence[str], pairs: Iterable[ScoredPair], *, upper: float,
            must_link: Iterable[tuple[str, str]] = (),
            cannot_link: Iterable[tuple[str, str]] = ()) -> tuple[dict[str, str], dict[str, float]]:
    """Return (record_id → cluster_id, record_id → match probability).

    Must-link pairs join first, then pairs at or above `upper` in descending
    probability; a join that would put a cannot-link pair in one cluster is skipped. A
    cluster's id is the smallest record_id in it. A record's probability is the highest
    of the pairs that joined it to its cluster (1.0 for must-link); a singleton gets the
    highest probability of any pair it was scored in, or 0.0.
    """
    known = set(ids)
    cannot: dict[str, set[str]] = {}
    for a, b in cannot_link:
        if a in known and b in known:
            cannot.setdefault(a, set()).add(b)
            cannot.setdefault(b, set()).add(a)
    components = _Components(ids)
    best: dict[str, float] = dict.fromkeys(ids, 0.0)
    linked: dict[str, float] = {}
    edges = [(1.0, a, b) for a, b in must_link if a in known and b in known]
    pair_list = list(pairs)
    for pair in pair_list:
        for record_id in (pair.left_id, pair.right_id):
            best[record_id] = max(best[record_id], pair.probability)
    edges += sorted(((p.probability, p.left_id, p.right_id) for p in pair_list
                     if p.probability >= upper), reverse=True)
    for probability, a, b in edges:
        if components.join(a, b, cannot):
            for record_id in (a, b):
                linked[record_id] = max(linked.get(record_id, 0.0), probability)
    clusters: dict[str, str] = {}
    for members in components.members.values():
        cluster_id = min(members)
        for record_id in members:
            clusters[record_id] = cluster_id
    probabilities = {
        record_id: linked.get(record_id, 0.0) if len(components.members[components.root(
            record_id)]) > 1 else best[record_id]
        for record_id in ids
    }
    return clusters, probabilities
