"""Benchmark of letter rendering: LetterRenderer against a fresh DocxTemplate per letter.

Run as ``python bench/letters.py [--letters 300]``. Both paths render the same letters (half
"scheduled", half "full", each with its own number, topic and verification URL, so nothing can be
cached between letters) in the same process; the baseline is ``render_plain``, i.e.
``DocxTemplate(path)`` + ``render(autoescape=True)`` + ``save`` per letter. The run is repeated
without a verification URL to show the template work alone, since the QR code (segno) costs the
same on both paths. Figures only: nothing here asserts on time.
"""

import argparse
import time
from collections.abc import Callable
from dataclasses import replace

from zoomsvc.letters.context import LetterData
from zoomsvc.letters.render import (
    TEMPLATE_FULL,
    TEMPLATE_SCHEDULED,
    LetterRenderer,
    packaged_template,
    render_plain,
)
from zoomsvc.letters.sample import sample_full_letter, sample_letter

Job = tuple[str, LetterData]


def letters(count: int, with_qr: bool) -> list[Job]:
    """``count`` distinct letters, alternating between the two templates."""
    jobs: list[Job] = []
    for i in range(count):
        base = sample_letter() if i % 2 == 0 else sample_full_letter()
        name = TEMPLATE_SCHEDULED if i % 2 == 0 else TEMPLATE_FULL
        jobs.append((name, replace(
            base, number=f"000.8.3.3/{i + 1:04d}/DKISP-APTIKA/XI/2026",
            topic=f"{base.topic} (sesi {i + 1})",
            verification_url=f"https://zoom.contoh.go.id/verifikasi/{i:08x}" if with_qr else "")))
    return jobs


def timed(render: Callable[[str, LetterData], bytes], jobs: list[Job]) -> tuple[float, int]:
    """Seconds to render all ``jobs`` and the total size of the output."""
    size = 0
    start = time.perf_counter()
    for name, data in jobs:
        size += len(render(name, data))
    return time.perf_counter() - start, size


def compare(count: int, with_qr: bool) -> None:
    """Render ``count`` letters both ways and print letters/second and the ratio."""
    jobs = letters(count, with_qr)
    paths = {name: packaged_template(name) for name in (TEMPLATE_SCHEDULED, TEMPLATE_FULL)}
    start = time.perf_counter()
    renderers = {name: LetterRenderer(path) for name, path in paths.items()}
    setup = time.perf_counter() - start

    def fast(name: str, data: LetterData) -> bytes:
        return renderers[name].render(data)

    def plain(name: str, data: LetterData) -> bytes:
        return render_plain(paths[name], data)

    for render in (fast, plain):  # warm both paths (imports, caches) before timing
        timed(render, jobs[:4])
    fast_s, fast_size = timed(fast, jobs)
    plain_s, plain_size = timed(plain, jobs)
    label = "with QR code" if with_qr else "without QR code"
    print(f"{count} letters, {label}:")
    print(f"  LetterRenderer        {count / fast_s:8.1f} letters/s  "
          f"{1000 * fast_s / count:6.2f} ms/letter  {fast_size / count / 1024:5.1f} KiB/letter"
          f"  (compiling both templates once: {1000 * setup:.1f} ms)")
    print(f"  DocxTemplate/letter   {count / plain_s:8.1f} letters/s  "
          f"{1000 * plain_s / count:6.2f} ms/letter  {plain_size / count / 1024:5.1f} KiB/letter")
    print(f"  ratio                 {plain_s / fast_s:8.2f}x")


def main() -> None:
    """Parse the arguments and run both comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=300, help="letters per path (300)")
    args = parser.parse_args()
    compare(args.letters, with_qr=True)
    compare(args.letters, with_qr=False)


if __name__ == "__main__":
    main()
