"""Tests of `stream.status` and its rendering: members joined to workers, lag, owners."""

from __future__ import annotations

from typing import Any

import orjson

from stream.cli.status import render
from stream.status import Member, WorkerView, build, short

A = "faust-0.15.3-aba32aa5-6e4f-4493-90c6-b10dc24e677c"
B = "faust-0.15.3-fa9d9851-4388-401e-a654-87623bc62f99"
END = {("pages.raw", 0): 10, ("pages.raw", 1): 7, ("teasers.fresh", 0): 4}


def ready(member: str, *assigned: str) -> dict[str, Any]:
    return {"ready": True, "reason": None, "assigned": list(assigned), "member_id": member}


def report(members: list[Member], workers: list[WorkerView]) -> Any:
    return build(
        group="stream",
        state="Stable",
        members=members,
        workers=workers,
        committed={("pages.raw", 0): 8, ("pages.raw", 1): None, ("teasers.fresh", 0): 4},
        beginning={("pages.raw", 1): 2},
        end=END,
        end_offsets="read",
    )


def test_lag_is_end_minus_committed_or_minus_the_beginning_before_any_commit() -> None:
    rows = report([], []).partitions

    assert [(p.topic, p.partition, p.committed, p.end, p.lag) for p in rows] == [
        ("pages.raw", 0, 8, 10, 2),
        ("pages.raw", 1, None, 7, 5),
        ("teasers.fresh", 0, 4, 4, 0),
    ]


def test_the_brokers_assignment_wins_and_the_worker_is_matched_by_member_id() -> None:
    members = [
        Member(A, "c", "10.0.0.2", {"pages.raw": [0, 1], "stream-teasers-seen-changelog": [0]}),
        Member(B, "c", "10.0.0.3", {"teasers.fresh": [0], "pages.raw": []}),
    ]
    workers = [
        WorkerView("http://a:6066", 200, ready(A, "pages.raw[5]")),
        WorkerView("http://b:6066", 503, {"ready": False, "reason": "rebalancing", "member_id": B}),
    ]

    result = report(members, workers)

    assert [(m.url, m.assigned, m.assignment_from, m.readiness) for m in result.members] == [
        ("http://a:6066", {"pages.raw": [0, 1]}, "broker", "ready"),
        ("http://b:6066", {"teasers.fresh": [0]}, "broker", "not ready: rebalancing"),
    ]
    assert [p.owner for p in result.partitions] == [A, A, B]


def test_without_the_brokers_assignment_the_worker_says_what_it_owns() -> None:
    members = [Member(A, "", "", None), Member(B, "", "", None)]
    workers = [WorkerView("http://a:1", 200, ready(A, "pages.raw[1]", "pages.raw[0]"))]

    result = report(members, workers)

    assert [(m.assigned, m.assignment_from, m.readiness) for m in result.members] == [
        ({"pages.raw": [0, 1]}, "worker", "ready"),
        ({}, "unknown", "not announced"),
    ]


def test_announced_workers_outside_the_group_are_listed_apart() -> None:
    workers = [
        WorkerView("http://gone:1", None, None, error="Connection refused"),
        WorkerView("http://a:1", 200, ready(A)),
    ]

    result = report([Member(A, "", "", None)], workers)

    assert [(w.url, w.readiness) for w in result.others] == [
        ("http://gone:1", "no answer (Connection refused)")
    ]


def test_the_table_and_the_json_say_the_same() -> None:
    result = report(
        [Member(A, "c", "10.0.0.2", {"pages.raw": [0, 1]})],
        [WorkerView("http://a:6066", 200, ready(A))],
    )

    lines = render(result).splitlines()
    data = orjson.loads(orjson.dumps(result.as_json()))

    assert lines[0] == "group stream: Stable, 1 member(s), total lag 7 (end offsets read)"
    assert lines[2].split() == ["member", "host", "url", "readyz", "partitions"]
    assert lines[3].split() == [
        "b10dc24e677c",
        "10.0.0.2",
        "http://a:6066",
        "ready",
        "pages.raw[0,1]",
    ]
    assert lines[6].split() == ["pages.raw", "0", "b10dc24e677c", "8", "10", "2"]
    assert lines[7].split() == ["pages.raw", "1", "b10dc24e677c", "-", "7", "5"]
    assert lines[8].split() == ["teasers.fresh", "0", "-", "4", "4", "0"]
    assert (data["total_lag"], data["members"][0]["url"], data["partitions"][1]["committed"]) == (
        7,
        "http://a:6066",
        None,
    )


def test_short_member_ids() -> None:
    assert (short(A), short("consumer-1"), short(None)) == ("b10dc24e677c", "consumer-1", "-")
