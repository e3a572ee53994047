"""Clusters from scored pairs: union-find that honours must-link and cannot-link.

Besides the reviewers' cannot-link pairs, records that contradict each other (another
sex, birth years far apart, other documents, given names that are not variants:
haven.linkage.contradictions) are never put in one cluster: connected components over
pairwise links would otherwise chain a parent, a child and a sibling into one person.
A link refused for that reason is returned, with the reason, for a reviewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from haven.linkage.engine.results import ScoredPair


class _Components:
    def __init__(self, ids: Sequence[str], household: Mapping[str, str] | None = None) -> None:
        self.parent = {record_id: record_id for record_id in ids}
        self.members: dict[str, list[str]] = {record_id: [record_id] for record_id in ids}
        # Per component, the household registrations its records came from.
        self.homes: dict[str, set[str]] = {
            record_id: {home} for record_id in ids
            if household and (home := household.get(record_id))}

    def root(self, record_id: str) -> str:
        parent = self.parent
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]  # path halving
            record_id = parent[record_id]
        return record_id

    def join(self, a: str, b: str, cannot: dict[str, set[str]],
             contradicts: Contradicts | None = None, *, homes: bool = True) -> str | None:
        """Join the components of a and b; return None, or why they stay apart.

        "cannot_link" when a reviewer's cannot-link pair would end up inside,
        "same_household" when both hold a record of one household registration, else
        the first contradiction between a record of one and a record of the other.
        A must-link (homes=False: a reviewer may confirm two rows of one household)
        skips the household check.
        """
        root_a, root_b = self.root(a), self.root(b)
        if root_a == root_b:
            return None
        if len(self.members[root_a]) > len(self.members[root_b]):
            root_a, root_b = root_b, root_a
        for member in self.members[root_a]:
            if any(self.root(other) == root_b for other in cannot.get(member, ())):
                return CANNOT_LINK
        homes_a, homes_b = self.homes.get(root_a), self.homes.get(root_b)
        if homes and homes_a and homes_b and not homes_a.isdisjoint(homes_b):
            return SAME_HOUSEHOLD
        if contradicts is not None:
            for member in self.members[root_a]:
                for other in self.members[root_b]:
                    if reason := contradicts(member, other):
                        return reason
        self.parent[root_a] = root_b
        self.members[root_b].extend(self.members.pop(root_a))
        if homes_a:
            self.homes.setdefault(root_b, set()).update(self.homes.pop(root_a))
        return None


Contradicts = Callable[[str, str], str]
CANNOT_LINK = "cannot_link"
# Two rows of one household registration are two people: the registration refuses a
# member listed twice. The registry's runs keep them apart too (clusters.Clusters), and
# never ask a reviewer about them.
SAME_HOUSEHOLD = "same_household"


def cluster(ids: Sequence[str], pairs: Iterable[ScoredPair], *, upper: float,  # noqa: PLR0912
            must_link: Iterable[tuple[str, str]] = (),
            cannot_link: Iterable[tuple[str, str]] = (),
            contradicts: Contradicts | None = None,
            held: dict[tuple[str, str], str] | None = None,
            household: Mapping[str, str] | None = None,
            ) -> tuple[dict[str, str], dict[str, float]]:
    """Return (record_id → cluster_id, record_id → match probability).

    Must-link pairs join first, then pairs at or above `upper` in descending
    probability; a join that would put a cannot-link pair in one cluster is skipped,
    and so is one that would join two records `contradicts(a, b)` gives a reason for
    (must-links, a reviewer's word, are never refused), and, given `household`
    (record_id -> household registration), one that would put two records of one
    household in one cluster. Each refused pair at or above
    `upper` goes into `held` with the reason. A cluster's id is the smallest record_id
    in it. A record's probability is the highest of the pairs that joined it to its
    cluster (1.0 for must-link); a singleton gets the highest probability of any pair
    it was scored in, or 0.0.
    """
    known = set(ids)
    cannot: dict[str, set[str]] = {}
    for a, b in cannot_link:
        if a in known and b in known:
            cannot.setdefault(a, set()).add(b)
            cannot.setdefault(b, set()).add(a)
    components = _Components(ids, household)
    best: dict[str, float] = dict.fromkeys(ids, 0.0)
    linked: dict[str, float] = {}
    for a, b in must_link:
        if a in known and b in known and components.join(a, b, cannot, homes=False) is None:
            for record_id in (a, b):
                linked[record_id] = 1.0
    pair_list = list(pairs)
    for pair in pair_list:
        for record_id in (pair.left_id, pair.right_id):
            best[record_id] = max(best[record_id], pair.probability)
    edges = sorted(((p.probability, p.left_id, p.right_id) for p in pair_list
                    if p.probability >= upper), reverse=True)
    for probability, a, b in edges:
        reason = components.join(a, b, cannot, contradicts)
        if reason is None:
            for record_id in (a, b):
                linked[record_id] = max(linked.get(record_id, 0.0), probability)
        elif held is not None and components.root(a) != components.root(b):
            held[(a, b)] = reason
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
