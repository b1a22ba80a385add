"""Files kept by their SHA-256 (signed letters, scanned request letters): written once, never
replaced, checked on every read."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class FileCorrupted(RuntimeError):
    """A stored file no longer matches its SHA-256."""


class FileStore:
    """A folder of immutable files addressed by content: ``ab/cdef…`` under ``root``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file of this hash lives (whether or not it exists)."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, content: bytes) -> str:
        """Store ``content`` (atomically; a file already there is left as it is); its hash."""
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The file's bytes, after checking they still hash to ``sha256``."""
        content = self.path(sha256).read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:
            raise FileCorrupted(f"berkas {sha256[:12]}… rusak: isinya tidak cocok dengan hash")
        return content
