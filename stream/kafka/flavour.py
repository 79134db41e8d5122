"""Which broker answers: Tansu or Apache Kafka, told apart over the wire.

Tansu (the embedded broker) needs two workarounds that Apache Kafka does not: the
true end offsets of changelogs read before recovery (its ListOffsets under-reports
batched partitions) and a 10 ms fetch wait (it waits out the whole wait of a fetch
over several partitions). They follow what the broker *is*, not who started it, so
a worker pointed at a `stream broker` with STREAM_BOOTSTRAP_SERVERS gets them too.

Measured (ApiVersions and Metadata v5 of Tansu 0.6 and Apache Kafka 4.1):

- Tansu's cluster id is `tansu_cluster` (its `--kafka-cluster-id` default); Kafka's
  is a random base64 UUID formatted with the log dir;
- Tansu lists 36 API keys, Kafka 4.1 lists 73; Tansu lacks OffsetForLeaderEpoch (23),
  WriteTxnMarkers (27) and CreatePartitions (37), which every Apache Kafka since 1.0
  lists. So a Tansu started with another cluster id is still recognised.

Both brokers answer ApiVersions v1 and Metadata v5 to aiokafka 0.14, both with one
broker as its own controller, so those say nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from stream._faust.metadata import BrokerFacts, broker_facts
from stream.kafka.watch import first_answer
from stream.settings import Settings

log = logging.getLogger(__name__)

TANSU_CLUSTER_ID = "tansu_cluster"
# OffsetForLeaderEpoch, WriteTxnMarkers, CreatePartitions: in every Apache Kafka >= 1.0.
KAFKA_ONLY_KEYS = frozenset({23, 27, 37})


@dataclass(frozen=True, slots=True)
class Flavour:
    tansu: bool
    evidence: str


def flavour_of(facts: BrokerFacts) -> Flavour:
    """Tansu or not, from what one broker answered (pure), with the evidence in words."""
    if facts.cluster_id == TANSU_CLUSTER_ID:
        return Flavour(True, f"cluster id {facts.cluster_id!r}")
    missing = sorted(KAFKA_ONLY_KEYS - facts.api_keys)
    if missing == sorted(KAFKA_ONLY_KEYS):
        return Flavour(True, f"no API keys {missing} in ApiVersions")
    return Flavour(False, f"cluster id {facts.cluster_id!r}, {len(facts.api_keys)} API keys")


async def broker_flavour(settings: Settings, bootstrap_servers: str) -> Flavour:
    """What the first answering broker of `bootstrap_servers` is."""
    return flavour_of(await first_answer(settings, bootstrap_servers, broker_facts))


async def broker_is_tansu(settings: Settings, bootstrap_servers: str) -> bool:
    return (await broker_flavour(settings, bootstrap_servers)).tansu


async def tuned_for_broker(settings: Settings, bootstrap_servers: str) -> Settings:
    """`settings` with each automatic (unset) Tansu workaround chosen by the broker that
    answers; explicit STREAM_VERIFY_END_OFFSETS / STREAM_FETCH_MAX_WAIT_MS win, and
    when both are set the broker is not asked."""
    if settings.verify_end_offsets is not None and settings.fetch_max_wait_ms is not None:
        return settings
    flavour = await broker_flavour(settings, bootstrap_servers)
    tuned = settings.for_broker(tansu=flavour.tansu)
    log.info(
        "Kafka at %s is %s (%s): verify end offsets %s, fetch wait %d ms",
        bootstrap_servers,
        "Tansu" if flavour.tansu else "not Tansu",
        flavour.evidence,
        "on" if tuned.verify_end_offsets else "off",
        tuned.fetch_max_wait_ms,
    )
    return tuned
