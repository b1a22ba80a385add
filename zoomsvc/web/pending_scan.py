"""A scanned request letter kept across a refused submission of the request form.

The file goes into a content-addressed folder of its own (``pending`` under the letters' files
folder); the form carries a signed, dated token of its hash in a hidden field, so a resubmission
can take it back without uploading it again, and nobody can name another person's file. Files
older than the token's lifetime are removed whenever a new one is kept.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from zoomsvc.store.files import FileCorrupted, FileStore

SALT = "zoomsvc.pending-scan"


class PendingScans:
    """Scans waiting for their form to be accepted; tokens live ``max_age`` seconds."""

    def __init__(self, files_dir: Path | str, secret_key: str, max_age: int) -> None:
        self.store = FileStore(Path(files_dir) / "pending")
        self.signer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.max_age = max_age

    def keep(self, content: bytes) -> str:
        """Store ``content`` for a later submission; the token naming it."""
        self.clean()
        return self.signer.dumps(self.store.put(content))

    def take(self, token: str) -> bytes | None:
        """The scan a token names, or None when the token is forged, expired or its file gone."""
        try:
            digest = self.signer.loads(token, max_age=self.max_age)
            return self.store.get(str(digest))
        except (BadSignature, ValueError, OSError, FileCorrupted):
            return None

    def forget(self, token: str) -> None:
        """Remove the file a token names (its request has been stored)."""
        with contextlib.suppress(BadSignature, ValueError, OSError):
            self.store.path(str(self.signer.loads(token, max_age=self.max_age))).unlink(
                missing_ok=True)

    def clean(self) -> None:
        """Remove kept scans whose tokens have expired."""
        cutoff = time.time() - self.max_age
        if not self.store.root.is_dir():
            return
        for path in self.store.root.glob("*/*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue  # removed meanwhile by another worker
