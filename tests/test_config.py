"""Configuration: the example file, validation naming the key, secrets from the environment."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner
from werkzeug.security import check_password_hash

from zoomsvc.cli import cli
from zoomsvc.config import Config, ConfigError, build_config, demo_document, load_config
from zoomsvc.web.auth import hash_password

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"
NOT_KEYS = {"source"}


def code_keys(cls: type, prefix: str = "") -> set[str]:
    """Every dotted key the settings dataclasses accept (arrays of tables as ``name[]``)."""
    keys: set[str] = set()
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.name in NOT_KEYS:
            continue
        key = f"{prefix}{field.name}"
        hint = hints[field.name]
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
        if dataclasses.is_dataclass(inner):
            suffix = "[]" if typing.get_origin(hint) is tuple else ""
            keys |= code_keys(typing.cast(type, inner), f"{key}{suffix}.")
        else:
            keys.add(key)
    return keys


def document_keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    """Every dotted key present in a TOML document (all entries of arrays of tables)."""
    keys: set[str] = set()
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            keys |= document_keys(value, f"{key}.")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                keys |= document_keys(entry, f"{key}[].")
        else:
            keys.add(key)
    return keys


def example() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_every_key_in_code_is_documented_in_the_example_and_vice_versa() -> None:
    in_code = code_keys(Config)
    in_example = document_keys(example())
    assert in_code - in_example == set(), "keys missing from config.example.toml"
    assert in_example - in_code == set(), "keys in config.example.toml the code ignores"


def test_the_example_file_is_valid_and_filled_for_tarakan() -> None:
    config = load_config(str(EXAMPLE), environ={})
    assert config.agency.city == "Tarakan"
    assert config.agency.zone_label == "WITA"
    assert config.zoom.timezone == "Asia/Singapore"
    assert len(config.zoom.hosts) == 2


def test_without_any_file_the_demo_defaults_point_at_the_sandbox(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZOOMSVC_CONFIG", raising=False)
    config = load_config(None, environ={})
    assert config.source == "built-in demo"
    assert config.zoom.is_sandbox


def test_zoomsvc_config_env_names_the_file_when_no_option_is_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("ZOOMSVC_CONFIG", str(path))
    assert load_config(None, environ={}).source == str(path)


@pytest.mark.parametrize(("change", "key"), [
    ({"zoom": {"plan": "enterprise"}}, "zoom.plan"),
    ({"zoom": {"timezone": "Asia/Makassar"}}, "zoom.timezone"),
    ({"zoom": {"api_base_url": "http://api.zoom.us/v2"}}, "zoom.api_base_url"),
    ({"zoom": {"client_secret": ""}}, "zoom.client_secret"),
    ({"zoom": {"read_timeout": "20"}}, "zoom.read_timeout"),
    ({"zoom": {"passcode": {"length": 11}}}, "zoom.passcode.length"),
    ({"zoom": {"passcode": {"alphabet": "abc!"}}}, "zoom.passcode.alphabet"),
    ({"zoom": {"settings": {"join_before_host": True}}}, "zoom.settings.join_before_host"),
    ({"zoom": {"hosts": []}}, "zoom.hosts"),
    ({"zoom": {"hosts": [{"user": "a@x.id", "concurrency": 2}]}}, "zoom.hosts[0].concurrency"),
    ({"zoom": {"hosts": [{"user": "a@x.id", "capacity": 250}]}}, "zoom.hosts[0].capacity"),
    ({"zoom": {"hosts": [{"user": "a@x.id"}, {"user": "A@x.id"}]}}, "zoom.hosts[1].user"),
    ({"zoom": {"hostz": []}}, "zoom.hostz"),
    ({"agency": {"timezone": "Mars/Olympus"}}, "agency.timezone"),
    ({"calendar": {"service_start": "7.30"}}, "calendar.service_start"),
    ({"calendar": {"service_days": [0, 1]}}, "calendar.service_days"),
    ({"calendar": {"alternatives": 0}}, "calendar.alternatives"),
    ({"database": {"url": ""}}, "database.url"),
    ({"letters": {"pdf_converter": "fast"}}, "letters.pdf_converter"),
    ({"letters": {"pdf_server": "10.0.0.5:2003"}}, "letters.pdf_server"),
    ({"letters": {"pdf_server": "2003"}}, "letters.pdf_server"),
    ({"letters": {"signing_mode": "digital"}}, "letters.signing_mode"),
    ({"letters": {"date_on": "sent"}}, "letters.date_on"),
    ({"letters": {"emblem": "/tidak/ada/lambang.png"}}, "letters.emblem"),
    ({"audit": {"key": ""}}, "audit.key"),
    ({"audit": {"key": "terlalu-pendek"}}, "audit.key"),
    ({"opd": [{"name": "Dinas A"}, {"name": "dinas a"}]}, "opd[1].name"),
    ({"unknown": {}}, "unknown"),
    ({"web": {"password_hash": "md5"}}, "web.password_hash"),
    ({"web": {"password_hash": "pbkdf2:sha256:0"}}, "web.password_hash"),
])
def test_an_invalid_value_fails_with_one_line_naming_the_key(change: dict[str, Any],
                                                             key: str) -> None:
    document = example()
    for section, values in change.items():
        if isinstance(values, dict) and isinstance(document.get(section), dict):
            for name, value in values.items():
                target = document[section]
                if isinstance(value, dict) and isinstance(target.get(name), dict):
                    target[name] = {**target[name], **value}
                else:
                    target[name] = value
        else:
            document[section] = values
    with pytest.raises(ConfigError) as caught:
        build_config(document, {}, source="test")
    assert caught.value.key == key
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("method", ["scrypt", "scrypt:16384:8:1", "pbkdf2:sha256:1000",
                                    "pbkdf2:sha512:1000"])
def test_the_password_hash_method_is_one_werkzeug_knows(method: str) -> None:
    document = example()
    document["web"] = {**document["web"], "password_hash": method}
    config = build_config(document, {}, source="test")
    stored = hash_password("kata-sandi-rahasia", config.web.password_hash)
    assert stored.startswith(method.split(":")[0])
    assert check_password_hash(stored, "kata-sandi-rahasia")


def test_passwords_are_hashed_with_scrypt_unless_configured_otherwise() -> None:
    assert build_config(example(), {}, source="test").web.password_hash == "scrypt"
    assert hash_password("kata-sandi-rahasia").startswith("scrypt:")


def test_secrets_come_from_the_environment_or_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    env = {"ZOOMSVC_ZOOM_CLIENT_SECRET_FILE": str(secret_file),
           "ZOOMSVC_ZOOM_CLIENT_ID": "from-env"}
    config = build_config(example(), env, source="test")
    assert config.zoom.client_secret == "from-a-file"
    assert config.zoom.client_id == "from-env"


def test_the_audit_key_comes_from_the_environment_or_a_file_and_is_required(
        tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text("kunci-audit-dari-berkas-" + "f" * 20 + "\n", encoding="utf-8")
    without = {k: v for k, v in example().items() if k != "audit"}
    assert build_config(without, {"ZOOMSVC_AUDIT_KEY_FILE": str(key_file)},
                        "test").audit.key == "kunci-audit-dari-berkas-" + "f" * 20
    assert build_config(without, {"ZOOMSVC_AUDIT_KEY": "e" * 40}, "test").audit.key == "e" * 40
    with pytest.raises(ConfigError) as caught:
        build_config(without, {}, "test")
    assert caught.value.key == "audit.key"
    assert "e" * 40 not in repr(build_config(without, {"ZOOMSVC_AUDIT_KEY": "e" * 40}, "t"))


def test_an_unreadable_secret_file_names_the_variable(tmp_path: Path) -> None:
    env = {"ZOOMSVC_ZOOM_CLIENT_SECRET_FILE": str(tmp_path / "missing")}
    with pytest.raises(ConfigError) as caught:
        build_config(example(), env, source="test")
    assert caught.value.key == "ZOOMSVC_ZOOM_CLIENT_SECRET_FILE"


def test_the_secret_never_appears_in_the_settings_repr() -> None:
    config = build_config(example(), {"ZOOMSVC_ZOOM_CLIENT_SECRET": "s3cr3t-value"}, "test")
    assert "s3cr3t-value" not in repr(config)


def test_check_config_prints_a_summary_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "zoomsvc.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check-config"],
                                env={"ZOOMSVC_ZOOM_CLIENT_SECRET": "s3cr3t-value"})
    assert result.exit_code == 0, result.output
    assert "Zoom DKISP 1" in result.output
    assert "s3cr3t-value" not in result.output
    assert "ganti-dengan-client-secret" not in result.output


def test_check_config_warns_when_one_zoom_call_may_outlast_the_leases(tmp_path: Path) -> None:
    path = tmp_path / "zoomsvc.toml"
    example_text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(example_text, encoding="utf-8")
    quiet = CliRunner().invoke(cli, ["--config", str(path), "check-config"])
    assert "zoom.read_timeout" not in quiet.output
    document = tomllib.loads(example_text)
    document["zoom"]["read_timeout"] = 90.0
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check-config"])
    assert result.exit_code == 0, result.output
    assert "zoom.read_timeout" in result.output
    assert "anggaran 300 detik" in result.output


def test_check_config_exits_2_with_the_key_for_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "zoomsvc.toml"
    path.write_text('[zoom]\nplan = "enterprise"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check-config"])
    assert result.exit_code == 2
    assert "zoom.plan" in result.output


def test_a_file_that_is_not_toml_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "zoomsvc.toml"
    path.write_text("[zoom\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(str(path), environ={})
    assert str(path) in str(caught.value)


def test_demo_document_builds_a_valid_config_for_any_sandbox_url() -> None:
    config = build_config(demo_document("http://127.0.0.1:1234"), {}, "test")
    assert config.zoom.api_base_url == "http://127.0.0.1:1234/v2"
    assert config.zoom.oauth_url == "http://127.0.0.1:1234/oauth/token"


def test_loading_the_configuration_does_not_load_the_zoom_client() -> None:
    # The configuration is the bottom layer: it checks zoom.timezone against Zoom's list without
    # importing zoomsvc.zoom (and requests) behind it.
    probe = ("import sys, zoomsvc.config; print(sorted(m for m in sys.modules "
             "if m == 'requests' or m.startswith('zoomsvc.zoom')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
