"""Whether a new version of a record schema would break consumers of the old one.

CI compares the models with the committed `schemas/` files: within one `schema`
tag, only compatible changes (an optional field added) are allowed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stream.errors import SchemaError


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
    walk = _Walk(_Side(old_schema), _Side(new_schema))
    walk.compare(old_schema, new_schema, root)
    return walk.changes


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


@dataclass(slots=True)
class _Walk:
    """One comparison of two schemas: the changes found, and the object pairs already compared."""

    old: _Side
    new: _Side
    changes: list[str] = field(default_factory=list)
    # Recursive models ($ref cycles) would otherwise be compared forever.
    seen: set[tuple[int, int]] = field(default_factory=set)

    def compare(self, old_node: Mapping[str, Any], new_node: Mapping[str, Any], path: str) -> None:
        old, new, changes, seen = self.old, self.new, self.changes, self.seen
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
                        self.compare_objects(a, b, path)
        if "array" in old_kinds and "array" in new_kinds:
            old_items = old_kinds["array"][0].get("items", {})
            new_items = new_kinds["array"][0].get("items", {})
            self.compare(old_items, new_items, f"{path}[]")

    def compare_objects(self, a: Mapping[str, Any], b: Mapping[str, Any], path: str) -> None:
        changes = self.changes
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
                self.compare(prop, new_props[name], f"{path}.{name}")
        old_extra, new_extra = a.get("additionalProperties"), b.get("additionalProperties")
        if isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
            self.compare(old_extra, new_extra, f"{path}{{}}")


def _kinds(kinds: Mapping[str, Any]) -> str:
    return "|".join(sorted(kinds)) or "nothing"


def _values(values: frozenset[str] | None) -> str:
    return "any" if values is None else "{" + ", ".join(sorted(values)) + "}"
