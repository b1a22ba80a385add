"""The explicit package list in pyproject.toml covers every package of the source tree, and
nothing but the package ships from the folders kept outside zoomsvc/."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_python_package_under_zoomsvc_is_listed_for_the_wheel() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for init in (ROOT / "zoomsvc").rglob("__init__.py")}
    assert found - listed == set()


def test_the_packages_kept_outside_zoomsvc_are_mapped_to_their_folders() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = project["tool"]["setuptools"]["package-dir"]
    assert mapping == {"zoomsvc.examples": "examples", "zoomsvc.letter_templates": "templates"}
    assert (ROOT / "templates" / "surat_tanggapan.docx").is_file()
    assert (ROOT / "examples" / "permohonan.json").is_file()


def test_the_folders_shipped_as_packages_hold_no_development_scripts() -> None:
    # setuptools puts every module of a listed package's folder into the wheel: a script kept
    # in templates/ or examples/ would be installed as zoomsvc.letter_templates.<script>.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for folder in project["tool"]["setuptools"]["package-dir"].values():
        modules = {path.name for path in (ROOT / folder).glob("*.py")}
        assert modules <= {"__init__.py"}, (folder, modules)


def test_every_static_file_of_the_web_app_is_in_the_package_data() -> None:
    # The vendored calendar lives in a sub-folder: a glob of static/ alone would leave it out of
    # the wheel, and the calendar page would load nothing once installed.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["zoomsvc.web"]
    web = ROOT / "zoomsvc" / "web"
    shipped = {path for pattern in patterns for path in web.glob(pattern) if path.is_file()}
    static = {path for path in (web / "static").rglob("*") if path.is_file()}
    assert static, "no static files found"
    assert static - shipped == set()
    assert (web / "static" / "vendor" / "event-calendar" / "LICENSE").is_file()
