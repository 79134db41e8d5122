"""`stream schema --out DIR`: write the JSON Schema of every record and the AsyncAPI document."""

from __future__ import annotations

import argparse
from pathlib import Path

from stream.settings import Settings


def command(settings: Settings, args: argparse.Namespace) -> int:
    from stream.contract import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0
