"""Benchmark of the time a user waits for a letter's PDF: letter data → DOCX → PDF.

Run as ``python bench/letters.py [--oneshot 12] [--server 60] [--soak 500]``. In one run, on the
same letters (half "scheduled", half "full", each with its own number and topic so nothing can be
cached between letters):

1. the one-shot path: LibreOffice started for each letter (``oneshot_pdf``), the baseline;
2. the running converter (``PdfConverter("server")``: unoserver, started once);
3. a soak of consecutive conversions through the running converter, with LibreOffice
   (``soffice.bin``) killed with SIGKILL while one conversion is under way; the conversions go
   on, the next one starting LibreOffice again.

DOCX rendering is timed on its own as well, through the letters' public renderer. Figures only
(median, p95, max, failures): nothing here asserts on time.
"""

import argparse
import os
import signal
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from zoomsvc.letters import (
    TEMPLATE_FULL,
    TEMPLATE_SCHEDULED,
    LetterData,
    LetterRenderer,
    packaged_template,
)
from zoomsvc.letters.converter import PdfConverter
from zoomsvc.letters.pdf import PdfUnavailable, oneshot_pdf
from zoomsvc.letters.sample import sample_full_letter, sample_letter

TIMEOUT_SECONDS = 120.0
Job = tuple[str, LetterData]


def letters(count: int, first: int = 1) -> list[Job]:
    """``count`` distinct letters, alternating between the two templates."""
    jobs: list[Job] = []
    for i in range(first, first + count):
        base = sample_letter() if i % 2 else sample_full_letter()
        name = TEMPLATE_SCHEDULED if i % 2 else TEMPLATE_FULL
        jobs.append((name, replace(
            base, number=f"000.8.3.3/{i:04d}/DKISP-APTIKA/XII/2026",
            topic=f"{base.topic} (sesi {i})",
            verification_url=f"https://zoom.contoh.go.id/verifikasi/{i:08x}")))
    return jobs


@dataclass
class Figures:
    """Seconds per letter of one path, and its failures."""

    label: str
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.seconds:
            return f"  {self.label:<30} no result; failures: {len(self.failures)}"
        ordered = sorted(self.seconds)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (f"  {self.label:<30} n={len(ordered):<4} median {median(ordered):7.3f} s  "
                f"p95 {p95:7.3f} s  max {ordered[-1]:7.3f} s  failures {len(self.failures)}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Renderers:
    """One renderer per template, as the letter service keeps them."""

    def __init__(self) -> None:
        self._by_name = {name: LetterRenderer(packaged_template(name))
                         for name in (TEMPLATE_SCHEDULED, TEMPLATE_FULL)}

    def render(self, job: Job) -> bytes:
        name, data = job
        return self._by_name[name].render(data)


def end_to_end(label: str, jobs: list[Job], renderers: Renderers,
               convert: Callable[[bytes], bytes], pdf_only: Figures,
               docx_only: Figures) -> Figures:
    """Render and convert each letter; the whole wait, and its parts."""
    figures = Figures(label)
    for job in jobs:
        start = time.perf_counter()
        try:
            docx = renderers.render(job)
            rendered = time.perf_counter()
            pdf = convert(docx)
        except PdfUnavailable as exc:
            figures.failures.append(str(exc))
            continue
        done = time.perf_counter()
        if not pdf.startswith(b"%PDF"):
            figures.failures.append("not a PDF")
            continue
        figures.seconds.append(done - start)
        pdf_only.seconds.append(done - rendered)
        docx_only.seconds.append(rendered - start)
    return figures


def soak(converter: PdfConverter, renderers: Renderers, count: int, kill_at: int) -> Figures:
    """``count`` consecutive conversions; LibreOffice killed during conversion ``kill_at``."""
    figures = Figures(f"soak, {count} conversions")
    server = converter.server
    assert server is not None, "the converter runs its own server by now"
    for index, job in enumerate(letters(count, first=1000)):
        docx = renderers.render(job)
        killer = None
        if index + 1 == kill_at:
            office = server.office_pid()
            print(f"  killing soffice.bin (pid {office}) during conversion {kill_at}...")
            # Shortly after the request went out: LibreOffice dies while it converts.
            killer = threading.Timer(0.05, os.kill, (office, signal.SIGKILL))
            killer.start()
        start = time.perf_counter()
        try:
            pdf = converter.convert(docx)
        except PdfUnavailable as exc:
            figures.failures.append(f"#{index + 1}: {exc}")
            continue
        finally:
            if killer is not None:
                killer.join()
        figures.seconds.append(time.perf_counter() - start)
        if not pdf.startswith(b"%PDF"):
            figures.failures.append(f"#{index + 1}: not a PDF")
    return figures


def main() -> None:
    """Parse the arguments, run the three measurements and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oneshot", type=int, default=12, help="letters, one-shot path (12)")
    parser.add_argument("--server", type=int, default=60, help="letters, running server (60)")
    parser.add_argument("--soak", type=int, default=500, help="soak conversions (500)")
    args = parser.parse_args()
    renderers = Renderers()
    renderers.render(letters(1)[0])  # imports and first-use work, outside the figures
    jobs = letters(max(args.oneshot, args.server))

    print(f"1. one-shot soffice per letter, {args.oneshot} letters (the first one cold)...")
    oneshot_pdf_only, oneshot_docx = Figures("PDF alone, one-shot"), Figures("DOCX, one-shot")
    oneshot = end_to_end("end to end, one-shot", jobs[:args.oneshot], renderers,
                         lambda docx: oneshot_pdf(docx, TIMEOUT_SECONDS), oneshot_pdf_only,
                         oneshot_docx)

    print(f"2. running converter (unoserver), {args.server} letters...")
    converter = PdfConverter("server", TIMEOUT_SECONDS)
    start = time.perf_counter()
    converter.convert(renderers.render(letters(1, first=9999)[0]))  # starts the server
    startup = time.perf_counter() - start
    server_pdf_only, server_docx = Figures("PDF alone, server"), Figures("DOCX, server")
    server = end_to_end("end to end, server", jobs[:args.server], renderers,
                        converter.convert, server_pdf_only, server_docx)

    print(f"3. soak: {args.soak} consecutive conversions, LibreOffice killed midway...")
    starts_before = converter.server.starts if converter.server else 0
    soaked = soak(converter, renderers, args.soak, kill_at=args.soak // 2)
    starts = (converter.server.starts if converter.server else 0) - starts_before
    converter.stop()

    print("\nLetter data → DOCX → PDF, the same letters, this run:")
    for figures in (oneshot, server, oneshot_pdf_only, server_pdf_only, server_docx):
        print(figures.line())
    if oneshot.seconds:
        print(f"  first one-shot letter of the run (coldest): {oneshot.seconds[0]:.3f} s")
    print(f"  first PDF of a process waits for the server to start: {startup:.1f} s (once)")
    print(f"  PDF alone: running server is "
          f"{median(oneshot_pdf_only.seconds) / median(server_pdf_only.seconds):.1f}x faster "
          f"than one-shot (median); end to end "
          f"{median(oneshot.seconds) / median(server.seconds):.1f}x (goal: at least 5x)")
    print(soaked.line())
    print(f"  LibreOffice started again during the soak: {starts} time(s)")
    for failure in (*oneshot.failures, *server.failures, *soaked.failures):
        print(f"  failure: {failure}")


if __name__ == "__main__":
    main()
