"""Paper codes: 7 random Crockford base32 characters and a check character, printed as ``K7M2-Q9XD``.

Crockford's alphabet leaves out I, L, O and U, and reading forgives them (I and L read as 1, O as
0), so a code typed from the sheet by hand comes out right. The check character is a weighted sum
with odd weights modulo 32: any single wrong character, and most swaps of neighbours, are caught
before the database is asked. 35 random bits: codes are unique by an index, not by luck alone.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
#: Odd weights: each is invertible modulo 32, so one changed character always changes the sum.
_WEIGHTS = (1, 3, 5, 7, 9, 11, 13)


def _check(body: str) -> str:
    return ALPHABET[sum(w * _VALUE[c] for w, c in zip(_WEIGHTS, body, strict=True)) % 32]


def new_code() -> str:
    """A fresh random code with its check character (8 characters, no separator)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + _check(body)


def normalise(text: str) -> str | None:
    """The stored form of a typed or scanned code, or None when it is not a valid code.

    Spaces and hyphens are ignored, case does not matter and I, L, O read as 1, 1, 0.
    """
    code = "".join((text or "").split()).replace("-", "").upper().translate(_ALIASES)
    if len(code) != LENGTH or any(c not in _VALUE for c in code):
        return None
    return code if _check(code[:-1]) == code[-1] else None


def display(code: str | None) -> str:
    """The code as printed and shown: two groups of four (``K7M2-Q9XD``)."""
    return f"{code[:4]}-{code[4:]}" if code else ""
