"""Whether the fonts a letter template asks for exist on this server, as fontconfig sees them.

The templates are set in Arial. LibreOffice draws a missing font with whatever fontconfig
offers instead; with DejaVu Sans (all a minimal Debian has) the text is wider and a one-page
letter spills onto a second page. A metric-compatible font (Liberation Sans for Arial, from
Debian's ``fonts-liberation2``) keeps the layout, so it is a stated requirement and
``check-config`` warns when it is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

# Fonts with the same widths as Microsoft's, and the Debian package that brings each.
METRIC_COMPATIBLE: dict[str, tuple[tuple[str, ...], str]] = {
    "Arial": (("Liberation Sans", "Arimo"), "fonts-liberation2"),
    "Times New Roman": (("Liberation Serif", "Tinos"), "fonts-liberation2"),
    "Courier New": (("Liberation Mono", "Cousine"), "fonts-liberation2"),
    "Calibri": (("Carlito",), "fonts-crosextra-carlito"),
    "Cambria": (("Caladea",), "fonts-crosextra-caladea"),
}


def template_fonts(template: Path) -> set[str]:
    """The template's own font: its document default and that of its default paragraph
    style."""
    styles = Document(str(template)).styles
    found: set[str] = set()
    for fonts in styles.element.findall(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/"
                                        f"{qn('w:rPr')}/{qn('w:rFonts')}"):
        if fonts.get(qn("w:ascii")):
            found.add(str(fonts.get(qn("w:ascii"))))
    default = styles.default(WD_STYLE_TYPE.PARAGRAPH)
    if default is not None and default.font.name:
        found.add(default.font.name)
    return found


def fc_match(family: str) -> str | None:
    """The family fontconfig draws for ``family``; None without fontconfig's ``fc-match``."""
    command = shutil.which("fc-match")
    if command is None:
        return None
    try:
        done = subprocess.run([command, "-f", "%{family[0]}", family],  # noqa: S603 - fixed argv
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode(errors="replace").strip() or None


def font_warning(template: Path, family: str) -> str | None:
    """One Indonesian sentence when ``family`` is drawn with a font of other widths, or None
    (also when fontconfig is not there to ask)."""
    drawn = fc_match(family)
    compatible, package = METRIC_COMPATIBLE.get(family, ((), ""))
    if drawn is None or drawn.casefold() in {f.casefold() for f in (family, *compatible)}:
        return None
    install = (f"pasang paket {package} ({' atau '.join(compatible)}, lebar hurufnya sama "
               f"dengan {family})") if package else f"pasang huruf {family}"
    return (f"Peringatan: huruf {family} pada templat {template.name} tidak ada di server ini "
            f"dan digantikan {drawn}, sehingga tata letak surat bergeser (bisa menjadi dua "
            f"halaman); {install}.")


def font_warnings(templates: list[Path]) -> list[str]:
    """The warnings for every font of these templates, each font named once."""
    warnings: dict[str, str] = {}
    for template in templates:
        for family in sorted(template_fonts(template)):
            if family not in warnings:
                warning = font_warning(template, family)
                if warning:
                    warnings[family] = warning
    return list(warnings.values())
