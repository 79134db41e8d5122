"""The only package that touches faust or aiokafka internals; each patch has a guard test.

Everything else in `stream` calls the plain functions and classes here, and ruff's
private-member rule (SLF001) holds that everywhere outside this package and the
tests. faust-streaming and aiokafka are pinned below their next minor versions,
and `tests/unit/test_faust_door.py` fails loudly if an upgrade changes what a patch
relies on.

- `transport`: the consumer and transport adjusted for the embedded broker, and
  the hold on new stream partitions until their seek is done;
- `app`: the App whose producer is built by `_new_producer` and whose agent
  errors reach `_on_agent_error`;
- `producer`: faust's aiokafka producer with an exact pre-commit flush;
- `events`: which event a group-of-events body is working for (`in_event`);
- `state`: read-outs faust keeps no public getter for (committed offsets, table
  recovery, the keys a RocksDB store holds);
- `metadata`: one Metadata request over a fresh aiokafka connection.
"""
