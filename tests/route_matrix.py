"""The route x role matrix: every URL rule of the app, and what each role gets from it.

One row per (method, rule). A GET is a plain request; a POST carries an empty form (CSRF off), so
an allowed POST answers with its own validation (200/302/400) and a refused one with 403/404. The
columns are secworld.ROLES:

    anon, trainee, another ward's trainee, ward manager (own ward, other ward), instructor, admin

Cells: an HTTP status, or ``L`` (a redirect to the login page). Path parameters are filled from
secworld's values; ``path`` names another value for a parameter (``<code>`` is a ward code unless
the row says ``path={"code": "certificate_code"}``). Adding a route = adding one line here; the
test that finds an unclassified rule prints the row to add, with the statuses it observed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .secworld import ROLES, World, fill

L = "login"  # 302 to /login?next=... (login required)


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    expect: tuple
    path: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        assert len(self.expect) == len(ROLES), f"{self.rule}: one cell per role {ROLES}"

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule


def R(method: str, rule: str, *expect, **path) -> Row:
    """One row: ``R("GET", "/reports", L, 403, 403, 302, 302, 200, 200)``."""
    return Row(method, rule, tuple(expect), path)


CERT = {"code": "certificate_code"}
CERT_STATIC = {"filename": "certificate_static"}

# fmt: off
#  method   rule                                               anon trainee other wm_own wm_other instructor admin
MATRIX = [
    R("GET",  "/",                                               L, 200, 200, 200, 200, 200, 200),
    R("GET",  "/admin/",                                         L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/audit",                                    L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/certificates",                             L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/certificates/<code>",                      L, 403, 403, 403, 403, 403, 200, **CERT),
    R("GET",  "/admin/certificates/wards/<ward_code>.pdf",       L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/certificates/wards/<ward_code>.zip",       L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/classes",                                  L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/classes/<int:cohort_id>",                  L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/topics",                                   L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/topics/<int:number>/settings",             L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/trainees/<int:user_id>/override",          L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/users",                                    L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/users/<int:user_id>",                      L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/users/import",                             L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/users/new",                                L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/users/slips",                              L, 403, 403, 403, 403, 403, 200),
    R("GET",  "/admin/users/slips/<token>",                      L, 403, 403, 403, 403, 403, 404),
    R("GET",  "/admin/users/slips/<token>.csv",                  L, 403, 403, 403, 403, 403, 404),
    R("GET",  "/admin/users/slips/<token>.pdf",                  L, 403, 403, 403, 403, 403, 404),
    R("GET",  "/attempts/<int:attempt_id>",                      L, 302, 404, 404, 404, 404, 404),
    R("GET",  "/attempts/<int:attempt_id>/review",               L, 200, 404, 200, 404, 200, 200),
    R("GET",  "/certificates/<code>.pdf",                        L, 200, 404, 200, 404, 200, 200, **CERT),
    R("GET",  "/certificates/static/<path:filename>",            200, 200, 200, 200, 200, 200, 200, **CERT_STATIC),
    R("GET",  "/healthz",                                        200, 200, 200, 200, 200, 200, 200),
    R("GET",  "/login",                                          200, 302, 302, 302, 302, 302, 302),
    R("GET",  "/manifest.webmanifest",                           200, 200, 200, 200, 200, 200, 200),
    R("GET",  "/offline",                                        200, 200, 200, 200, 200, 200, 200),
    R("GET",  "/password",                                       L, 200, 200, 200, 200, 200, 200),
    R("GET",  "/practice/<int:set_id>",                          L, 200, 404, 404, 404, 404, 404),
    R("GET",  "/practice/<int:set_id>/items/<int:position>",     L, 302, 404, 404, 404, 404, 404),
    R("GET",  "/reports",                                        L, 403, 403, 302, 302, 200, 200),
    R("GET",  "/reports/topics/<int:number>",                    L, 403, 403, 403, 403, 200, 200),
    R("GET",  "/reports/trainees/<int:user_id>",                 L, 403, 403, 200, 404, 200, 200),
    R("GET",  "/reports/wards/<code>",                           L, 403, 403, 200, 403, 200, 200),
    R("GET",  "/results",                                        L, 200, 200, 200, 200, 200, 200),
    R("GET",  "/static/<path:filename>",                         200, 200, 200, 200, 200, 200, 200),
    R("GET",  "/sw.js",                                          200, 200, 200, 200, 200, 200, 200),
    R("GET",  "/topics/<int:number>",                            L, 200, 200, 200, 200, 200, 200),
    R("GET",  "/topics/<int:number>/practice",                   L, 200, 200, 200, 200, 200, 200),
    R("GET",  "/verify",                                         200, 200, 200, 200, 200, 200, 200),
    R("GET",  "/verify/<code>",                                  200, 200, 200, 200, 200, 200, 200, **CERT),
    R("POST", "/admin/certificates/<code>/reissue",              L, 403, 403, 403, 403, 403, 400, **CERT),
    R("POST", "/admin/certificates/<code>/revoke",               L, 403, 403, 403, 403, 403, 400, **CERT),
    R("POST", "/admin/certificates/recheck",                     L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/classes",                                  L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/classes/<int:cohort_id>",                  L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/classes/<int:cohort_id>/move",             L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/topics/<int:number>/settings",             L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/topics/<int:number>/settings/restore",     L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/trainees/<int:user_id>/override",          L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/<int:user_id>",                      L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/<int:user_id>/deactivate",           L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/<int:user_id>/password",             L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/<int:user_id>/reactivate",           L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/<int:user_id>/unlock",               L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/users/import",                             L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/import/commit",                      L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/new",                                L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/users/slips",                              L, 403, 403, 403, 403, 403, 400),
    R("POST", "/attempts/<int:attempt_id>/answers",              L, 302, 404, 404, 404, 404, 404),
    R("POST", "/attempts/<int:attempt_id>/submit",               L, 302, 404, 404, 404, 404, 404),
    R("POST", "/login",                                          200, 302, 302, 302, 302, 302, 302),
    R("POST", "/logout",                                         L, 302, 302, 302, 302, 302, 302),
    R("POST", "/password",                                       L, 200, 200, 200, 200, 200, 200),
    R("POST", "/practice/<int:set_id>/answer",                   L, 400, 400, 400, 400, 400, 400),
    R("POST", "/topics/<int:number>/attempts",                   L, 200, 200, 200, 200, 200, 200),
    R("POST", "/topics/<int:number>/practice",                   L, 302, 302, 302, 302, 302, 302),
    # Added with the question bank, lesson editor, regrade, paper and session features.
    R("GET", "/admin/lessons/", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/lessons/<int:number>", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/lessons/<int:number>/drafts/<int:draft_id>", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/lessons/<int:number>/lesson.md", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/paper", L, 403, 403, 403, 403, 403, 200),
    R("GET", "/admin/paper/batches/<int:batch_id>", L, 403, 403, 403, 403, 403, 404),
    R("GET", "/admin/paper/batches/<int:batch_id>/key.pdf", L, 403, 403, 403, 403, 403, 404),
    R("GET", "/admin/paper/batches/<int:batch_id>/papers.pdf", L, 403, 403, 403, 403, 403, 404),
    R("GET", "/admin/paper/enter", L, 403, 403, 403, 403, 403, 302),
    R("GET", "/admin/paper/papers/<code>", L, 403, 403, 403, 403, 403, 404),
    R("GET", "/admin/paper/print", L, 403, 403, 403, 403, 403, 200),
    R("GET", "/admin/questions", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/questions/<int:question_id>", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/questions/<int:question_id>/edit", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/questions/<int:question_id>/regrade", L, 403, 403, 403, 403, 403, 200),
    R("GET", "/admin/questions/<int:question_id>/regrade/<int:entry_id>", L, 403, 403, 403, 403, 403, 404),
    R("GET", "/admin/questions/export", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/questions/import", L, 403, 403, 403, 403, 200, 200),
    R("GET", "/admin/questions/new", L, 403, 403, 403, 403, 302, 302),
    R("GET", "/admin/questions/review", L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/lessons/<int:number>", L, 403, 403, 403, 403, 400, 400),
    R("POST", "/admin/lessons/<int:number>/drafts/<int:draft_id>/review", L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/paper/enter/<code>", L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/paper/enter/<code>/void", L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/paper/print", L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/questions/<int:question_id>/edit", L, 403, 403, 403, 403, 400, 400),
    R("POST", "/admin/questions/<int:question_id>/regrade", L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/questions/<int:question_id>/restore", L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/questions/<int:question_id>/retire", L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/questions/<int:question_id>/return", L, 403, 403, 403, 403, 403, 400),
    R("POST", "/admin/questions/<int:question_id>/submit", L, 403, 403, 403, 403, 302, 302),
    R("POST", "/admin/questions/approve", L, 403, 403, 403, 403, 403, 302),
    R("POST", "/admin/questions/import", L, 403, 403, 403, 403, 400, 400),
    R("POST", "/admin/questions/import/commit", L, 403, 403, 403, 403, 409, 409),
    R("POST", "/admin/questions/new", L, 403, 403, 403, 403, 302, 302),
    R("POST", "/admin/users/<int:user_id>/sessions", L, 403, 403, 403, 403, 403, 302),
    R("POST", "/logout/everywhere", L, 302, 302, 302, 302, 302, 302),
]
# fmt: on

#: POSTs that end the session run after every other row of a role.
LAST = {("POST", "/logout"), ("POST", "/logout/everywhere")}


def rules_of(app) -> set[tuple[str, str]]:
    """Every (method, rule) the app serves, HEAD and OPTIONS aside."""
    return {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def outcome(response) -> object:
    """A response as a matrix cell: ``L`` for a redirect to the login page, else the status."""
    if response.status_code == 302 and "/login?next=" in response.location:
        return L
    return response.status_code


def request(client, row: Row, world: World):
    """Make the row's request with ``client`` (the response is closed: static files hold a handle)."""
    url = fill(row.rule, world.values, row.path)
    response = client.open(url, method=row.method, data={} if row.method != "GET" else None)
    response.close()
    return response


def ordered(rows):
    """GETs first, then other methods, then the ones that end the session."""
    return sorted(rows, key=lambda r: (r.key in LAST, r.method != "GET"))


def suggest(method: str, rule: str, cells: list) -> str:
    """The line to paste into MATRIX for an unclassified rule (check the observed cells first!)."""
    shown = ", ".join("L" if c == L else str(c) for c in cells)
    return f'    R("{method}", "{rule}", {shown}),'
