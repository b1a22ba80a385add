"""A clerk's edited template: ``check-config`` refuses tracked changes and names the faulty tag
in Indonesian, ``letter preview`` fills a template with sample data."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from cli_support import toml_text
from click.testing import CliRunner

from zoomsvc.cli import cli
from zoomsvc.letters.pdf import find_soffice
from zoomsvc.letters.render import (
    TEMPLATE_FULL,
    TEMPLATE_SCHEDULED,
    TemplateCheckError,
    check_template,
    packaged_template,
)

TRACKED = ('<w:ins w:id="901" w:author="Rina Staf" w:date="2026-11-20T08:00:00Z">'
           '<w:r><w:t>kalimat sisipan</w:t></w:r></w:ins>'
           '<w:del w:id="902" w:author="Rina Staf" w:date="2026-11-20T08:00:00Z">'
           '<w:r><w:delText>kalimat lama</w:delText></w:r></w:del>')


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZOOMSVC_CONFIG", raising=False)
    return CliRunner()


def edited(tmp_path: Path, old: str, new: str, name: str = TEMPLATE_SCHEDULED) -> Path:
    """A copy of a shipped template with one piece of word/document.xml replaced."""
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    for template in (TEMPLATE_SCHEDULED, TEMPLATE_FULL):
        if not (folder / template).exists():
            shutil.copy(packaged_template(template), folder / template)
    target = folder / name
    with zipfile.ZipFile(target) as package:
        parts = {item: package.read(item) for item in package.infolist()}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for item, content in parts.items():
            if item.filename == "word/document.xml":
                text = content.decode()
                assert old in text
                content = text.replace(old, new, 1).encode()
            package.writestr(item, content)
    return target


def with_tracked_changes(tmp_path: Path) -> Path:
    """The scheduled template after an edit in Word with Track Changes on."""
    return edited(tmp_path, "<w:t>di</w:t></w:r>", f"<w:t>di</w:t></w:r>{TRACKED}")


def config_with_templates(tmp_path: Path, config_document: dict[str, Any]) -> Path:
    document = json.loads(json.dumps(config_document))
    document["letters"]["templates_dir"] = str(tmp_path / "templates")
    path = tmp_path / "zoomsvc.toml"
    path.write_text(toml_text(document), encoding="utf-8")
    return path


def test_tracked_changes_in_a_template_are_refused_naming_them(tmp_path: Path) -> None:
    template = with_tracked_changes(tmp_path)
    with pytest.raises(TemplateCheckError) as refused:
        check_template(template)
    message = str(refused.value)
    assert message.startswith("surat_tanggapan.docx: templat masih memuat perubahan terlacak")
    assert "1 teks sisipan (w:ins) oleh Rina Staf, mis. 'kalimat sisipan'" in message
    assert "1 teks hapusan (w:del) oleh Rina Staf, mis. 'kalimat lama'" in message
    assert "Terima atau Tolak" in message


def test_check_config_refuses_a_template_with_tracked_changes(
        tmp_path: Path, runner: CliRunner, config_document: dict[str, Any]) -> None:
    with_tracked_changes(tmp_path)
    result = runner.invoke(cli, ["--config", str(config_with_templates(tmp_path,
                                                                       config_document)),
                                 "check-config"])
    assert result.exit_code == 2, result.output
    assert "perubahan terlacak" in result.output
    assert "w:ins" in result.output


def test_an_unknown_variable_met_while_filling_is_named_in_indonesian(tmp_path: Path) -> None:
    template = edited(tmp_path, "{{ penandatangan.nama }}", "{{ penandatangan.nma }}")
    with pytest.raises(TemplateCheckError) as refused:
        check_template(template)
    message = str(refused.value)
    assert message.startswith("surat_tanggapan.docx: variabel atau atribut tidak dikenal: nma "
                              "di isi surat, paragraf ")
    assert "(dekat teks: '{{ penandatangan.nma }}')" in message
    assert "undefined" not in message


def test_preview_renders_a_template_with_sample_data(tmp_path: Path, runner: CliRunner) -> None:
    template = edited(tmp_path, "Demikian disampaikan", "Demikian kami sampaikan",
                      TEMPLATE_FULL)
    out = tmp_path / "coba.docx"

    result = runner.invoke(cli, ["letter", "preview", "--template", str(template), "--out",
                                 str(out)])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    document = docx.Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Demikian kami sampaikan" in text
    assert "Sebagai alternatif" in text  # the template uses alternatif: the "penuh" sample
    header = document.sections[0].first_page_header.paragraphs[0].text
    assert header == "DRAF"


def test_preview_of_a_broken_template_says_what_is_wrong(tmp_path: Path, runner: CliRunner
                                                          ) -> None:
    template = edited(tmp_path, "{{ nomor }}", "{{ nomor }")
    result = runner.invoke(cli, ["letter", "preview", "--template", str(template)])
    assert result.exit_code == 1
    assert "penulisan tag templat salah" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "surat_tanggapan-contoh.docx").exists()


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_preview_makes_the_pdf_of_the_final_version_too(tmp_path: Path, runner: CliRunner
                                                        ) -> None:
    result = runner.invoke(cli, ["letter", "preview", "--template",
                                 str(packaged_template(TEMPLATE_SCHEDULED)), "--final", "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "surat_tanggapan-contoh.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
