"""Every URL rule is classified in the route x role matrix, and every role gets what it says."""

from __future__ import annotations

from ..route_matrix import LAST, MATRIX, Row, ordered, outcome, request, rules_of, suggest
from ..secworld import ROLES, build_world


def _guess_path(rule: str) -> dict[str, str]:
    """Certificate rules take a certificate code for <code>; everything else the defaults."""
    if "certificates" in rule or rule.startswith("/verify/"):
        return {"code": "certificate_code", "filename": "certificate_static"}
    return {}


def _observe(world, rows: list[Row]) -> dict[tuple, list]:
    """What each role gets from each row, one logged-in client per role."""
    seen = {row.key: [] for row in rows}
    for role in ROLES:
        client = world.client(role)
        for row in ordered(rows):
            try:
                # Logging out ends the session: each logout row gets a session of its own.
                fresh = world.client(role) if row.key in LAST else client
                seen[row.key].append(outcome(request(fresh, row, world)))
            except KeyError as exc:  # a new path parameter secworld has no value for yet
                seen[row.key].append(f"?{exc}")
    return seen


def test_the_matrix_has_one_row_per_rule_and_no_stale_rows(app, make):
    keys = [row.key for row in MATRIX]
    assert len(keys) == len(set(keys)), "a rule appears twice in MATRIX"
    served = rules_of(app)
    stale = set(keys) - served
    assert not stale, f"MATRIX rows for rules the app no longer has: {sorted(stale)}"
    missing = sorted(served - set(keys))
    if missing:
        world = build_world(app, make)
        probes = [Row(m, r, (None,) * len(ROLES), _guess_path(r)) for m, r in missing]
        seen = _observe(world, probes)
        lines = "\n".join(suggest(m, r, seen[(m, r)]) for m, r in missing)
        raise AssertionError(
            f"{len(missing)} rule(s) not classified in tests/route_matrix.py MATRIX. Decide who may reach "
            f"each one, then add its row (observed now, columns {ROLES}):\n{lines}"
        )


def test_every_role_gets_what_the_matrix_says(app, make):
    world = build_world(app, make)
    seen = _observe(world, MATRIX)
    wrong = [
        f"{row.method} {row.rule} as {role}: expected {want}, got {got}"
        for row in MATRIX
        for role, want, got in zip(ROLES, row.expect, seen[row.key], strict=True)
        if want != got
    ]
    assert not wrong, "\n".join(wrong)
