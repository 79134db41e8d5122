"""The published schemas of every record, and the rule that keeps them compatible.

`write_schemas` turns the pydantic models (the contract) into one JSON Schema
(Draft 2020-12) file per record and an AsyncAPI 3.0 document of all topics, with
examples made by the real offline pipeline from a bundled sample page. The files
in the repository's `schemas/` folder are its output; CI checks they are up to
date (`schemas_up_to_date`) and that no model change breaks a consumer of the
committed version (`breaking_changes`) unless the record's `schema` tag is bumped.
Output schemas are published open (no `additionalProperties: false`): a consumer
must ignore fields it does not know, so that adding an optional field is safe.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from stream.errors import InputError, StreamError
from stream.models import Article, DeadLetter, PageEnvelope, Teaser
from stream.settings import Settings

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Schemas are identified by name, not by a web address nobody serves; a `$ref`
# between files is resolved against this base (`<base>article.v1.json`).
SCHEMA_ID_BASE = "urn:stream:schema:"
ASYNCAPI_FILE = "asyncapi.yaml"
# The version of the set of topics as a whole: bump its major together with any
# record's `schema` tag, its minor when a topic or an optional field is added.
ASYNCAPI_INFO_VERSION = "1.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
DEFAULT_BOOTSTRAP = "localhost:9092"

# Examples come from this bundled page, parsed as if it had been fetched at
# EXAMPLE_TIME, so the document is the same on every machine and every day.
EXAMPLE_PAGE = Path(__file__).parent.parent / "data" / "pages" / "000_4065343f77174ab1.txt"
EXAMPLE_TIME = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
EXAMPLE_URL = "https://news.example/politics/1234567"
# Lists in examples are cut to this many items: a page has ~100 teasers.
EXAMPLE_LIST_ITEMS = 2


class SchemaError(StreamError):
    reason = "schema"


class BreakingSchemaChange(SchemaError):
    """A model change would break existing consumers of a record version."""

    reason = "breaking_schema_change"

    def __init__(self, file: str, changes: list[str]) -> None:
        super().__init__(
            f"{file}: the models changed incompatibly with the committed schema "
            f"({'; '.join(changes)}). Bump the record's `schema` tag (e.g. article/1 -> "
            "article/2) or make the change compatible (new fields optional, none removed "
            "or retyped)."
        )
        self.file = file
        self.changes = changes


Mode = Literal["validation", "serialization"]


@dataclass(frozen=True, slots=True)
class RecordSchema:
    """One published record: its model and the file its JSON Schema goes to."""

    name: str
    model: type[BaseModel]
    # Outputs are described as consumers read them, the input as producers write it.
    mode: Mode

    @property
    def tag(self) -> str | None:
        field = self.model.model_fields.get("schema_")
        return str(field.default) if field is not None else None

    @property
    def version(self) -> int:
        # The input has no tag on the wire; its shape is version 1 until it needs one.
        return int(self.tag.rsplit("/", 1)[1]) if self.tag else 1

    @property
    def file_name(self) -> str:
        return f"{self.name}.v{self.version}.json"


RECORDS: tuple[RecordSchema, ...] = (
    RecordSchema("article", Article, "serialization"),
    RecordSchema("teaser", Teaser, "serialization"),
    RecordSchema("dead_letter", DeadLetter, "serialization"),
    RecordSchema("page_envelope", PageEnvelope, "validation"),
)


# -- JSON Schema files -------------------------------------------------------------


def json_schema(record: RecordSchema) -> dict[str, Any]:
    """The published JSON Schema of one record (Draft 2020-12)."""
    schema = record.model.model_json_schema(by_alias=True, mode=record.mode)
    if record.mode == "serialization":
        schema = _open(schema)
    title = f"{record.model.__name__} ({record.tag or record.name + '/' + str(record.version)})"
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": SCHEMA_ID_BASE + record.file_name,
        **schema,
        "title": title,
    }


def _open(node: Any) -> Any:
    """`node` without `additionalProperties: false`, at every depth.

    pydantic writes it because the models forbid unknown fields when *building* a
    record; a *consumer* that enforced it would reject every record once an
    optional field is added, which the evolution rules allow within a version.
    """
    if isinstance(node, dict):
        return {
            k: _open(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)
        }
    if isinstance(node, list):
        return [_open(v) for v in node]
    return node


def dump_json(data: Any) -> str:
    """Deterministic JSON text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- AsyncAPI document -------------------------------------------------------------


