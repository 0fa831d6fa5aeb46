"""No crafted query or path value makes a 5xx: every GET rule, every role, hostile values.

Each rule of the URL map is requested by every role with each family of hostile query values
(every argument any view reads set at once), and with hostile path values in place of its ids
and codes. The families are the ones an outside review turned into 500s: Unicode digits that
pass ``str.isdigit``, integers past 64 bits, dates at the ends of the calendar, url_for's own
keywords splatted from the query string, CR/LF and over-long text.
"""

from __future__ import annotations

from ..route_matrix import MATRIX, ordered
from ..secworld import ROLES, build_world, fill, params_of

#: Every query argument a view reads (grep request.args), plus url_for's keywords and path names.
ARGS = (
    "page", "cohort", "from", "to", "sort", "dir", "state", "ward", "status", "q", "role", "order",
    "actor", "action", "type", "object", "code", "lang", "next", "topic", "user", "position", "seq",
    "format", "_method", "_anchor", "_external", "_scheme", "endpoint", "values", "user_id", "number",
)  # fmt: skip

HUGE = "9" * 30
FAMILIES = {
    "unicode digits": dict.fromkeys(ARGS, "²"),
    "arabic-indic digits": dict.fromkeys(ARGS, "٣"),
    "huge": dict.fromkeys(ARGS, HUGE),
    "negative": dict.fromkeys(ARGS, "-1"),
    "early dates": {"from": "0001-01-01", "to": "0001-01-01", "cohort": "0", "page": "0"},
    "late dates": {"from": "9999-12-31", "to": "9999-12-31", "page": str(2**63)},
    "crlf": dict.fromkeys(ARGS, "x\r\nSet-Cookie: a=b"),
    "long": dict.fromkeys(ARGS, "ờ" * 300),
    "xlsx huge": {**dict.fromkeys(ARGS, HUGE), "format": "xlsx"},
    "csv dates": {"from": "0001-01-01", "to": "9999-12-31", "cohort": HUGE, "format": "csv"},
}
#: Hostile stand-ins for path values: ids past 64 bits, Unicode digits, zero, odd text.
PATH_FAMILIES = {"int": (str(2**64), "0"), "text": ("²", "a%0D%0Ab", "x" * 300, "..%2F..%2Fsecret_key")}


def _hostile_paths(rule: str, values: dict) -> list[str]:
    """The rule with each path parameter replaced by each hostile value (others keep real ones)."""
    urls = []
    for name in params_of(rule):
        kind = "int" if f"<int:{name}>" in rule else "text"
        for bad in PATH_FAMILIES[kind]:
            urls.append(fill(rule, {**values, "_bad": bad}, {name: "_bad"}))
    return urls


def _status(client, url: str, query: dict | None = None) -> int | str:
    try:
        response = client.get(url, query_string=query)
    except Exception as exc:  # TESTING propagates exceptions: that is a 500
        return f"500 ({type(exc).__name__}: {str(exc)[:120]})"
    response.close()
    return response.status_code


#: Query families per (role, rule), rotated so that across the roles every family meets every rule.
PER_REQUEST = 3


def test_no_get_rule_answers_hostile_values_with_a_server_error(app, make):
    world = build_world(app, make)
    gets = [row for row in ordered(MATRIX) if row.method == "GET"]
    families = list(FAMILIES.items())
    failures = []
    for r, role in enumerate(ROLES):
        client = world.client(role)
        for g, row in enumerate(gets):
            url = fill(row.rule, world.values, row.path)
            start = (r * PER_REQUEST + g) % len(families)
            for family, query in (families * 2)[start : start + PER_REQUEST]:
                status = _status(client, url, query)
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{role} GET {row.rule} [{family}]: {status}")
            values = {**world.values, **{k: world.values[v] for k, v in row.path.items()}}
            hostile = _hostile_paths(row.rule, values)
            # The admin reaches nearly every rule: every hostile path; the others one each, rotated.
            for bad_url in hostile if role == "admin" else hostile[g % max(1, len(hostile)) :][:1]:
                status = _status(client, bad_url)
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{role} GET {bad_url}: {status}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
