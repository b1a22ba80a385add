"""Copy the parts of Zoom's Meetings OpenAPI document that the contract tests check into the
repository: the chosen paths (all their methods) and every component schema they reference,
directly or through other schemas. The document's ``info`` (title, version, terms of service)
is kept as found.

    python scripts/vendor_openapi.py SOURCE.json                       # the default paths
    python scripts/vendor_openapi.py SOURCE.json --path /users/{userId}/meetings --path ...

SOURCE is Zoom's document as published at
https://developers.zoom.us/api-hub/meetings/methods/endpoints.json. The output goes to
``tests/contracts/zoom-meetings-openapi.json`` unless ``--out`` says otherwise. When a contract
test starts checking another endpoint, add its path to ``DEFAULT_PATHS`` and run this again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "contracts" / "zoom-meetings-openapi.json"
DEFAULT_PATHS = (
    "/users/{userId}/meetings",
    "/meetings/{meetingId}",
    "/meetings/{meetingId}/status",
)
COMPONENTS = "#/components/"


def references(node: Any) -> Iterator[str]:
    """Every ``$ref`` string inside a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def _lookup(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract(document: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The smallest document that holds ``paths`` and all the components they reference."""
    missing = [path for path in paths if path not in document.get("paths", {})]
    if missing:
        raise KeyError(f"not in the document: {', '.join(missing)}")
    chosen = {path: document["paths"][path] for path in paths}
    pending = list(references(chosen))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        if not ref.startswith(COMPONENTS):
            raise ValueError(f"only local component references are supported: {ref}")
        seen.add(ref)
        pending.extend(references(_lookup(document, ref)))
    components: dict[str, dict[str, Any]] = {}
    for ref in sorted(seen):
        kind, name = ref.removeprefix(COMPONENTS).split("/", 1)
        components.setdefault(kind, {})[name] = _lookup(document, ref)
    extracted: dict[str, Any] = {key: document[key] for key in ("openapi", "info", "servers")
                                 if key in document}
    extracted["paths"] = chosen
    extracted["components"] = components
    return extracted


def main(argv: list[str] | None = None) -> int:
    """Write the extract; 0 on success, 2 when a path is not in the source document."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="Zoom's full Meetings OpenAPI document")
    parser.add_argument("--path", action="append", dest="paths",
                        help="a path to keep, as written in the document (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    document = json.loads(args.source.read_text(encoding="utf-8"))
    try:
        extracted = extract(document, args.paths or list(DEFAULT_PATHS))
    except (KeyError, ValueError) as problem:
        print(f"vendor_openapi: {problem}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(extracted, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    kept = sum(len(group) for group in extracted["components"].values())
    print(f"{args.out}: {len(extracted['paths'])} paths, {kept} components")
    return 0


if __name__ == "__main__":
    sys.exit(main())