def _kafka(**fields: Any) -> dict[str, Any]:
    return {"kafka": {**fields, "bindingVersion": KAFKA_BINDING_VERSION}}


def _ref(*parts: str) -> dict[str, str]:
    return {"$ref": "#/" + "/".join(parts)}


def _components(settings: Settings) -> dict[str, Any]:
    """Every record schema with its `$defs` hoisted into `components.schemas`."""
    schemas: dict[str, Any] = {}
    for record in RECORDS:
        schema = json_schema(record)
        defs = schema.pop("$defs", {})
        for key in ("$schema", "$id"):
            schema.pop(key)
        for name, definition in [*defs.items(), (record.model.__name__, schema)]:
            rewritten = _rewrite_refs(definition)
            if schemas.get(name, rewritten) != rewritten:
                # Two records whose parts share a name but not a shape would need
                # distinct component names; none do today, so refuse rather than guess.
                raise SchemaError(f"two different schemas are both called {name!r}")
            schemas[name] = rewritten
    return dict(sorted(schemas.items()))


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/$defs/", "#/components/schemas/")
                if k == "$ref" and isinstance(v, str)
                else _rewrite_refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def asyncapi_document(settings: Settings, examples: Mapping[str, Any]) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the service's topics, as the service sees them."""
    s = settings
    channels = {
        "pagesRaw": (s.topic_pages, "Crawled pages: a JSON envelope or the raw page."),
        "articlesParsed": (s.topic_articles, "One article per page, keyed by `page_id`."),
        "teasersUnique": (
            s.topic_teasers,
            "The first sighting of each distinct teaser, enriched, keyed by `teaser_id`.",
        ),
        "pagesDlq": (
            s.topic_dlq,
            "Every input that could not become an article, keyed like the input.",
        ),
    }
    messages_of = {
        "pagesRaw": ["PageEnvelope", "RawPage"],
        "articlesParsed": ["Article"],
        "teasersUnique": ["Teaser"],
        "pagesDlq": ["DeadLetter"],
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "stream",
            "version": ASYNCAPI_INFO_VERSION,
            "description": (
                "Kafka ingestion of crawled news pages: pages in on `pages.raw`; articles, "
                "unique enriched teasers and dead letters out. Every output value is one "
                "UTF-8 JSON object with a `schema` tag (`article/1`, ...) and a "
                "deterministic id: delivery is at-least-once, so drop a record seen twice "
                "by its id. Consumers must ignore unknown fields: optional fields are "
                "added within a schema version; removing, retyping or requiring a field "
                "bumps the version. Python consumers can use `stream.client`."
            ),
            "license": {"name": "Apache-2.0"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": DEFAULT_BOOTSTRAP,
                "protocol": "kafka",
                "description": (
                    "Any Kafka-compatible cluster (`STREAM_BOOTSTRAP_SERVERS`); `stream run` "
                    "without it starts an embedded broker on loopback."
                ),
                "bindings": _kafka(),
            }
        },
        "channels": {
            channel_id: {
                "address": topic,
                "description": description,
                "messages": {
                    _lower_first(m): _ref("components", "messages", m)
                    for m in messages_of[channel_id]
                },
                "bindings": _kafka(
                    topic=topic, partitions=s.partitions, replicas=s.replication_factor
                ),
            }
            for channel_id, (topic, description) in channels.items()
        },
        "operations": {
            "receivePages": {
                "action": "receive",
                "title": "Ingest pages",
                "summary": "The workers consume pages as one consumer group.",
                "channel": _ref("channels", "pagesRaw"),
                "messages": [
                    _ref("channels", "pagesRaw", "messages", "pageEnvelope"),
                    _ref("channels", "pagesRaw", "messages", "rawPage"),
                ],
                "bindings": _kafka(groupId={"type": "string", "enum": [s.app_id]}),
            },
            **{
                operation: {
                    "action": "send",
                    "title": title,
                    "channel": _ref("channels", channel_id),
                    "messages": [_ref("channels", channel_id, "messages", _lower_first(message))],
                }
                for operation, channel_id, message, title in (
                    ("sendArticles", "articlesParsed", "Article", "Publish articles"),
                    ("sendTeasers", "teasersUnique", "Teaser", "Publish unique teasers"),
                    ("sendDeadLetters", "pagesDlq", "DeadLetter", "Publish dead letters"),
                )
            },
        },
        "components": {
            "messages": _messages(examples),
            "schemas": _components(settings),
        },
    }


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _key(description: str, *, nullable: bool = False) -> dict[str, Any]:
    key: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    return _kafka(key={**key, "description": description})


