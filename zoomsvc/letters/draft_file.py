"""Letter files on disk: written whole or not at all, and checked against their recorded digest."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file of this call's own in the same
    folder, renamed into place: a reader sees the old file or the new one, never half of one,
    and two writers of the same path at once do not mix their bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def draft_written(path: Path, sha256: str) -> bool:
    """Whether ``path`` exists and holds the bytes whose digest was recorded."""
    try:
        return file_sha256(path) == sha256
    except FileNotFoundError:
        return False
