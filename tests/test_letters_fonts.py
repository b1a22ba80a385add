"""The template's font on this server (``zoomsvc.letters.fonts``) and ``check-config``'s warning.

``fc-match`` is replaced by small scripts on PATH, so each case is the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zoomsvc.cli import cli
from zoomsvc.letters import TEMPLATE_FULL, TEMPLATE_SCHEDULED, packaged_template
from zoomsvc.letters.fonts import font_warnings, template_fonts

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"


def fake_fc_match(folder: Path, family: str) -> Path:
    """A folder with an ``fc-match`` that always answers ``family``."""
    folder.mkdir(exist_ok=True)
    script = folder / "fc-match"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{family}'\n")
    script.chmod(0o755)
    return folder


def check_config(tmp_path: Path) -> Result:
    path = tmp_path / "zoomsvc.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(path), "check-config"])


@pytest.mark.parametrize("name", [TEMPLATE_SCHEDULED, TEMPLATE_FULL])
def test_the_shipped_templates_are_set_in_arial(name: str) -> None:
    assert template_fonts(packaged_template(name)) == {"Arial"}


def test_check_config_warns_when_arial_is_drawn_with_another_font(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = fake_fc_match(tmp_path / "bin", "DejaVu Sans")
    monkeypatch.setenv("PATH", str(bin_dir))

    result = check_config(tmp_path)

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Peringatan")]
    assert warnings == [
        "Peringatan: huruf Arial pada templat surat_tanggapan.docx tidak ada di server ini dan "
        "digantikan DejaVu Sans, sehingga tata letak surat bergeser (bisa menjadi dua halaman); "
        "pasang paket fonts-liberation2 (Liberation Sans atau Arimo, lebar hurufnya sama dengan "
        "Arial)."]


def test_liberation_sans_for_arial_is_no_cause_for_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fake_fc_match(tmp_path / "bin", "Liberation Sans")))
    templates = [packaged_template(TEMPLATE_SCHEDULED), packaged_template(TEMPLATE_FULL)]

    assert font_warnings(templates) == []
    result = check_config(tmp_path)
    assert result.exit_code == 0, result.output
    assert "Peringatan" not in result.stderr


def test_without_fc_match_the_font_check_is_skipped_quietly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    result = check_config(tmp_path)

    assert result.exit_code == 0, result.output
    assert "Peringatan" not in result.stderr
    assert "fc-match" not in result.output
