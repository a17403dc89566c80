"""Work in progress against the scoring policy's capacity limits, per owner and per service.

Improvement fatigue is real: a team that starts a fifth change before the first four land
finishes none of them well. The limits are policy (`capacity` in policies/scoring.yaml);
this counts the records in the limited states, says what is left under each limit, and
which limits a record entering those states would break. The gate refuses such an entry
unless the record carries an exception for the governance approvers to approve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from csi_tool.policies.scoring import Capacity
from csi_tool.records.models import Record


@dataclass(frozen=True)
class Load:
    """One owner's or service's work in progress against its limit."""

    scope: str  # "owner" or "service"
    name: str
    limit: int | None  # None: not limited
    records: tuple[str, ...]  # ids in the limited states, in id order

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - len(self.records)

    @property
    def over(self) -> bool:
        return self.limit is not None and len(self.records) > self.limit

    def describe(self, states: str) -> str:
        """`service Service Desk has 4 records in_progress (limit 3): CSI-0001, …`."""
        return (
            f"{self.scope} {self.name} has {len(self.records)} records {states} "
            f"(limit {self.limit}): {', '.join(self.records)}"
        )


def loads(records: Iterable[Record], capacity: Capacity) -> list[Load]:
    """Every owner's and service's load, owners first, each in name order; services with
    no record in the limited states are listed too when the policy names them."""
    active = set(capacity.states)
    owners: dict[str, list[str]] = defaultdict(list)  # by handle, case folded: as GitHub
    shown: dict[str, str] = {}
    services: dict[str, list[str]] = {name: [] for name in capacity.services}
    for record in sorted(records, key=lambda r: r.id):
        if record.status not in active:
            continue
        if record.owner:
            owners[record.owner.casefold()].append(record.id)
            shown.setdefault(record.owner.casefold(), record.owner)
        if record.service:
            services.setdefault(record.service, []).append(record.id)
    found = [
        Load("owner", shown[key], capacity.owner_limit(shown[key]), tuple(ids))
        for key, ids in sorted(owners.items())
    ]
    found += [
        Load("service", service, capacity.service_limit(service), tuple(ids))
        for service, ids in sorted(services.items())
    ]
    return found


def broken_by(record: Record, records: Iterable[Record], capacity: Capacity) -> list[Load]:
    """The limits over their capacity that `record` (in a limited state) is part of."""
    return [load for load in loads(records, capacity) if load.over and record.id in load.records]
