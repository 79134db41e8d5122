"""`stream status` as plain data: who is in the group, who owns what, how far behind.

`build` joins what `stream.cli.status` gathered: the group's members (from the
broker), the workers that announced themselves and what their `/readyz` said, and
the offsets of the partitions the agents consume. A member is matched to a worker by
the member id the worker reports on `/readyz`; its partitions are the broker's
assignment where the broker reports one (Apache Kafka), else what the worker says it
was assigned (Tansu lists member ids only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TP = tuple[str, int]

_ASSIGNED = re.compile(r"^(?P<topic>.+)\[(?P<partition>\d+)\]$")


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the group as the broker describes it."""

    member_id: str
    client_id: str
    host: str
    # topic -> partitions, as the broker reports the assignment; None when it does not.
    assigned: dict[str, list[int]] | None


@dataclass(frozen=True, slots=True)
class WorkerView:
    """One announced worker and what its `/readyz` answered (None: it did not)."""

    url: str
    status: int | None
    body: dict[str, Any] | None
    error: str | None = None

    @property
    def member_id(self) -> str | None:
        return None if self.body is None else self.body.get("member_id")

    def assigned(self) -> dict[str, list[int]]:
        by_topic: dict[str, list[int]] = {}
        for item in (self.body or {}).get("assigned") or []:
            match = _ASSIGNED.match(str(item))
            if match:
                by_topic.setdefault(match["topic"], []).append(int(match["partition"]))
        return {topic: sorted(ps) for topic, ps in by_topic.items()}

    @property
    def readiness(self) -> str:
        if self.status is None:
            return f"no answer ({self.error})" if self.error else "no answer"
        if self.body is not None and self.body.get("ready"):
            return "ready"
        reason = None if self.body is None else self.body.get("reason")
        return f"not ready: {reason}" if reason else f"HTTP {self.status}"


@dataclass(frozen=True, slots=True)
class MemberRow:
    member_id: str
    host: str
    url: str | None
    readiness: str
    ready: bool | None
    assigned: dict[str, list[int]]
    # Where `assigned` comes from: "broker", "worker" (its /readyz) or "unknown".
    assignment_from: str


@dataclass(frozen=True, slots=True)
class PartitionRow:
    topic: str
    partition: int
    owner: str | None
    committed: int | None
    end: int
    lag: int


@dataclass
class Report:
    group: str
    state: str
    end_offsets: str  # "read" (from the records) or "reported" (by the broker)
    members: list[MemberRow] = field(default_factory=list)
    partitions: list[PartitionRow] = field(default_factory=list)
    # Announced workers that are not in the group: stopped, or not joined yet.
    others: list[WorkerView] = field(default_factory=list)

    @property
    def total_lag(self) -> int:
        return sum(p.lag for p in self.partitions)

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "state": self.state,
            "end_offsets": self.end_offsets,
            "total_lag": self.total_lag,
            "members": [
                {
                    "member_id": m.member_id,
                    "host": m.host,
                    "url": m.url,
                    "ready": m.ready,
                    "readiness": m.readiness,
                    "assigned": m.assigned,
                    "assignment_from": m.assignment_from,
                }
                for m in self.members
            ],
            "partitions": [
                {
                    "topic": p.topic,
                    "partition": p.partition,
                    "owner": p.owner,
                    "committed": p.committed,
                    "end": p.end,
                    "lag": p.lag,
                }
                for p in self.partitions
            ],
            "other_workers": [
                {"url": w.url, "readiness": w.readiness, "member_id": w.member_id}
                for w in self.others
            ],
        }


def _sources(assigned: Mapping[str, list[int]], topics: set[str]) -> dict[str, list[int]]:
    return {t: ps for t, ps in sorted(assigned.items()) if t in topics and ps}


def build(
    *,
    group: str,
    state: str,
    members: Iterable[Member],
    workers: Iterable[WorkerView],
    committed: Mapping[TP, int | None],
    beginning: Mapping[TP, int],
    end: Mapping[TP, int],
    end_offsets: str,
) -> Report:
    """The report over the partitions in `end` (the ones the agents consume)."""
    topics = {topic for topic, _ in end}
    by_member = {w.member_id: w for w in workers if w.member_id}
    report = Report(group=group, state=state, end_offsets=end_offsets)
    owners: dict[TP, str] = {}
    for member in sorted(members, key=lambda m: m.member_id):
        worker = by_member.pop(member.member_id, None)
        if member.assigned is not None:
            assigned, source = _sources(member.assigned, topics), "broker"
        elif worker is not None and worker.body is not None:
            assigned, source = _sources(worker.assigned(), topics), "worker"
        else:
            assigned, source = {}, "unknown"
        for topic, partitions in assigned.items():
            for p in partitions:
                owners[(topic, p)] = member.member_id
        report.members.append(
            MemberRow(
                member_id=member.member_id,
                host=member.host,
                url=None if worker is None else worker.url,
                readiness="not announced" if worker is None else worker.readiness,
                ready=None if worker is None or worker.body is None else bool(worker.body["ready"]),
                assigned=assigned,
                assignment_from=source,
            )
        )
    matched = {m.url for m in report.members}
    report.others = sorted((w for w in workers if w.url not in matched), key=lambda w: w.url)
    for tp in sorted(end):
        done = committed.get(tp)
        start = done if done is not None else beginning.get(tp, 0)
        report.partitions.append(
            PartitionRow(
                topic=tp[0],
                partition=tp[1],
                owner=owners.get(tp),
                committed=done,
                end=end[tp],
                lag=max(0, end[tp] - start),
            )
        )
    return report


def short(member_id: str | None) -> str:
    """A member id as a table shows it: faust's are `faust-<version>-<uuid>`."""
    if member_id is None:
        return "-"
    return member_id.rsplit("-", 1)[-1][:12] if member_id.count("-") >= 2 else member_id[:12]
