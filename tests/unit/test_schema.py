"""The published schemas: up to date, valid, true of real records, and compatible.

`schemas/` is what consumers code against, so CI pins four things: the committed
files are exactly what the models generate; every record the pipeline makes for
the sample pages validates against them; the AsyncAPI document passes the
official parser; and no model change breaks the committed version of a record
without bumping its `schema` tag (`breaking_changes`, tested here on synthetic
schemas first).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel, Field

from stream import intake
from stream.cli.parse import parse_file
from stream.contract import (
    ASYNCAPI_FILE,
    RECORDS,
    BreakingSchemaChange,
    asyncapi_document,
    breaking_changes,
    dump_yaml,
    examples,
    json_schema,
    render_schemas,
    schemas_up_to_date,
    write_schemas,
)
from stream.errors import NotUtf8
from stream.models import Teaser
from stream.settings import Settings
from tests.conftest import SAMPLE_000, SAMPLE_002

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
EXAMPLE_AT = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
REGENERATE = "regenerate with `stream schema --out schemas` and commit the result"


def committed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def validator(name: str) -> Draft202012Validator:
    schema = committed(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors_of(name: str, record: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(record)
    ]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_schemas()


# -- breaking_changes on synthetic schemas ---------------------------------------------


def record(tag: str = "thing/1", **properties: Any) -> dict[str, Any]:
    required = [name for name, p in properties.items() if p.pop("required", False)]
    return {
        "title": "Thing",
        "type": "object",
        "properties": {"schema": {"const": tag, "type": "string"}, **properties},
        "required": required,
        "$defs": {},
    }


NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}


def test_removing_a_property_is_breaking() -> None:
    old = record(id={"type": "string", "required": True}, lead=dict(NULLABLE_STRING))
    new = record(id={"type": "string", "required": True})

    assert breaking_changes(old, new) == ["thing.lead: removed"]


def test_retyping_a_property_is_breaking() -> None:
    old = record(count={"type": "integer"})
    new = record(count={"type": "string"})

    assert breaking_changes(old, new) == ["thing.count: type changed from integer to string"]


def test_making_a_property_nullable_or_changing_its_format_is_breaking() -> None:
    old = record(at={"type": "string", "format": "date-time"}, name={"type": "string"})
    new = record(at={"type": "string", "format": "date"}, name=dict(NULLABLE_STRING))

    assert breaking_changes(old, new) == [
        "thing.at: type changed from string:date-time to string:date",
        "thing.name: type changed from string to null|string",
    ]


def test_a_new_required_property_is_breaking_and_so_is_requiring_an_old_one() -> None:
    old = record(lead=dict(NULLABLE_STRING))
    new = record(lead={**NULLABLE_STRING, "required": True}, words={"type": "integer"})
    new["required"].append("words")

    assert breaking_changes(old, new) == [
        "thing.lead: became required",
        "thing.words: added as required",
    ]


def test_a_new_optional_property_is_compatible() -> None:
    old = record(id={"type": "string", "required": True})
    new = record(
        id={"type": "string", "required": True},
        language=dict(NULLABLE_STRING),
        tags={"type": "array", "items": {"type": "string"}},
    )

    assert breaking_changes(old, new) == []


def test_changing_the_values_of_an_enum_is_breaking() -> None:
    old = record(encoding={"enum": ["utf-8", "base64"], "type": "string"})
    new = record(encoding={"enum": ["utf-8", "base64", "hex"], "type": "string"})

    assert breaking_changes(old, new) == [
        'thing.encoding: allowed values changed from {"base64", "utf-8"} to '
        '{"base64", "hex", "utf-8"}'
    ]


def test_changes_inside_referenced_definitions_and_list_items_are_found() -> None:
    place = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    old = record(places={"type": "array", "items": {"$ref": "#/$defs/Place"}})
    old["$defs"]["Place"] = place
    new = copy.deepcopy(old)
    new["$defs"]["Place"]["properties"] = {"title": {"type": "string"}}
    new["$defs"]["Place"]["required"] = []

    assert breaking_changes(old, new) == ["thing.places[].name: removed"]


def test_anything_may_change_with_a_bumped_schema_tag() -> None:
    old = record("thing/1", id={"type": "string", "required": True})
    new = record("thing/2", key={"type": "integer", "required": True})

    assert breaking_changes(old, new) == []


# -- breaking_changes on the real models -------------------------------------------------


class TeaserWithoutFirstUrl(BaseModel):
    """`Teaser` as a careless edit might leave it: a field dropped, one made required."""

    schema_: Literal["teaser/1"] = Field(default="teaser/1", alias="schema")
    teaser_id: str
    headline: str
    lead: str | None = None
    first_page_id: str
    first_seen_at: dt.datetime


def test_a_careless_edit_of_the_teaser_model_is_reported_field_by_field() -> None:
    new = TeaserWithoutFirstUrl.model_json_schema(by_alias=True, mode="serialization")

    assert breaking_changes(json_schema(RECORDS[1]), new) == [
        "teaser.first_url: removed",
        "teaser.enrichment: removed",
        "teaser.headline: became required",
        "teaser.headline: type changed from null|string to string",
    ]


@pytest.mark.parametrize("spec", RECORDS, ids=lambda r: r.name)
def test_every_committed_record_schema_is_compatible_with_the_models(spec: Any) -> None:
    """The guard for consumers: a model change must not break the committed version."""
    baseline = SCHEMAS / spec.file_name
    if not baseline.is_file():
        # A bumped tag writes a new file: then the older one must still be there.
        older = sorted(SCHEMAS.glob(f"{spec.name}.v*.json"))
        assert older, f"no committed schema for {spec.name}; {REGENERATE}"
        return

    changes = breaking_changes(committed(spec.file_name), json_schema(spec))

    assert changes == [], (
        f"the models break the committed {spec.file_name}; bump the `schema` tag of "
        f"{spec.model.__name__} or keep the change compatible"
    )


def test_write_schemas_refuses_to_overwrite_a_baseline_the_models_break(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    teaser_file = tmp_path / "teaser.v1.json"
    baseline = json.loads(teaser_file.read_text())
    # As if the committed version had a field the models no longer have.
    baseline["properties"]["mood"] = {"type": "string"}
    teaser_file.write_text(json.dumps(baseline))

    with pytest.raises(BreakingSchemaChange, match=r"teaser\.mood: removed"):
        write_schemas(tmp_path)
    written = write_schemas(tmp_path, allow_breaking=True)

    assert "mood" not in json.loads(teaser_file.read_text())["properties"]
    assert sorted(p.name for p in written) == sorted(render_schemas())


# -- The committed files -------------------------------------------------------------------


def test_committed_schemas_are_what_the_models_generate() -> None:
    assert schemas_up_to_date(SCHEMAS) == [], REGENERATE


def test_schema_files_are_deterministic_and_formatted(
    tmp_path: Path, rendered: dict[str, str]
) -> None:
    paths = write_schemas(tmp_path)

    assert [p.name for p in paths] == [
        "article.v1.json",
        "teaser.v1.json",
        "dead_letter.v1.json",
        "page_envelope.v1.json",
        ASYNCAPI_FILE,
    ]
    assert {p.name: p.read_text(encoding="utf-8") for p in paths} == rendered
    for path in paths[:-1]:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert (data["$schema"], data["$id"]) == (
            "https://json-schema.org/draft/2020-12/schema",
            f"urn:stream:schema:{path.name}",
        )


def test_output_schemas_accept_fields_added_later() -> None:
    """Consumers must ignore unknown fields, so the published schemas do too."""
    made = Teaser(teaser_id="t", first_page_id="p", first_seen_at=EXAMPLE_AT)
    teaser = made.model_dump(mode="json", by_alias=True)
    teaser["added_later"] = 1
    teaser["enrichment"]["sentiment"] = 0.5

    assert errors_of("teaser.v1.json", teaser) == []


# -- Real records validate -----------------------------------------------------------------


@pytest.mark.parametrize("page", [SAMPLE_000, SAMPLE_002], ids=lambda p: p.name[:3])
@pytest.mark.parametrize("enrich", [False, True], ids=["plain", "enriched"])
def test_every_record_the_pipeline_makes_validates_against_the_committed_schema(
    page: Path, enrich: bool
) -> None:
    parsed = parse_file(page, Settings(), enrich=enrich)

    assert errors_of("article.v1.json", parsed["article"]) == []
    assert len(parsed["teasers"]) > 10
    assert [errors_of("teaser.v1.json", t) for t in parsed["teasers"]] == [[]] * len(
        parsed["teasers"]
    )


def test_a_dead_letter_validates_against_the_committed_schema() -> None:
    message = intake.InputMessage(
        value=b"\xffnot text",
        key=b"\xfe",
        headers=(("url", b"https://news.example/a"), ("trace", b"\x00\xff")),
        topic="pages.raw",
        partition=2,
        offset=7,
        timestamp=EXAMPLE_AT,
    )
    letter = intake.dead_letter(message, NotUtf8("not UTF-8"), now=EXAMPLE_AT, max_value_bytes=4)

    assert errors_of("dead_letter.v1.json", letter.model_dump(mode="json", by_alias=True)) == []


def test_page_envelope_schema_matches_what_the_intake_accepts() -> None:
    accepted = {
        "url": "https://news.example/a",
        "fetched_at": "2026-02-11T09:30:00Z",
        "content_type": "text/html",
        "body": "<p>Headline</p>",
        "crawler": {"run": 7},
    }
    refused = {"url": "https://news.example/a", "content_type": "application/pdf"}

    assert errors_of("page_envelope.v1.json", accepted) == []
    assert errors_of("page_envelope.v1.json", refused) == [
        "content_type: 'application/pdf' is not valid under any of the given schemas",
        ": 'body' is a required property",
    ]


def test_asyncapi_examples_validate_against_their_message_schemas() -> None:
    document = asyncapi_document(Settings.model_construct(), examples(Settings.model_construct()))
    root = {"components": document["components"]}
    checked = 0
    for name, message in document["components"]["messages"].items():
        payload = {**message["payload"], **root}
        validate = Draft202012Validator(payload, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for example in message["examples"]:
            errors = [e.message for e in validate.iter_errors(example["payload"])]
            assert (name, example["name"], errors) == (name, example["name"], [])
            checked += 1

    assert checked == 6


# -- YAML and the official AsyncAPI parser --------------------------------------------------


# Strings a YAML reader could take for something else (a number, a bool, null, a
# comment, a mapping, a line break), next to ones that are plainly strings.
TRICKY_YAML = {
    "plain": ["pages.raw", "text/plain", "$ref"],
    "quoted": ["3.0.0", "null", "yes", "a: b", "#/x", "", " lead", "x\u2028y\u0085"],
    # Numbers in YAML 1.2 (what the AsyncAPI tools read) but not in PyYAML's YAML 1.1.
    "yaml_1_2_numbers": ["1e3", "0o17", ".5", "0x1F", ".inf"],
    "text": ["a\nb\n", " a\n b", "trail \n", "tab\there", "\x07bell", "\ufeffbom", "ä 😀"],
    "other": [None, True, 8, 0.5, {}, []],
}


def test_yaml_quotes_every_string_a_reader_could_take_for_something_else() -> None:
    text = dump_yaml(TRICKY_YAML)

    assert yaml.safe_load(text) == TRICKY_YAML
    assert "- $ref\n" in text  # plain where plain is safe: the file stays readable
