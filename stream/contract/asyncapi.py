"""The AsyncAPI 3.0 document of the service's topics, and the YAML it is written as.

The document describes every topic with its messages, their Kafka bindings and
examples; its `components.schemas` are the records' JSON Schemas with their `$defs`
hoisted, so the document stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

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


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe writer, quoting what a YAML 1.2 reader would not read as a string.

    PyYAML resolves plain scalars by YAML 1.1, whose numbers need a dot; the
    AsyncAPI tools read YAML 1.2, where `1e3`, `0o17` and `.5` are numbers too. A
    string the 1.2 core schema would take for a number is written quoted.
    """


_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


# Line breaks besides `\n` that YAML knows (NEL, LINE and PARAGRAPH SEPARATOR).
_BREAKS = "\x85\u2028\u2029"


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style: str | None = None
    if any(c in text for c in _BREAKS):
        # Only double quotes escape these; in any other style a reader folds them.
        style = '"'
    elif "\n" in text.rstrip("\n"):
        # A multi-line text (an example page) reads best as a literal block.
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    """Deterministic block YAML of JSON-shaped data (key order kept, lines unwrapped)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
    )
