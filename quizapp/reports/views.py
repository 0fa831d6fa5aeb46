"""Report pages and their exports: thin views over queries, item analysis and tables."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from slugify import slugify

from .. import exports, params
from ..accounts.access import is_staff
from ..auth.access import roles_required
from ..db import db
from ..i18n import gettext as _
from ..models import Role, utcnow
from ..pagination import Page
from ..practice import services as practice
from ..quiz.overrides import TAKERS as OVERRIDE_TAKERS
from ..quiz.overrides import overridden_pairs, override_notes
from . import item_queries, present, queries, tables
from .access import get_topic_for_analysis_or_404, get_trainee_or_404, get_ward_or_404, own_ward_code
from .filters import parse_filter
from .item_analysis import SORTS as ITEM_SORTS
from .item_analysis import sort_items

bp = Blueprint("reports", __name__, url_prefix="/reports")

REPORT_ROLES = (Role.INSTRUCTOR, Role.ADMIN, Role.WARD_MANAGER)


def _format() -> str | None:
    return params.args().choice("format", exports.FORMATS)


def _export(report: str, name: str, f, cohorts, report_tables, fmt: str):
    now = utcnow()
    export = exports.Export(
        report,
        present.describe_filter(f, cohorts),
        present.made_at(now),
        f"{slugify(name)}-{now:%Y%m%d}",
        report_tables,
    )
    return exports.response(export, fmt)


def _page() -> int:
    return params.args().int("page", 1)


@bp.route("")
@roles_required(*REPORT_ROLES)
def overview():
    """The ward x topic matrix with totals and a chart; ward managers go to their own ward."""
    if not is_staff(current_user):
        # Only the filter travels: the query string never becomes url_for's own keywords.
        return redirect(url_for(".ward", code=own_ward_code(current_user), **parse_filter(request.args).query_args()))
    f = parse_filter(request.args)
    data = queries.overview(db.session, f)
    cohorts = queries.cohorts(db.session)
    if fmt := _format():
        return _export(
            _("Results by ward and topic"), "bao-cao-tong-hop", f, cohorts, [tables.overview_table(data)], fmt
        )
    sort = params.args().str("sort", "position", max_length=40)
    descending = params.args().choice("dir", ("asc", "desc")) == "desc"
    return render_template(
        "reports/overview.html",
        data=data,
        f=f,
        cohorts=cohorts,
        sort=sort,
        descending=descending,
        rows=present.sort_rows(data.rows, sort, descending, data.topics),
        weakest_ward=present.weakest_ward(data.rows),
        weakest_topic=present.weakest_topic(data.topics, data.topic_totals),
        bars=present.chart_bars(data.rows),
        present=present,
    )


@bp.route("/wards/<code>")
@roles_required(*REPORT_ROLES)
def ward(code: str):
    """One ward: completion per topic and its trainees x topics, filterable by state."""
    ward = get_ward_or_404(code, current_user)
    f = parse_filter(request.args)
    topics = queries.active_topics(db.session)
    cohorts = queries.cohorts(db.session)
    summary = queries.ward_summaries(db.session, f, len(topics), ward.id).get(ward.id, (0, 0, 0))
    row = queries.fill_row(queries.WardRow(ward), summary, queries.ward_topic_cells(db.session, f, ward.id), topics)
    state = params.args().choice("state", queries.TRAINEE_STATES, "all")
    if fmt := _format():
        everyone, _total = queries.ward_trainees(db.session, f, ward, len(topics), state)
        return _export(
            _("Results of %(ward)s", ward=ward.full_name),
            ward.code,
            f,
            cohorts,
            tables.ward_tables(ward, row, everyone, topics),
            fmt,
        )
    per_page = int(current_app.config["PAGE_SIZE"])
    number = _page()
    trainees, total = queries.ward_trainees(db.session, f, ward, len(topics), state, number, per_page)
    return render_template(
        "reports/ward.html",
        ward=ward,
        row=row,
        topics=topics,
        page=Page(trainees, number, per_page, total),
        state=state,
        states=queries.TRAINEE_STATES,
        f=f,
        cohorts=cohorts,
        present=present,
        sees_all=is_staff(current_user),
        overridden=overridden_pairs(db.session, [tr.user.id for tr in trainees]),
        practice=practice.activity(db.session, [tr.user.id for tr in trainees]),
    )


@bp.route("/trainees/<int:user_id>")
@roles_required(*REPORT_ROLES)
def trainee(user_id: int):
    """Every attempt of one trainee, each linked to its review."""
    user = get_trainee_or_404(user_id, current_user)
    attempts = queries.trainee_attempts(db.session, user.id)
    if fmt := _format():
        return _export(
            _("Attempts of %(name)s", name=user.full_name),
            user.username,
            parse_filter({}),
            [],
            [tables.trainee_table(user, attempts)],
            fmt,
        )
    return render_template(
        "reports/trainee.html",
        user=user,
        attempts=attempts,
        sees_all=is_staff(current_user),
        notes=override_notes(db.session, user.id),
        can_override=current_user.has_role(Role.ADMIN) and user.role in OVERRIDE_TAKERS,
        topics=queries.active_topics(db.session),
        practice=practice.activity_by_topic(db.session, user.id),
    )


@bp.route("/topics/<int:number>")
@roles_required(*REPORT_ROLES)
def topic(number: int):
    """Item analysis of a topic over first attempts: facility, discrimination, options, flags."""
    topic = get_topic_for_analysis_or_404(number, current_user)
    f = parse_filter(request.args)
    cohorts = queries.cohorts(db.session)
    items = item_queries.item_analysis(db.session, topic, f)
    sort = params.args().choice("sort", ITEM_SORTS, "discrimination")
    items = sort_items(items, sort)
    if fmt := _format():
        return _export(
            _("Item analysis, topic %(n)d", n=topic.number),
            f"phan-tich-cau-hoi-cd{topic.number}",
            f,
            cohorts,
            [tables.item_table(items)],
            fmt,
        )
    return render_template(
        "reports/topic.html",
        topic=topic,
        topics=queries.active_topics(db.session),
        items=items,
        sort=sort,
        sorts=ITEM_SORTS,
        f=f,
        cohorts=cohorts,
    )
