"""Surat Tanggapan: the letter's data, its Indonesian context and the .docx rendering."""

from zoomsvc.letters.context import CONTEXT_KEYS, LetterData, Letterhead, Signer, template_context
from zoomsvc.letters.render import (
    TEMPLATE_FULL,
    TEMPLATE_SCHEDULED,
    LetterRenderer,
    check_template,
    packaged_template,
    render_plain,
    undeclared_variables,
)
from zoomsvc.letters.template_check import TemplateCheckError

__all__ = [
    "CONTEXT_KEYS",
    "TEMPLATE_FULL",
    "TEMPLATE_SCHEDULED",
    "LetterData",
    "LetterRenderer",
    "Letterhead",
    "Signer",
    "TemplateCheckError",
    "check_template",
    "packaged_template",
    "render_plain",
    "template_context",
    "undeclared_variables",
]
