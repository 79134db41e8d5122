"""JSON on the wire, in one place: orjson for speed, pydantic for the shape.

Every topic value is one UTF-8 JSON object. `dumps` takes a model (serialised by
its aliases, so `schema_` goes out as `schema`) and `loads_model` validates bytes
straight into a model with pydantic's JSON parser, which is faster than
orjson-then-validate and gives one error type for both steps.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def dumps(record: BaseModel) -> bytes:
    return orjson.dumps(record.model_dump(mode="json", by_alias=True))


def dumps_obj(obj: Any) -> bytes:
    return orjson.dumps(obj)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def loads_model(model: type[M], data: bytes | str) -> M:
    return model.model_validate_json(data)
