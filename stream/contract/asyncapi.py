"""The AsyncAPI 3.0 document of the service's topics, and the YAML it is written as.

The document describes every topic with its messages, their Kafka bindings and
examples; its `components.schemas` are the records' JSON Schemas with their `$defs`
hoisted, so the document stands alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from stream.contract.examples import EXAMPLE_LIST_ITEMS
from stream.contract.json_schema import RECORDS, json_schema
from stream.errors import SchemaError
from stream.settings import Settings

# The version of the set of topics as a whole: bump its major together with any
# record's `schema` tag, its minor when a topic or an optional field is added.
ASYNCAPI_INFO_VERSION = "1.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
DEFAULT_BOOTSTRAP = "localhost:9092"


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
