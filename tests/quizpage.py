"""Driving the quiz the way a browser would: start, save, and read questions, options and display positions."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPTION = re.compile(
    r'<input type="(?P<kind>radio|checkbox)" name="q(?P<pos>\d+)" id="[^"]+"\s+'
    r'value="(?P<value>\d+)"\s*(?P<checked>checked)?>'
    r"\s*<span>(?P<text>[^<]*)</span>"
)


_CANONICAL = re.compile(r'<link rel="canonical" href="/attempts/(\d+)">')


@dataclass
class Option:
    position: int
    value: int
    text: str
    checked: bool
    kind: str


def options(html: str) -> dict[int, list[Option]]:
    """Question position -> its options in display order."""
    out: dict[int, list[Option]] = {}
    for m in _OPTION.finditer(html):
        out.setdefault(int(m["pos"]), []).append(
            Option(int(m["pos"]), int(m["value"]), m["text"], bool(m["checked"]), m["kind"])
        )
    return out


def right_values(opts: list[Option]) -> list[int]:
    """Display positions of the right options in factory-made questions ("đúng"/"Đúng" in text)."""
    return [o.value for o in opts if "đúng" in o.text.lower()]


def wrong_value(opts: list[Option]) -> int:
    return next(o.value for o in opts if "đúng" not in o.text.lower())


def start(client, number=1):
    """Press Start: the answer is the new paper itself; its attempt's id."""
    return started(client.post(f"/topics/{number}/attempts"))


def started(response) -> int:
    """The attempt a Start answered with: a new paper (200, its own address in the canonical link)."""
    assert response.status_code == 200, (response.status_code, response.location, response.data[:300])
    match = _CANONICAL.search(response.get_data(as_text=True))
    assert match, response.data[:300]
    return int(match.group(1))


def save(client, attempt_id, position, selected, seq):
    return client.post(f"/attempts/{attempt_id}/answers", json={"position": position, "selected": selected, "seq": seq})
