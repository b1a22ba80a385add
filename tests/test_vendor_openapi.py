"""``scripts/vendor_openapi.py``: the extract of Zoom's OpenAPI document holds the chosen paths,
every schema they reach, nothing else, and Zoom's own ``info`` (terms of service)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_openapi",
                                                  ROOT / "scripts" / "vendor_openapi.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "Meetings", "termsOfService": "https://zoom.us/terms"},
    "paths": {
        "/meetings/{meetingId}": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": ref("Meeting")}}}}}},
        "/users": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": ref("Users")}}}}}},
    },
    "components": {"schemas": {
        "Meeting": {"type": "object", "properties": {"settings": ref("Settings")}},
        "Settings": {"allOf": [ref("Recording")]},
        "Recording": {"type": "string"},
        "Users": {"type": "array"},
    }},
}


def test_the_extract_keeps_the_chosen_paths_and_every_schema_they_reach() -> None:
    extracted = load_script().extract(DOCUMENT, ["/meetings/{meetingId}"])

    assert list(extracted["paths"]) == ["/meetings/{meetingId}"]
    assert set(extracted["components"]["schemas"]) == {"Meeting", "Settings", "Recording"}
    assert extracted["info"]["termsOfService"] == "https://zoom.us/terms"


def test_a_path_not_in_the_document_is_refused() -> None:
    with pytest.raises(KeyError, match="/webinars"):
        load_script().extract(DOCUMENT, ["/webinars"])


def test_the_vendored_extract_holds_what_the_contract_tests_check_and_zooms_terms() -> None:
    vendored = json.loads((ROOT / "tests" / "contracts" / "zoom-meetings-openapi.json")
                          .read_text(encoding="utf-8"))
    assert set(load_script().DEFAULT_PATHS) == set(vendored["paths"])
    assert vendored["info"]["termsOfService"].startswith("https://zoom.us/")
    assert (ROOT / "tests" / "contracts" / "ZOOM-OPENAPI-NOTICE.md").is_file()