def _messages(examples: Mapping[str, Any]) -> dict[str, Any]:
    raw_headers = {
        "type": "object",
        "properties": {
            "url": {"type": "string", "description": "The page's URL (else the key)."},
            "fetched_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the page was fetched (RFC 3339).",
            },
            "content-type": {
                "type": "string",
                "description": "`text/plain` or `text/html` (parameters such as charset "
                "are ignored; `application/xhtml+xml` counts as HTML).",
            },
        },
    }
    return {
        "PageEnvelope": {
            "name": "PageEnvelope",
            "title": "Page (JSON envelope)",
            "summary": "A page with its metadata in one JSON object; unknown keys are kept "
            "as the article's `extra`.",
            "contentType": "application/json",
            "payload": _ref("components", "schemas", "PageEnvelope"),
            "bindings": _key("Optional; the page's URL.", nullable=True),
            "examples": [{"name": "envelope", "payload": examples["page_envelope"]}],
        },
        "RawPage": {
            "name": "RawPage",
            "title": "Page (raw body)",
            "summary": "The page itself, UTF-8 text or HTML, metadata in Kafka headers.",
            "contentType": "text/plain",
            "headers": raw_headers,
            "payload": {
                "type": "string",
                "description": "The page text or HTML; a value starting with `{` is read "
                "as a JSON envelope instead.",
            },
            "bindings": _key(
                "Optional; the page's URL when no `url` header is set.", nullable=True
            ),
            "examples": [
                {
                    "name": "raw",
                    "headers": examples["raw_page_headers"],
                    "payload": examples["raw_page"],
                }
            ],
        },
        "Article": {
            "name": "Article",
            "title": "Article (article/1)",
            "summary": "The article of one page.",
            "payload": _ref("components", "schemas", "Article"),
            "bindings": _key("The article's `page_id`."),
            "examples": [
                {
                    "name": "article",
                    "summary": f"From a sample page; lists cut to {EXAMPLE_LIST_ITEMS} items.",
                    "payload": examples["article"],
                }
            ],
        },
        "Teaser": {
            "name": "Teaser",
            "title": "Teaser (teaser/1)",
            "summary": "The first sighting of a distinct teaser.",
            "payload": _ref("components", "schemas", "Teaser"),
            "bindings": _key("The teaser's `teaser_id`."),
            "examples": [
                {"name": f"teaser{i + 1}", "summary": "From a sample page.", "payload": t}
                for i, t in enumerate(examples["teasers"])
            ],
        },
        "DeadLetter": {
            "name": "DeadLetter",
            "title": "Dead letter (dead_letter/1)",
            "summary": "An input that could not become an article, and why (`reason`).",
            "payload": _ref("components", "schemas", "DeadLetter"),
            "bindings": _key("The input's key (null when it had none).", nullable=True),
            "examples": [{"name": "not_utf8", "payload": examples["dead_letter"]}],
        },
    }


# -- Examples ----------------------------------------------------------------------


