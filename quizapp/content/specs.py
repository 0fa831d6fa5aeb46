"""A course package as plain values, once validated: what the importer writes."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SectionSpec:
    slug: str
    title: str
    position: int
    body_md: str


@dataclass
class QuestionSpec:
    id: str
    section: str
    type: str
    difficulty: str
    text: str
    options: list[dict[str, Any]]
    explanation: str
    source: str
    where: str  # "file:line", for messages

    @property
    def content_hash(self) -> str:
        """A fingerprint of the wording: a changed hash means a new version."""
        payload = [self.section, self.type, self.difficulty, self.text, self.options, self.explanation, self.source]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass
class TopicSpec:
    number: int
    slug: str
    title: str
    summary: str
    intro_md: str
    quiz: dict[str, Any]
    sections: list[SectionSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    title: str
    issuing_body: str
    settings: dict[str, Any]
    topics: list[TopicSpec]


def nfc(value: Any) -> Any:
    """NFC-normalise every string inside ``value``."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc(v) for k, v in value.items()}
    return value
