"""``zoomsvc token create`` (``zoomsvc.cli.web_commands``): the validity in days is bounded, so
no token is made that overflows the clock or is expired from the start."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import toml_text
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from zoomsvc.cli import cli
from zoomsvc.config import demo_document
from zoomsvc.store import Database
from zoomsvc.store.models import ApiToken

pytestmark = pytest.mark.uses_db


@pytest.fixture
def config_path(tmp_path: Path, db_url: str) -> Path:
    """A configuration with a signing key whose database was created with ``db upgrade``."""
    document = demo_document("http://127.0.0.1:9")
    document["database"] = {"url": db_url}
    document["web"] = {"secret_key": "kunci-rahasia-uji-" + "x" * 50}
    path = tmp_path / "zoomsvc.toml"
    path.write_text(toml_text(document), encoding="utf-8")
    assert CliRunner().invoke(cli, ["--config", str(path), "db", "upgrade"]).exit_code == 0
    return path


def create(config_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config_path), "token", "create",
                                    "--name", "portal kota", *args])


def tokens(db_url: str) -> int:
    database = Database(db_url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(ApiToken)) or 0
    finally:
        database.dispose()


@pytest.mark.parametrize("days", ["99999999", "-5", "0", "3651"])
def test_a_validity_out_of_bounds_exits_2_in_one_sentence_and_makes_no_token(
        config_path: Path, db_url: str, days: str) -> None:
    result = create(config_path, "--days", days)

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--days" in lines[0]
    assert "1 sampai 3650 hari" in lines[0]
    assert tokens(db_url) == 0


@pytest.mark.parametrize("days", ["1", "3650"])
def test_a_validity_within_bounds_makes_a_token(config_path: Path, db_url: str,
                                                days: str) -> None:
    result = create(config_path, "--days", days)

    assert result.exit_code == 0, result.output
    assert tokens(db_url) == 1
