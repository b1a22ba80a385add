"""Checking JSON bodies against Zoom's Meetings OpenAPI document (contract tests).

The document is the extract kept in ``tests/contracts/zoom-meetings-openapi.json`` (made by
``scripts/vendor_openapi.py``; Zoom's terms are in the notice beside it), or the whole document
named by ``$ZOOMSVC_OPENAPI`` when set. Checking an endpoint the extract lacks fails with its name:
add the path to the script and run it again.

Paths are written as in the document (``/users/{userId}/meetings``); a leading ``/v2`` is
ignored. Responses use the read validator (no ``writeOnly`` fields), requests the write one.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    oas30_format_checker,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_URI = "urn:zoom:meetings-openapi"
VENDORED_SPEC = Path(__file__).resolve().parent / "contracts" / "zoom-meetings-openapi.json"


def spec_path() -> Path:
    """Where the OpenAPI document is: ``$ZOOMSVC_OPENAPI`` if set, else the vendored extract."""
    chosen = os.environ.get("ZOOMSVC_OPENAPI")
    return Path(chosen) if chosen else VENDORED_SPEC


@cache
def _load(path: Path) -> tuple[dict[str, Any], Registry]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    # OpenAPI 3.0 schemas are a draft-4 dialect; the registry lets "#/components/..." resolve.
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    return spec, Registry().with_resource(SPEC_URI, resource)


def load_spec() -> tuple[dict[str, Any], Registry]:
    """The parsed document and a registry holding it."""
    return _load(spec_path())


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _operation(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    if path.startswith("/v2/"):
        path = path[3:]
    try:
        operation: dict[str, Any] = spec["paths"][path][method.lower()]
    except KeyError:
        raise AssertionError(f"{method.upper()} {path} is not in Zoom's OpenAPI document (or "
                             "not in the vendored extract: see scripts/vendor_openapi.py)"
                             ) from None
    return operation


def _check(validator_class: Any, registry: Registry, pointer: str, body: Any, what: str) -> None:
    schema = {"$ref": f"{SPEC_URI}#/{pointer}"}
    validator = validator_class(schema, registry=registry, format_checker=oas30_format_checker)
    problems = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if problems:
        lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                 for e in problems[:20]]
        raise AssertionError(f"{what} does not match Zoom's OpenAPI schema:\n" + "\n".join(lines))


def validate_response(path: str, method: str, status: int | str, body: Any) -> None:
    """Assert ``body`` matches the documented JSON response of ``method path`` for ``status``."""
    spec, registry = load_spec()
    operation = _operation(spec, path, method)
    response = operation.get("responses", {}).get(str(status))
    if response is None:
        raise AssertionError(f"{method.upper()} {path} documents no {status} response")
    content = response.get("content", {}).get("application/json")
    if content is None:
        if body not in (None, b"", ""):
            raise AssertionError(f"{method.upper()} {path} {status} documents no body")
        return
    path_key = path[3:] if path.startswith("/v2/") else path
    pointer = _pointer("paths", path_key, method.lower(), "responses", str(status), "content",
                       "application/json", "schema")
    _check(OAS30ReadValidator, registry, pointer, body, f"{method.upper()} {path} {status} body")


def validate_request_body(path: str, method: str, body: Any) -> None:
    """Assert ``body`` matches the documented JSON request body of ``method path``."""
    spec, registry = load_spec()
    operation = _operation(spec, path, method)
    if "application/json" not in operation.get("requestBody", {}).get("content", {}):
        raise AssertionError(f"{method.upper()} {path} documents no JSON request body")
    path_key = path[3:] if path.startswith("/v2/") else path
    pointer = _pointer("paths", path_key, method.lower(), "requestBody", "content",
                       "application/json", "schema")
    _check(OAS30WriteValidator, registry, pointer, body, f"{method.upper()} {path} request")
