"""Checking JSON bodies against Zoom's Meetings OpenAPI document (contract tests).

The document is ``shared/zoom/meetings-openapi.json`` two folders above this repository's
``tests`` folder, or the file named by ``$ZOOMSVC_OPENAPI``. When neither exists, the helpers
call :func:`pytest.skip`, so contract tests skip with a reason instead of failing.

Paths are written as in the document (``/users/{userId}/meetings``); a leading ``/v2`` is
ignored. Responses use the read validator (no ``writeOnly`` fields), requests the write one.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    oas30_format_checker,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_URI = "urn:zoom:meetings-openapi"
DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "shared/zoom/meetings-openapi.json"


def spec_path() -> Path | None:
    """Where the OpenAPI document is, or None if it is nowhere to be found."""
    for candidate in (DEFAULT_SPEC, os.environ.get("ZOOMSVC_OPENAPI")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@cache
def _load(path: Path) -> tuple[dict[str, Any], Registry]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    # OpenAPI 3.0 schemas are a draft-4 dialect; the registry lets "#/components/..." resolve.
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    return spec, Registry().with_resource(SPEC_URI, resource)


def load_spec() -> tuple[dict[str, Any], Registry]:
    """The parsed document and a registry holding it; skips the calling test if it is missing."""
    path = spec_path()
    if path is None:
        pytest.skip(f"Zoom OpenAPI document not found at {DEFAULT_SPEC} nor $ZOOMSVC_OPENAPI")
    return _load(path)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _operation(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    if path.startswith("/v2/"):
        path = path[3:]
    try:
        operation: dict[str, Any] = spec["paths"][path][method.lower()]
    except KeyError:
        raise AssertionError(f"{method.upper()} {path} is not in Zoom's OpenAPI document") from None
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
