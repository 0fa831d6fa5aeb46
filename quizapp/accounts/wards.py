"""The 34 wards and communes of Thanh Hóa city (late 2021) and how rosters name them.

Source: ../shared/content/facts.md, Appendix A (30 phường + 4 xã, in force from 01/02/2021).
"""

from __future__ import annotations

import difflib
import unicodedata

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Ward

WARDS_2021: tuple[tuple[str, str], ...] = tuple(
    [
        ("phuong", n)
        for n in (
            "An Hưng",
            "Ba Đình",
            "Điện Biên",
            "Đông Cương",
            "Đông Hải",
            "Đông Hương",
            "Đông Lĩnh",
            "Đông Sơn",
            "Đông Tân",
            "Đông Thọ",
            "Đông Vệ",
            "Hàm Rồng",
            "Lam Sơn",
            "Long Anh",
            "Nam Ngạn",
            "Ngọc Trạo",
            "Phú Sơn",
            "Quảng Cát",
            "Quảng Đông",
            "Quảng Hưng",
            "Quảng Phú",
            "Quảng Tâm",
            "Quảng Thành",
            "Quảng Thắng",
            "Quảng Thịnh",
            "Tào Xuyên",
            "Tân Sơn",
            "Thiệu Dương",
            "Thiệu Khánh",
            "Trường Thi",
        )
    ]
    + [("xa", n) for n in ("Đông Vinh", "Hoằng Đại", "Hoằng Quang", "Thiệu Vân")]
)


def ward_code(name: str) -> str:
    """The stable ASCII code of a ward name without its kind: "Đông Vệ" -> "dong-ve"."""
    return slugify(name)


def seed_wards(session: Session) -> int:
    """Create any of the 34 wards that are missing; return how many were added."""
    existing = set(session.scalars(select(Ward.code)))
    added = 0
    for position, (kind, name) in enumerate(WARDS_2021, start=1):
        code = ward_code(name)
        if code not in existing:
            session.add(Ward(code=code, name=name, kind=kind, position=position))
            added += 1
    return added


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().casefold()
    for prefix in ("phường ", "phuong ", "xã ", "xa ", "p. ", "p.", "x. "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return slugify(text)


def ward_lookup(session: Session) -> dict[str, Ward]:
    """A dict from every accepted spelling (code, name, with or without kind) to the ward."""
    table: dict[str, Ward] = {}
    for ward in session.scalars(select(Ward)):
        table[ward.code] = ward
        table[_fold(ward.name)] = ward
    return table


def find_ward(table: dict[str, Ward], text: str) -> Ward | None:
    """Resolve a roster's ward cell ("dong-ve", "Đông Vệ", "phường Đông Vệ") or None."""
    return table.get(_fold(text)) if text else None


def suggest_wards(table: dict[str, Ward], text: str, n: int = 3) -> list[Ward]:
    """The wards whose spelling comes closest to an unknown ``text`` ("Dong Ve" -> Đông Vệ)."""
    found: list[Ward] = []
    for key in difflib.get_close_matches(_fold(text), list(table), n=n * 2, cutoff=0.6):
        if table[key] not in found:
            found.append(table[key])
    return found[:n]
