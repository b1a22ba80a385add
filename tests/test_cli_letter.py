"""``zoomsvc letter ...`` and the letter checks of ``zoomsvc check-config`` (``zoomsvc.cli``),
from ``provision`` to a verified signed letter.

The commands run with the real clock (as in production), so requests are dated on a coming
working day and the sandbox runs on the wall clock too.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cli_support import toml_text, workday
from click.testing import CliRunner, Result
from icalendar import Calendar
from signing_support import SIGNER_NAME, make_identity, sign_pdf
from test_letters_service import docx_text, minimal_pdf

from zoomsvc.cli import cli
from zoomsvc.letters.pdf import find_soffice
from zoomsvc.letters.render import TEMPLATE_FULL, TEMPLATE_SCHEDULED, packaged_template
from zoomsvc.zoom.sandbox import SandboxOptions, SandboxServer

WITA = ZoneInfo("Asia/Makassar")
NUMBER = re.compile(r"000\.8\.3\.3/0001/DKISP-APTIKA/[IVX]+/\d{4}")
pytestmark = pytest.mark.uses_db  # every command reads or writes the configured database


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox on the wall clock, like the commands."""
    with SandboxServer(SandboxOptions()) as server:
        yield server


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZOOMSVC_CONFIG", raising=False)
    return CliRunner()


@pytest.fixture
def write_config(tmp_path: Path, config_document: dict[str, Any]) -> Callable[..., Path]:
    """Write the test configuration, with the letters' folders in the test's folder and
    ``letters``/``signer`` keys changed as given, as TOML."""
    def write(letters: dict[str, Any] | None = None, signer: dict[str, Any] | None = None
              ) -> Path:
        document = json.loads(json.dumps(config_document))
        document["zoom"]["max_retries"] = 0
        document["letters"].update(output_dir=str(tmp_path / "letters"),
                                   files_dir=str(tmp_path / "files"), **(letters or {}))
        document["signer"].update(signer or {})
        path = tmp_path / "zoomsvc.toml"
        path.write_text(toml_text(document), encoding="utf-8")
        assert tomllib.loads(path.read_text(encoding="utf-8")) == document
        return path

    return write


