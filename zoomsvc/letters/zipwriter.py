"""A minimal zip writer that reuses the compressed bytes of parts that never change.

A letter's package is about a dozen parts of which only the document, its relationships, the
content types and the images differ between letters. ``zipfile`` can only write by compressing
again; here each unchanged part is deflated once (:func:`prepare`) and copied as raw bytes into
every letter, which also keeps the per-letter state local (no shared ``ZipInfo`` objects, so one
renderer can serve several threads).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

# Fixed timestamp (1 January 2026): the same letter data gives the same bytes.
_DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1
_DOS_TIME = 0
_VERSION = 20
_STORED, _DEFLATED = 0, 8
_UTF8_NAMES = 0x800
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


@dataclass(frozen=True)
class Entry:
    """One member, compressed and ready to copy: name, method, CRC, sizes and raw data."""

    name: bytes
    method: int
    crc: int
    size: int
    data: bytes

    @property
    def flags(self) -> int:
        """General-purpose flags: names are UTF-8 unless pure ASCII."""
        return 0 if self.name.isascii() else _UTF8_NAMES


def prepare(name: str, content: bytes, compress: bool = True) -> Entry:
    """Compress one member (raw deflate, as zip stores it) unless ``compress`` is false."""
    crc = zlib.crc32(content)
    if compress:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        return Entry(name.encode("utf-8"), _DEFLATED, crc, len(content), data)
    return Entry(name.encode("utf-8"), _STORED, crc, len(content), content)


def write(entries: list[Entry]) -> bytes:
    """The zip archive of ``entries`` in order (no zip64: letters are far below 4 GiB)."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        header = _LOCAL.pack(0x04034B50, _VERSION, e.flags, e.method, _DOS_TIME, _DOS_DATE,
                             e.crc, len(e.data), e.size, len(e.name), 0)
        central.append(_CENTRAL.pack(0x02014B50, _VERSION, _VERSION, e.flags, e.method,
                                     _DOS_TIME, _DOS_DATE, e.crc, len(e.data), e.size,
                                     len(e.name), 0, 0, 0, 0, 0, offset) + e.name)
        chunks += (header, e.name, e.data)
        offset += len(header) + len(e.name) + len(e.data)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(chunks) + directory + end
