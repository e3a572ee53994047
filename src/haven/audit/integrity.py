"""The audit log's invariant for `haven check --integrity`: its hash chain is unbroken."""

from __future__ import annotations

from collections.abc import Iterable

from haven.audit.chain import chain_verify
from haven.core.integrity import Finding, integrity_check


@integrity_check("audit.chain")
def audit_chain() -> Iterable[Finding]:
    checked, broken = chain_verify()
    if broken is not None:
        yield Finding("audit.chain", f"{broken} ({checked} events before it are intact)")