def examples(settings: Settings, page: Path = EXAMPLE_PAGE) -> dict[str, Any]:
    """Example records made by the real offline pipeline, the same on every run."""
    # Imported here: the pipeline pulls in the parser and enrichment, which the
    # schema files themselves do not need.
    from stream import intake
    from stream.cli.parse import parse_file

    with tempfile.TemporaryDirectory() as tmp:
        # `parse_file` dates the page by the file's mtime, and a dateline without a
        # year is read against that date: pin it.
        copy = Path(tmp) / page.name
        shutil.copyfile(page, copy)
        stamp = EXAMPLE_TIME.timestamp()
        os.utime(copy, (stamp, stamp))
        parsed = parse_file(copy, settings, enrich=False)

    cut = EXAMPLE_LIST_ITEMS
    article = Article.model_validate(parsed["article"]).model_copy(
        update={"parsed_at": EXAMPLE_TIME + dt.timedelta(seconds=1)}
    )
    article = article.model_copy(
        update={
            "paragraphs": article.paragraphs[:cut],
            "teaser_ids": article.teaser_ids[:cut],
        }
    )
    # The teasers the article example lists, so the examples refer to each other.
    by_id = {t["teaser_id"]: t for t in parsed["teasers"]}
    teasers = [
        Teaser.model_validate(by_id[teaser_id]).model_copy(
            update={"first_seen_at": EXAMPLE_TIME + dt.timedelta(seconds=1)}
        )
        for teaser_id in article.teaser_ids
    ]

    body = page.read_text(encoding="utf-8")
    # A page that cannot be decoded, run through the same intake the worker uses.
    bad = intake.InputMessage(
        value="Lavrov tells US".encode("utf-16"),
        key=EXAMPLE_URL.encode(),
        headers=(("content-type", b"text/plain"),),
        topic=settings.topic_pages,
        partition=3,
        offset=42,
        timestamp=EXAMPLE_TIME,
    )
    try:
        intake.decode(bad, max_bytes=settings.max_page_bytes)
    except InputError as error:
        letter = intake.dead_letter(
            bad,
            error,
            now=EXAMPLE_TIME + dt.timedelta(seconds=1),
            max_value_bytes=settings.max_dead_letter_value_bytes,
        )
    else:  # pragma: no cover - the intake accepting UTF-16 would be a bug there
        raise SchemaError("the dead-letter example page was accepted by the intake")

    excerpt = _excerpt(body)
    envelope = PageEnvelope(
        url=EXAMPLE_URL,
        fetched_at=EXAMPLE_TIME,
        content_type="text/plain",
        body=excerpt,
    )
    return {
        "article": _dump(article),
        "teasers": [_dump(t) for t in teasers],
        "dead_letter": _dump(letter),
        "page_envelope": envelope.model_dump(mode="json", exclude_none=True),
        "raw_page": excerpt,
        "raw_page_headers": {
            "url": EXAMPLE_URL,
            "fetched_at": EXAMPLE_TIME.isoformat(),
            "content-type": "text/plain; charset=utf-8",
        },
    }


def _dump(record: BaseModel) -> Any:
    return record.model_dump(mode="json", by_alias=True)


def _excerpt(body: str) -> str:
    """The headline, lead and dateline paragraph of a page: enough to show the shape."""
    lines = [line for line in body.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "All news" in line) + 1
    return "\n\n".join(lines[start : start + 3]) + "\n"


# -- YAML --------------------------------------------------------------------------