@pytest.fixture
def config_path(runner: CliRunner, write_config: Callable[..., Path]) -> Path:
    """A configuration whose database was created with ``zoomsvc db upgrade``."""
    path = write_config()
    result = runner.invoke(cli, ["--config", str(path), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def zoomsvc(runner: CliRunner, config_path: Path) -> Callable[..., Result]:
    """Run one ``zoomsvc`` command with the test configuration."""
    def run(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(config_path), *args])

    return run


@pytest.fixture
def provisioned(zoomsvc: Callable[..., Result], tmp_path: Path,
                make_request: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The output of ``zoomsvc provision`` for a request on a coming working day."""
    day = workday()
    request_file = tmp_path / "REQUEST.json"
    request_file.write_text(json.dumps(make_request(start=f"{day}T09:00", end=f"{day}T12:00")),
                            encoding="utf-8")
    result = zoomsvc("provision", str(request_file))
    assert result.exit_code == 0, result.output
    output: dict[str, Any] = json.loads(result.stdout)
    return output


@pytest.fixture
def code(provisioned: dict[str, Any]) -> str:
    request: str = provisioned["request"]
    return request


def shown(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def failed(result: Result, exit_code: int = 1) -> str:
    """The one-line error of a refused command."""
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def signed_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "signed.pdf"
    path.write_bytes(minimal_pdf("Surat bertanda tangan Kadis"))
    return path


@pytest.fixture
def signed(zoomsvc: Callable[..., Result], code: str, signed_pdf: Path) -> str:
    """A request whose letter was approved and signed through the commands."""
    shown(zoomsvc("letter", "review", code, "--approve", "--by", "Kabid Aptika"))
    shown(zoomsvc("letter", "sign", code, str(signed_pdf), "--by", "Kadis DKISP"))
    return code


# provision, show, render ------------------------------------------------------------------------

def test_provision_prints_the_draft_letter_and_the_draft_ready_state(
        provisioned: dict[str, Any]) -> None:
    assert (provisioned["outcome"], provisioned["state"]) == ("scheduled", "draft_ready")
    letter = provisioned["letter"]
    assert set(letter) == {"number", "path"}
    assert NUMBER.fullmatch(letter["number"])
    path = Path(letter["path"])
    assert path.name == "surat_tanggapan_draf.docx"
    assert path.parent.name == provisioned["request"]
    assert letter["number"] in docx_text(path)


def test_letter_show_tells_the_number_status_and_draft(
        zoomsvc: Callable[..., Result], provisioned: dict[str, Any]) -> None:
    output = shown(zoomsvc("letter", "show", provisioned["request"]))

    assert output["request"] == provisioned["request"]
    assert (output["number"], output["draft"]) == (provisioned["letter"]["number"],
                                                    provisioned["letter"]["path"])
    assert (output["kind"], output["status"], output["signed_sha256"]) == (
        "scheduled", "draft", None)
    assert output["date"] == datetime.now(WITA).date().isoformat()
    assert output["draft_sha256"] == hashlib.sha256(
        Path(output["draft"]).read_bytes()).hexdigest()


def test_letter_show_of_an_unknown_request_exits_1(zoomsvc: Callable[..., Result]) -> None:
    line = failed(zoomsvc("letter", "show", "ZM-2026-9999"))
    assert "permohonan ZM-2026-9999 tidak ditemukan" in line


def test_letter_render_makes_the_draft_again_with_the_same_number(
        zoomsvc: Callable[..., Result], provisioned: dict[str, Any]) -> None:
    draft = Path(provisioned["letter"]["path"])
    draft.unlink()

    output = shown(zoomsvc("letter", "render", provisioned["request"]))

    assert output["number"] == provisioned["letter"]["number"]
    assert draft.is_file()
    assert output["number"] in docx_text(draft)


def test_letter_render_with_a_corrected_number_replaces_the_old_one_and_says_so(
        zoomsvc: Callable[..., Result], provisioned: dict[str, Any]) -> None:
    code, old = provisioned["request"], provisioned["letter"]["number"]

    output = shown(zoomsvc("letter", "render", code, "--number", "000.8.3.3/4417/DKISP/2026"))

    assert output["number"] == "000.8.3.3/4417/DKISP/2026"
    assert old not in docx_text(Path(output["draft"]))
    # The old number is not given out again: the next render keeps the corrected one.
    assert shown(zoomsvc("letter", "render", code))["number"] == "000.8.3.3/4417/DKISP/2026"


def test_letter_pdf_final_before_the_approval_says_what_to_do(
        zoomsvc: Callable[..., Result], code: str) -> None:
    line = failed(zoomsvc("letter", "pdf", code, "--final"))
    assert "belum ada: draf harus diparaf Kabid dulu" in line
    shown(zoomsvc("letter", "review", code, "--approve", "--by", "Kabid Aptika"))
    assert shown(zoomsvc("letter", "show", code))["record"].endswith("surat_tanggapan.docx")


# review, sign, send, verify ---------------------------------------------------------------------

def test_letter_review_approve_makes_it_reviewed(zoomsvc: Callable[..., Result], code: str
                                                 ) -> None:
    output = shown(zoomsvc("letter", "review", code, "--approve", "--by", "Kabid Aptika"))
    assert output["status"] == "reviewed"


def test_letter_review_return_without_a_note_exits_1_saying_the_note_is_needed(
        zoomsvc: Callable[..., Result], code: str) -> None:
    line = failed(zoomsvc("letter", "review", code, "--return", "--by", "Kabid Aptika"))

    assert "catatan wajib diisi" in line
    assert shown(zoomsvc("letter", "show", code))["status"] == "draft"


def test_letter_review_return_with_a_note_keeps_the_draft_and_the_note(
        zoomsvc: Callable[..., Result], code: str) -> None:
    output = shown(zoomsvc("letter", "review", code, "--return", "--note", "Ganti judul",
                           "--by", "Kabid Aptika"))
    assert (output["status"], output["review_note"]) == ("draft", "Ganti judul")


def test_letter_sign_before_the_review_exits_1(zoomsvc: Callable[..., Result], code: str,
                                              signed_pdf: Path) -> None:
    line = failed(zoomsvc("letter", "sign", code, str(signed_pdf), "--by", "Kadis DKISP"))
    assert "belum diparaf" in line


def test_letter_sign_stores_the_pdf_and_a_second_signature_is_refused(
        zoomsvc: Callable[..., Result], code: str, signed_pdf: Path, tmp_path: Path) -> None:
    shown(zoomsvc("letter", "review", code, "--approve", "--by", "Kabid Aptika"))

    output = shown(zoomsvc("letter", "sign", code, str(signed_pdf), "--by", "Kadis DKISP"))

    digest = hashlib.sha256(signed_pdf.read_bytes()).hexdigest()
    assert (output["status"], output["signed_sha256"]) == ("signed", digest)
    other = tmp_path / "other.pdf"
    other.write_bytes(minimal_pdf("Versi lain"))
    line = failed(zoomsvc("letter", "sign", code, str(other), "--by", "Kadis DKISP"))
    assert "sudah ditandatangani" in line
    assert shown(zoomsvc("letter", "show", code))["signed_sha256"] == digest


def test_letter_sign_with_a_file_already_signed_for_another_letter_exits_2(
        zoomsvc: Callable[..., Result], signed: str, signed_pdf: Path, tmp_path: Path,
        make_request: Callable[..., dict[str, Any]]) -> None:
    day = workday()
    request_file = tmp_path / "REQUEST-2.json"
    request_file.write_text(json.dumps(make_request(start=f"{day}T13:00", end=f"{day}T15:00")),
                            encoding="utf-8")
    second = shown(zoomsvc("provision", str(request_file)))["request"]
    shown(zoomsvc("letter", "review", second, "--approve", "--by", "Kabid Aptika"))
    number = shown(zoomsvc("letter", "show", signed))["number"]

    line = failed(zoomsvc("letter", "sign", second, str(signed_pdf), "--by", "Kadis DKISP"),
                  exit_code=2)

    assert f"berkas ini sudah dipakai untuk surat {number}" in line
    assert shown(zoomsvc("letter", "show", second))["status"] == "reviewed"


def test_letter_sign_refuses_a_file_that_is_not_a_pdf(
        zoomsvc: Callable[..., Result], code: str, tmp_path: Path) -> None:
    shown(zoomsvc("letter", "review", code, "--approve", "--by", "Kabid Aptika"))
    page = tmp_path / "surat.pdf"
    page.write_text("<html><body>bukan PDF</body></html>", encoding="utf-8")

    assert "bukan PDF" in failed(zoomsvc("letter", "sign", code, str(page), "--by", "Kadis"))
    assert shown(zoomsvc("letter", "show", code))["status"] == "reviewed"


def test_letter_send_without_smtp_records_the_hand_over(zoomsvc: Callable[..., Result],
                                                        signed: str) -> None:
    output = shown(zoomsvc("letter", "send", signed, "--by", "Rina"))
    assert output["status"] == "sent"
    assert output["sent_to"].startswith("diserahkan")


def test_letter_verify_knows_the_signed_file_and_no_other(
        zoomsvc: Callable[..., Result], signed: str, signed_pdf: Path, tmp_path: Path) -> None:
    number = shown(zoomsvc("letter", "show", signed))["number"]

    output = shown(zoomsvc("letter", "verify", str(signed_pdf)))

    assert (output["valid"], output["number"], output["request"]) == (True, number, signed)
    assert output["sha256"] == hashlib.sha256(signed_pdf.read_bytes()).hexdigest()
    assert output["signature"]["kind"] == "basah"  # the test office signs by hand
    other = tmp_path / "palsu.pdf"
    other.write_bytes(signed_pdf.read_bytes().replace(b"Kadis", b"Kadiz"))
    line = failed(zoomsvc("letter", "verify", str(other)))
    assert "BUKAN" in line
    assert "palsu.pdf" in line


def test_in_tte_mode_letter_sign_refuses_an_unsigned_pdf_and_verify_names_the_signer(
        runner: CliRunner, write_config: Callable[..., Path], tmp_path: Path,
        make_request: Callable[..., dict[str, Any]], signed_pdf: Path) -> None:
    path = write_config(letters={"signing_mode": "tte"})

    def run(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(path), *args])

    assert run("db", "upgrade").exit_code == 0
    day = workday()
    request_file = tmp_path / "REQUEST.json"
    request_file.write_text(json.dumps(make_request(start=f"{day}T09:00", end=f"{day}T12:00")),
                            encoding="utf-8")
    code = shown(run("provision", str(request_file)))["request"]
    shown(run("letter", "review", code, "--approve", "--by", "Kabid Aptika"))

    line = failed(run("letter", "sign", code, str(signed_pdf), "--by", "Kadis DKISP"))

    assert "berkas PDF tidak memuat tanda tangan elektronik" in line
    kadis = make_identity(SIGNER_NAME)
    tte_pdf = tmp_path / "tte.pdf"
    tte_pdf.write_bytes(sign_pdf(signed_pdf.read_bytes(), kadis))
    signature = shown(run("letter", "sign", code, str(tte_pdf), "--by", "Kadis"))["signature"]
    assert signature["kind"] == "tte"
    assert f"CN={SIGNER_NAME}" in signature["signer_subject"]
    verified = shown(run("letter", "verify", str(tte_pdf)))["signature"]
    assert (verified["kind"], verified["check"]) == (
        "tte", "tanda tangan utuh, rantai sertifikat tidak diperiksa")


# ics and pdf ------------------------------------------------------------------------------------

def test_letter_ics_writes_the_meetings_invitation(
        zoomsvc: Callable[..., Result], provisioned: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "undangan.ics"

    result = zoomsvc("letter", "ics", provisioned["request"], "-o", str(target))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    event = Calendar.from_ical(target.read_bytes()).walk("VEVENT")[0]
    meeting = provisioned["meeting"]
    assert str(event["uid"]) == f"zoom-{meeting['id']}@zoomsvc"
    assert event.decoded("dtstart") == datetime.fromisoformat(meeting["start"])
    assert event.decoded("dtend") == datetime.fromisoformat(meeting["end"])
    assert meeting["passcode"] in str(event["description"])


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed: "
                    "apt-get install libreoffice-writer-nogui")
def test_letter_pdf_converts_the_draft(zoomsvc: Callable[..., Result],
                                       provisioned: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "draf.pdf"

    result = zoomsvc("letter", "pdf", provisioned["request"], "-o", str(target))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    assert target.read_bytes().startswith(b"%PDF")


# check-config -----------------------------------------------------------------------------------

@pytest.fixture
def templates_dir(tmp_path: Path) -> Path:
    """Copies of the shipped templates, as an office that edits its own would have them."""
    folder = tmp_path / "templates"
    folder.mkdir()
    for name in (TEMPLATE_SCHEDULED, TEMPLATE_FULL):
        shutil.copy(packaged_template(name), folder / name)
    return folder


def corrupt(template: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` inside word/document.xml of a .docx."""
    with zipfile.ZipFile(template) as package:
        parts = {item: package.read(item) for item in package.infolist()}
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as package:
        for item, content in parts.items():
            if item.filename == "word/document.xml":
                text = content.decode("utf-8")
                assert old in text
                content = text.replace(old, new, 1).encode("utf-8")
            package.writestr(item, content)


def test_check_config_passes_the_copied_templates(
        runner: CliRunner, write_config: Callable[..., Path], templates_dir: Path) -> None:
    path = write_config(letters={"templates_dir": str(templates_dir)})
    result = runner.invoke(cli, ["--config", str(path), "check-config"])
    assert result.exit_code == 0, result.output


def test_check_config_exits_2_naming_a_broken_template(
        runner: CliRunner, write_config: Callable[..., Path], templates_dir: Path) -> None:
    corrupt(templates_dir / TEMPLATE_SCHEDULED, "{{ nomor }}", "{{ nomor }")
    path = write_config(letters={"templates_dir": str(templates_dir)})

    line = failed(runner.invoke(cli, ["--config", str(path), "check-config"]), 2)

    assert "Konfigurasi tidak valid: surat_tanggapan.docx:" in line
    assert "isi surat, paragraf" in line  # where a person editing it finds the tag
    assert "{{ nomor }" in line


def test_check_config_exits_2_naming_an_empty_signer_name(
        runner: CliRunner, write_config: Callable[..., Path]) -> None:
    path = write_config(signer={"name": ""})

    line = failed(runner.invoke(cli, ["--config", str(path), "check-config"]), 2)

    assert "signer.name" in line
