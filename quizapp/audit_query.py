"""Reading the audit log: filters, the names behind actor and target ids, and the export table.

Entries store ids (a user's id, a class's id, a topic's number, a certificate's code); the page
and the export show names instead, looked up in one query per kind of object on the page.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from .audit import action_label, target_label
from .exports import Table
from .i18n import gettext as _
from .models import AuditLog, Certificate, Cohort, Course, Question, Topic, User
from .params import Params, to_int
from .reports.filters import ReportFilter, parse_filter

#: Entries that are not administrative changes: failed logins and throttle holds (found with the
#: audit page's action filter) and certificate lookups from before they were counted per certificate.
#: The admin dashboard leaves them out, so they never push the real changes off it.
NOT_CHANGES = ("login.failed", "login.held", "certificate.verify")


def changes_only(query: sa.Select) -> sa.Select:
    """``query`` without the entries that are not administrative changes (the dashboard)."""
    return query.where(AuditLog.action.not_in(NOT_CHANGES))


#: The actor filter's value for changes made by the system (CLI without a user, cron).
SYSTEM = "system"


@dataclass(frozen=True)
class AuditFilter:
    """Who (a user id or SYSTEM), which action, which object (kind and text), which local days."""

    actor: str = ""
    action: str = ""
    target_type: str = ""
    target: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for the export links)."""
        args = {"actor": self.actor, "action": self.action, "type": self.target_type, "object": self.target}
        args["from"] = self.date_from.isoformat() if self.date_from else ""
        args["to"] = self.date_to.isoformat() if self.date_to else ""
        return {k: v for k, v in args.items() if v}


def parse_audit_filter(args: Mapping[str, str]) -> AuditFilter:
    """Read the filter from the query string; dates as the reports read them (bad ones ignored)."""
    days = parse_filter(args)
    p = Params(args)
    actor = p.str("actor", max_length=12)
    return AuditFilter(
        actor=actor if actor == SYSTEM or to_int(actor, 0) is not None else "",
        action=p.str("action", max_length=60),
        target_type=p.str("type", max_length=40),
        target=" ".join(p.str("object", max_length=100).split()),
        date_from=days.date_from,
        date_to=days.date_to,
    )


def _as_text(column) -> sa.ColumnElement:
    return sa.cast(column, sa.String)


def _matching_targets(text: str, target_type: str) -> list:
    """Conditions for entries whose object's id or name contains ``text``."""
    like = f"%{text}%"
    named = {
        "user": select(_as_text(User.id)).where(or_(User.full_name.ilike(like), User.username.ilike(like))),
        "cohort": select(_as_text(Cohort.id)).where(or_(Cohort.name.ilike(like), Cohort.code.ilike(like))),
        "topic": select(_as_text(Topic.number)).where(or_(Topic.title.ilike(like), _as_text(Topic.number) == text)),
        "certificate": select(Certificate.code)
        .join(User, User.id == Certificate.user_id)
        .where(or_(Certificate.code.ilike(like), User.full_name.ilike(like))),
    }
    conditions = [AuditLog.target_id == text]
    for kind, ids in named.items():
        if not target_type or target_type == kind:
            conditions.append(sa.and_(AuditLog.target_type == kind, AuditLog.target_id.in_(ids)))
    return [or_(*conditions)]


def audit_query(f: AuditFilter) -> sa.Select:
    """The entries matching ``f``, newest first, with their actors loaded."""
    query = select(AuditLog).options(selectinload(AuditLog.actor)).order_by(AuditLog.id.desc())
    if f.actor == SYSTEM:
        query = query.where(AuditLog.actor_id.is_(None))
    elif f.actor:
        query = query.where(AuditLog.actor_id == int(f.actor))
    if f.action:
        query = query.where(AuditLog.action == f.action)
    if f.target_type:
        query = query.where(AuditLog.target_type == f.target_type)
    if f.target:
        query = query.where(*_matching_targets(f.target, f.target_type))
    start, end = ReportFilter(date_from=f.date_from, date_to=f.date_to).utc_bounds()
    if start:
        query = query.where(AuditLog.at >= start)
    if end:
        query = query.where(AuditLog.at < end)
    return query