# Plain (unquoted) scalars only where no YAML reader can take them for anything but
# a string: no spaces, colons, leading digits or reserved words.
_PLAIN = re.compile(r"[A-Za-z_$][A-Za-z0-9_.$/-]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def dump_yaml(data: Any) -> str:
    """Deterministic block YAML of JSON-shaped data (key order kept).

    A small writer instead of a PyYAML dependency: strings that are not obviously
    plain are written as JSON strings, which are valid YAML double-quoted scalars.
    """
    return "\n".join(_yaml_lines(data, 0)) + "\n"


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
            return value
        return _quote(value)
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    raise SchemaError(f"cannot write {type(value).__name__} as YAML")


def _quote(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves these raw, but YAML reads some as line breaks or forbids them.
    return "".join(
        f"\\u{ord(c):04x}"
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") and c not in "\n\t"
        else c
        for c in quoted
    )


def _is_block(value: Any) -> bool:
    return isinstance(value, dict | list) and len(value) > 0


def _yaml_lines(data: Any, indent: int) -> Iterator[str]:
    pad = " " * indent
    if isinstance(data, dict) and data:
        for key, value in data.items():
            name = _yaml_scalar(str(key))
            if _is_block(value):
                yield f"{pad}{name}:"
                # Lists sit at the key's indentation, as most YAML in the wild does.
                yield from _yaml_lines(value, indent if isinstance(value, list) else indent + 2)
            else:
                yield f"{pad}{name}: {_yaml_scalar(value)}"
    elif isinstance(data, list) and data:
        for item in data:
            if _is_block(item):
                lines = list(_yaml_lines(item, indent + 2))
                yield f"{pad}- {lines[0][indent + 2 :]}"
                yield from lines[1:]
            else:
                yield f"{pad}- {_yaml_scalar(item)}"
    else:
        yield pad + _yaml_scalar(data)


# -- Files -------------------------------------------------------------------------


def render_schemas(settings: Settings | None = None) -> dict[str, str]:
    """File name -> text of every schema file, as `write_schemas` writes them.

    The AsyncAPI document describes the default topic names (the contract), not
    the ones a particular deployment configured.
    """
    # Defaults without reading STREAM_* variables: the files must not depend on
    # the environment of whoever generates them.
    settings = settings or Settings.model_construct()
    files = {record.file_name: dump_json(json_schema(record)) for record in RECORDS}
    files[ASYNCAPI_FILE] = dump_yaml(asyncapi_document(settings, examples(settings)))
    return files


def write_schemas(out_dir: Path, *, allow_breaking: bool = False) -> list[Path]:
    """Write every schema file into `out_dir`; returns their paths.

    A record schema already in `out_dir` with the same version is the baseline
    consumers rely on: if the models broke it, nothing is written and
    `BreakingSchemaChange` says what broke, unless `allow_breaking`.
    """
    files = render_schemas()
    for name, text in files.items():
        old = out_dir / name
        if allow_breaking or not name.endswith(".json") or not old.is_file():
            continue
        changes = breaking_changes(json.loads(old.read_text(encoding="utf-8")), json.loads(text))
        if changes:
            raise BreakingSchemaChange(name, changes)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def schemas_up_to_date(directory: Path) -> list[str]:
    """Names of the schema files in `directory` that are missing or differ from the models."""
    stale = []
    for name, text in render_schemas().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


# -- Compatibility -----------------------------------------------------------------


def schema_tag(schema: Mapping[str, Any]) -> str | None:
    """The `schema` tag a record schema pins (`article/1`), if it has one."""
    prop = schema.get("properties", {}).get("schema", {})
    tag = prop.get("const", prop.get("default"))
    return tag if isinstance(tag, str) else None


def breaking_changes(old_schema: Mapping[str, Any], new_schema: Mapping[str, Any]) -> list[str]:
    """How `new_schema` would break consumers of `old_schema`; empty when it would not.

    Within one `schema` tag (a bumped tag may change anything: consumers switch on
    it), these break: a property removed; a property's JSON type changed, widened
    or narrowed (nullability and `format` included; records already on the topic
    or consumers' code would stop matching); the allowed values of an enum or
    const changed; a property that was optional became required (records already
    on the topic lack it). Adding an optional property is compatible.
    """
    if schema_tag(old_schema) != schema_tag(new_schema):
        return []
    tag = schema_tag(old_schema)
    root = tag.split("/", 1)[0] if tag else str(old_schema.get("title") or "record").split()[0]
    changes: list[str] = []
    _compare(_Side(old_schema), _Side(new_schema), old_schema, new_schema, root, changes, set())
    return changes


@dataclass(frozen=True, slots=True)
class _Side:
    root: Mapping[str, Any]

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = set()
        while "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                raise SchemaError(f"cannot follow $ref {ref!r}")
            seen.add(ref)
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def branches(self, node: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
        """The node's alternatives by kind (`string:date-time`, `null`, `object`, ...)."""
        node = self.resolve(node)
        found: dict[str, list[Mapping[str, Any]]] = {}
        # A union's members, or allOf's parts read as one union (pydantic wraps a
        # `$ref` with siblings in a one-item allOf).
        parts = [*node.get("anyOf", ()), *node.get("oneOf", ()), *node.get("allOf", ())]
        for part in parts:
            for kind, nodes in self.branches(part).items():
                found.setdefault(kind, []).extend(nodes)
        types = node.get("type")
        if types is None and "const" in node:
            types = _json_type(node["const"])
        if types is None and "enum" in node:
            types = sorted({_json_type(v) for v in node["enum"]})
        if types is None and "properties" in node:
            types = "object"
        if types is None and not parts:
            types = "any"
        for kind in [types] if isinstance(types, str) else types or []:
            key = f"{kind}:{node['format']}" if "format" in node else str(kind)
            found.setdefault(key, []).append(node)
        return found


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _allowed_values(nodes: list[Mapping[str, Any]]) -> frozenset[str] | None:
    values: set[str] = set()
    for node in nodes:
        if "const" in node:
            values.add(json.dumps(node["const"]))
        elif "enum" in node:
            values.update(json.dumps(v) for v in node["enum"])
        else:
            return None  # one alternative takes any value of its type
    return frozenset(values)


def _compare(
    old: _Side,
    new: _Side,
    old_node: Mapping[str, Any],
    new_node: Mapping[str, Any],
    path: str,
    changes: list[str],
    seen: set[tuple[int, int]],
) -> None:
    old_kinds, new_kinds = old.branches(old_node), new.branches(new_node)
    if set(old_kinds) != set(new_kinds):
        changes.append(f"{path}: type changed from {_kinds(old_kinds)} to {_kinds(new_kinds)}")
    for kind in sorted(set(old_kinds) & set(new_kinds)):
        old_values = _allowed_values(old_kinds[kind])
        new_values = _allowed_values(new_kinds[kind])
        if old_values != new_values:
            changes.append(
                f"{path}: allowed values changed from {_values(old_values)} to "
                f"{_values(new_values)}"
            )
    if "object" in old_kinds and "object" in new_kinds:
        for a in old_kinds["object"]:
            for b in new_kinds["object"]:
                if (id(a), id(b)) not in seen:
                    seen.add((id(a), id(b)))
                    _compare_objects(old, new, a, b, path, changes, seen)
    if "array" in old_kinds and "array" in new_kinds:
        old_items = old_kinds["array"][0].get("items", {})
        new_items = new_kinds["array"][0].get("items", {})
        _compare(old, new, old_items, new_items, f"{path}[]", changes, seen)


def _compare_objects(
    old: _Side,
    new: _Side,
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    path: str,
    changes: list[str],
    seen: set[tuple[int, int]],
) -> None:
    old_props: Mapping[str, Any] = a.get("properties", {})
    new_props: Mapping[str, Any] = b.get("properties", {})
    old_required, new_required = set(a.get("required", ())), set(b.get("required", ()))
    for name in old_props:
        if name not in new_props:
            changes.append(f"{path}.{name}: removed")
    for name in sorted(new_required - old_required):
        what = "became required" if name in old_props else "added as required"
        changes.append(f"{path}.{name}: {what}")
    for name, prop in old_props.items():
        if name in new_props:
            _compare(old, new, prop, new_props[name], f"{path}.{name}", changes, seen)
    old_extra, new_extra = a.get("additionalProperties"), b.get("additionalProperties")
    if isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
        _compare(old, new, old_extra, new_extra, f"{path}{{}}", changes, seen)


def _kinds(kinds: Mapping[str, Any]) -> str:
    return "|".join(sorted(kinds)) or "nothing"


def _values(values: frozenset[str] | None) -> str:
    return "any" if values is None else "{" + ", ".join(sorted(values)) + "}"
