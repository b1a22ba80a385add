"""The identity of an agency's letter number: the same letter typed differently is one letter.

``440/101/DINKES/2026``, ``440 / 101 / dinkes / 2026``, ``４４０/101/DINKES/2026`` (full-width
digits) and the same text with a zero-width space all name one letter. The request keeps the
number as typed for printing; the key only decides whether a letter was already submitted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_KEY_LENGTH = 200
_AROUND_SLASH = re.compile(r" ?/ ?")


def letter_key(letter_number: str) -> str:
    """The comparison key of a letter number: NFKC, without format characters (zero-width
    spaces, direction marks), case-folded, whitespace collapsed, no spaces around ``/``.

    Never contains an upper-case letter, so keys made otherwise (``SHA256:`` for an overlong
    number, a request code suffix in old data) cannot collide with it.
    """
    text = unicodedata.normalize("NFKC", letter_number)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    # Case folding may leave text that NFKC changes again, and NFKC may give back capitals.
    text = unicodedata.normalize("NFKC", text.casefold()).casefold()
    text = _AROUND_SLASH.sub("/", " ".join(text.split()))
    if len(text) > MAX_KEY_LENGTH:
        return "SHA256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return text