def choices(session: Session) -> tuple[list[User], list[str], list[str]]:
    """The people who ever acted, the actions and the kinds of object on record, for the filters."""
    actors = list(
        session.scalars(
            select(User)
            .where(User.id.in_(select(AuditLog.actor_id).where(AuditLog.actor_id.is_not(None)).distinct()))
            .order_by(User.full_name)
        )
    )
    actions = sorted(session.scalars(select(AuditLog.action).distinct()))
    kinds = sorted(session.scalars(select(AuditLog.target_type).where(AuditLog.target_type.is_not(None)).distinct()))
    return actors, actions, kinds


def target_names(session: Session, entries: Iterable[AuditLog]) -> dict[tuple[str, str], str]:
    """(target_type, target_id) -> a readable name, one query per kind present on the page."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.target_type and e.target_id:
            wanted[e.target_type].add(e.target_id)
    names: dict[tuple[str, str], str] = {}
    ids = {k: [n for n in map(to_int, vs) if n is not None] for k, vs in wanted.items()}
    if ids.get("user"):
        for uid, full_name, username in session.execute(
            select(User.id, User.full_name, User.username).where(User.id.in_(ids["user"]))
        ):
            names["user", str(uid)] = f"{full_name} ({username})"
    if ids.get("cohort"):
        for cid, name in session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(ids["cohort"]))):
            names["cohort", str(cid)] = name
    if ids.get("topic"):
        for number, title in session.execute(select(Topic.number, Topic.title).where(Topic.number.in_(ids["topic"]))):
            names["topic", str(number)] = _("Topic %(n)d", n=number) + ": " + title
    if wanted.get("certificate"):
        rows = session.execute(
            select(Certificate.code, User.full_name)
            .join(User, User.id == Certificate.user_id)
            .where(Certificate.code.in_(wanted["certificate"]))
        )
        for code, full_name in rows:
            names["certificate", code] = f"{code} — {full_name}"
    if ids.get("question"):
        for qid, ext_id in session.execute(
            select(Question.id, Question.ext_id).where(Question.id.in_(ids["question"]))
        ):
            names["question", str(qid)] = ext_id
    if wanted.get("course"):
        for cid, title in session.execute(select(Course.id, Course.title).where(Course.id.in_(ids["course"]))):
            names["course", str(cid)] = title
    return names


def target_name(entry: AuditLog, names: Mapping[tuple[str, str], str]) -> str:
    """The object's name, or its kind and id when it no longer exists (a deleted row)."""
    if not entry.target_type:
        return ""
    return (
        names.get((entry.target_type, entry.target_id or ""))
        or f"{target_label(entry.target_type)} {entry.target_id or ''}"
    )


def actor_name(entry: AuditLog) -> str:
    return f"{entry.actor.full_name} ({entry.actor.username})" if entry.actor else _("system")


def detail_text(detail: dict | None) -> str:
    """The entry's detail as "key: value" pairs (values as JSON, Vietnamese kept readable)."""
    if not detail:
        return ""
    return "; ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in detail.items())


def audit_table(entries: list[AuditLog], names: Mapping[tuple[str, str], str], when) -> Table:
    """The entries as one export sheet; ``when`` formats a UTC moment in Vietnam time."""
    headers = [_("When"), _("Who"), _("Action"), _("Object type"), _("Object"), _("Reason"), _("Details")]
    rows = [
        [
            when(e.at),
            actor_name(e),
            action_label(e.action),
            target_label(e.target_type),
            target_name(e, names),
            e.reason or "",
            detail_text(e.detail),
        ]
        for e in entries
    ]
    return Table(_("Audit log"), headers, rows, widths={0: 18, 1: 28, 2: 28, 4: 36, 5: 50, 6: 50})
