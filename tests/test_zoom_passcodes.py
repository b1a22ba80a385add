"""Passcodes generated under the account's policy: length, alphabet, numeric only, at most 10."""

from __future__ import annotations

import re

import pytest

from zoomsvc.config import PasscodePolicy, build_config, demo_document
from zoomsvc.config.load import ConfigError
from zoomsvc.config.model import SAFE_PASSCODE_ALPHABET
from zoomsvc.zoom.passcodes import generate_passcode


@pytest.mark.parametrize("length", [1, 6, 8, 10])
def test_a_passcode_has_exactly_the_policy_length(length):
    for _ in range(50):
        assert len(generate_passcode(PasscodePolicy(length=length))) == length


def test_the_default_passcode_uses_only_the_safe_alphabet_and_at_most_ten_characters():
    for _ in range(200):
        code = generate_passcode(PasscodePolicy())
        assert set(code) <= set(SAFE_PASSCODE_ALPHABET)
        assert re.fullmatch(r"[A-Za-z0-9@_*-]{1,10}", code)


def test_the_safe_alphabet_leaves_out_lookalike_characters():
    assert not set("0O1lI") & set(SAFE_PASSCODE_ALPHABET)


def test_a_mixed_alphabet_gives_at_least_one_letter_and_one_digit():
    for _ in range(300):
        code = generate_passcode(PasscodePolicy(length=2, alphabet="ab23"))
        assert any(c.isdigit() for c in code)
        assert any(c.isalpha() for c in code)


def test_a_numeric_only_policy_gives_digits_from_the_alphabet():
    policy = PasscodePolicy(length=6, alphabet="ABC2345", numeric_only=True)
    for _ in range(100):
        assert re.fullmatch(r"[2345]{6}", generate_passcode(policy))


def test_a_numeric_only_policy_with_a_letters_only_alphabet_falls_back_to_digits():
    code = generate_passcode(PasscodePolicy(length=9, alphabet="abc", numeric_only=True))
    assert re.fullmatch(r"[0-9]{9}", code)


def test_a_custom_alphabet_is_respected():
    for _ in range(100):
        assert set(generate_passcode(PasscodePolicy(length=10, alphabet="xyz@"))) <= set("xyz@")


def test_passcodes_are_not_repeated():
    codes = {generate_passcode(PasscodePolicy()) for _ in range(500)}
    assert len(codes) >= 499


def test_the_configuration_refuses_a_passcode_longer_than_zoom_allows():
    document = demo_document()
    document["zoom"]["passcode"] = {"length": 11}
    with pytest.raises(ConfigError, match=r"passcode\.length"):
        build_config(document, {}, "test")
