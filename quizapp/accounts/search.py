"""Searching people by name the way Vietnamese users type: without tone marks, in any case.

Names are matched on a folded copy (``User.search_name``) kept by the model whenever the full
name is written, so the database compares plain lower-case ASCII-like text with LIKE, the same
on SQLite and PostgreSQL, and no per-row function runs at query time.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, and_, or_, true


def fold(text: str | None) -> str:
    """``"  Nguyễn Thị  Hằng"`` -> ``"nguyen thi hang"``; "đ" becomes "d" (it has no decomposition)."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(query: str, *columns) -> ColumnElement[bool]:
    """Every word of ``query`` (folded) appears in one of ``columns`` (folded text columns)."""
    words = fold(query).split()
    if not words:
        return true()
    return and_(*(or_(*(c.like(f"%{_like_escape(w)}%", escape="\\") for c in columns)) for w in words))
