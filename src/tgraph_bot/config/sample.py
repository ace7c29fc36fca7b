"""config.yml.sample as documentation: its sections, and each key's comment.

/config view groups the settings like the sample does and shows a key's comment as its
description, translated (:func:`extract_comments` puts the comments in the catalog). The
sample ships inside the package (pyproject force-include); a source checkout reads it from
the repository root.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from annotated_types import Ge, Le, MaxLen, MinLen

from tgraph_bot.config.schema import KEYS, Settings
from tgraph_bot.i18n import Translator

_HERE = Path(__file__).resolve().parent
CANDIDATES = (_HERE / "config.yml.sample", _HERE.parents[2] / "config.yml.sample")
_SECTION = re.compile(r"^#\s*---\s*(.+?)\s*-*\s*$")
_KEY = re.compile(r"^([A-Z][A-Z0-9_]*):")


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SampleDoc:
    sections: tuple[Section, ...]
    comments: dict[str, str]


def parse_sample(text: str) -> SampleDoc:
    """Sections in file order; a key's comment is the block right above it, or the block
    above the run of keys it belongs to ("Which graphs to draw" for every ENABLE_*)."""
    sections: list[tuple[str, list[str]]] = []
    comments: dict[str, str] = {}
    block: list[str] = []
    shared = ""
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section:
            sections.append((section.group(1).strip(" -"), []))
            block, shared = [], ""
            continue
        if line.startswith("#"):
            block.append(line.lstrip("#").strip())
            continue
        key = _KEY.match(line)
        if key is None:
            block, shared = [], ""  # a blank line ends a block
            continue
        if block:
            shared = " ".join(block)
            block = []
        if not sections:
            sections.append(("", []))
        sections[-1][1].append(key.group(1))
        comments[key.group(1)] = shared
    found = tuple(Section(title, tuple(keys)) for title, keys in sections if keys)
    return SampleDoc(found, comments)


def sample_bytes() -> bytes | None:
    """The annotated sample as shipped (None only in a broken install)."""
    for path in CANDIDATES:
        if path.is_file():
            return path.read_bytes()
    return None


@cache
def sample_doc() -> SampleDoc:
    raw = sample_bytes()
    if raw is None:
        return SampleDoc((Section("", KEYS),), {})
    return parse_sample(raw.decode("utf-8"))


def extract_comments(
    fileobj: typing.BinaryIO, keywords: object, comment_tags: object, options: object
) -> typing.Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (babel.cfg): each key's comment in config.yml.sample is a message,
    so /config view shows it in the reader's language."""
    seen: set[str] = set()
    for comment in parse_sample(fileobj.read().decode("utf-8")).comments.values():
        if comment and comment not in seen:
            seen.add(comment)
            yield 0, None, comment, []


def allowed_values(key: str, tr: Translator) -> str:
    """What the schema accepts for a key, in a few words."""
    field = Settings.model_fields[key]
    annotation = field.annotation
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(str(a) for a in typing.get_args(annotation))
    if annotation is bool:
        return "true | false"
    low = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in field.metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        return f"{low} – {high}"
    shortest = next((m.min_length for m in field.metadata if isinstance(m, MinLen)), None)
    longest = next((m.max_length for m in field.metadata if isinstance(m, MaxLen)), None)
    if longest is not None:
        return tr._("{low} – {high} characters").format(low=shortest or 0, high=longest)
    if typing.get_origin(annotation) is list:
        return tr._("channel ids, separated by commas")
    return ""


__all__ = [
    "SampleDoc",
    "Section",
    "allowed_values",
    "extract_comments",
    "parse_sample",
    "sample_doc",
]
