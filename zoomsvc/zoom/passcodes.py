"""Meeting passcodes generated under the account's policy (length, alphabet, numeric only)."""

from __future__ import annotations

import secrets
import string

from zoomsvc.config.model import PasscodePolicy


def generate_passcode(policy: PasscodePolicy) -> str:
    """A random passcode of ``policy.length`` drawn with ``secrets`` from the allowed alphabet.

    When the alphabet has both letters and digits the passcode holds at least one of each, since
    Zoom accounts commonly require that.
    """
    alphabet = policy.alphabet
    if policy.numeric_only:
        alphabet = "".join(c for c in alphabet if c.isdigit()) or string.digits
    digits = [c for c in alphabet if c.isdigit()]
    letters = [c for c in alphabet if c.isalpha()]
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(policy.length))
        if policy.length < 2 or not digits or not letters:
            return code
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code
