"""Reports: figures on the hand-computed data set, access rules, exports and query counts."""

from __future__ import annotations

import csv
import io
import math
import statistics

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from quizapp.db import db
from quizapp.models import Role, Topic
from quizapp.reports import item_analysis as ia
from quizapp.reports import item_queries, queries
from quizapp.reports.filters import ReportFilter

from .factories import T0, add_trainees, build


@pytest.fixture
def data(app, make):
    return build(app, make)


@pytest.fixture
def instructor(make, login, data):
    return login(make.user(role=Role.INSTRUCTOR, ward=None))


def test_item_statistics_from_sums():
    x, totals = [1, 1, 0, 0], [3, 2, 1, 1]
    sums = ia.ItemSums(
        4, sum(x), sum(a * t for a, t in zip(x, totals, strict=True)), sum(totals), sum(t * t for t in totals)
    )
    rest = [t - a for a, t in zip(x, totals, strict=True)]
    assert ia.facility(sums) == 0.5
    assert ia.discrimination(sums) == pytest.approx(1 / math.sqrt(3))
    assert ia.discrimination(sums) == pytest.approx(statistics.correlation(x, rest))
    assert ia.discrimination(ia.ItemSums(3, 3, 6, 6, 14)) is None  # everyone right: no variance


def test_item_analysis_on_hand_data(app, data):
    with app.app_context():
        topic = db.session.get(Topic, data.topic_id)
        items = {i.version_id: i for i in item_queries.item_analysis(db.session, topic, ReportFilter())}
    q1, q2, q3 = (items[v] for v in data.versions)
    assert (q1.n, q1.drawn, q1.unanswered) == (4, 5, 1)  # C's second attempt is drawn but not analysed
    assert q1.facility == pytest.approx(0.75) and q1.discrimination == pytest.approx(0.0, abs=1e-9)
    assert q2.facility == pytest.approx(0.5) and q2.discrimination == pytest.approx(0.5773503)
    assert q3.facility == pytest.approx(0.5) and q3.discrimination == pytest.approx(-0.3015113)
    assert [o.count for o in q2.options] == [2, 1, 1, 0]
    codes = {f.code for f in q3.flags}
    assert {"negative", "few"} <= codes and "weak" not in codes
    assert "weak" in {f.code for f in q1.flags}
    assert [f.code for f in q1.flags].count("unused") == 3  # B, C and D: nobody chose them
    with app.test_request_context("/?lang=en"):
        assert "option B" in str(next(f.message for f in q1.flags if f.code == "unused"))
    assert q3.top_distractor.label == "B"


def test_flags_thresholds():
    def codes(n, fac, disc):
        return {f.code for f in ia.flags_for(n, fac, disc, [])}

    assert codes(40, 0.95, 0.3) == {"easy"}
    assert codes(40, 0.1, 0.3) == {"hard"}
    assert codes(40, 0.5, 0.05) == {"weak"}
    assert codes(40, 0.5, -0.2) == {"negative"}
    assert codes(29, 0.5, 0.3) == {"few"}
    assert codes(40, 0.9, 0.1) == set()


def test_overview_figures(app, data):
    with app.app_context():
        view = queries.overview(db.session, ReportFilter())
        rows = {r.ward.code: r for r in view.rows}
        topic = view.topics[0].id
    assert len(view.rows) == 34
    dong_ve, ham_rong = rows["dong-ve"], rows["ham-rong"]
    assert (dong_ve.trainees, dong_ve.started, dong_ve.completed) == (3, 3, 2)
    cell = dong_ve.cells[topic]
    assert (cell.trainees, cell.started, cell.passed) == (3, 3, 2)
    assert cell.pass_rate == pytest.approx(200 / 3)
    assert cell.mean10 == pytest.approx(10 * (1 + 2 / 3 + 1) / 3)
    assert (ham_rong.trainees, ham_rong.started, ham_rong.cells[topic].passed) == (2, 1, 0)
    assert ham_rong.cells[topic].mean10 == pytest.approx(10 / 3)
    total = view.topic_totals[topic]
    assert (total.trainees, total.started, total.passed) == (5, 4, 2) and total.pass_rate == 40
    assert rows["ba-dinh"].cells[topic].pass_rate is None  # no trainees: no rate, not 0 %


def test_filters_by_class_and_date(app, data):
    with app.app_context():
        by_class = queries.overview(db.session, ReportFilter(cohort_id=data.cohorts["lop-2"]))
        rows = {r.ward.code: r for r in by_class.rows}
        assert (rows["dong-ve"].trainees, rows["ham-rong"].trainees) == (1, 1)  # C and E
        # Only attempts started on the first day: C's passing second attempt drops out.
        day = ReportFilter(date_from=T0.date(), date_to=T0.date())
        cell = queries.overview(db.session, day).rows
        dong_ve = next(r for r in cell if r.ward.code == "dong-ve")
        assert next(iter(dong_ve.cells.values())).passed == 1


def test_overview_page(client, instructor, data):
    page = client.get("/reports?sort=rate&dir=asc").get_data(as_text=True)
    assert "Phường Đông Vệ" in page and "Xã Hoằng Quang" in page
    assert "<svg" in page and "reports.css" in page
    assert page.index("Phường Hàm Rồng") < page.index("Phường Đông Vệ")  # weakest first
    assert "67 %" in page or "67 %" in page


def test_ward_page_lists_trainees_and_who_has_not_started(client, instructor, data):
    page = client.get("/reports/wards/ham-rong").get_data(as_text=True)
    assert "Học viên D" in page and "Học viên E" in page
    idle = client.get("/reports/wards/ham-rong?state=not_started").get_data(as_text=True)
    assert "Học viên E" in idle and "Học viên D" not in idle
    done = client.get("/reports/wards/dong-ve?state=completed").get_data(as_text=True)
    assert "Học viên A" in done and "Học viên C" in done and "Học viên B" not in done
    assert client.get("/reports/wards/nowhere").status_code == 404


def test_trainee_page_links_every_attempt_to_its_review(client, instructor, data):
    page = client.get(f"/reports/trainees/{data.users['C']}").get_data(as_text=True)
    for attempt_id in data.attempt_ids["C"]:
        assert f"/attempts/{attempt_id}/review" in page
    assert "7 min 30 s" in page or "7 phút 30 giây" in page
    assert client.get(f"/attempts/{data.attempt_ids['C'][0]}/review").status_code == 200


def test_item_analysis_page(client, instructor, data):
    page = client.get("/reports/topics/1").get_data(as_text=True)
    assert page.index("t1-103") < page.index("t1-101")  # negative discrimination first
    assert "-0.30" in page and "0.58" in page
    assert "/topics/1#phan-1" in page
    assert client.get("/reports/topics/9").status_code == 404


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_xlsx_exports(client, instructor, data):
    response = _get(client, f"/reports?format=xlsx&cohort={data.cohorts['lop-1']}")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    cells = list(ws.iter_rows(values_only=True))
    assert cells[0][0] and "Lớp 1" in cells[1][0] and cells[2][0]  # report, filter, time made
    by_ward = {row[0]: row for row in cells[5:]}
    assert by_ward["Phường Đông Vệ"][1:5] == (2, 2, 1, 50.0)  # A and B are in class 1
    ward = load_workbook(io.BytesIO(_get(client, "/reports/wards/dong-ve?format=xlsx").data))
    assert len(ward.sheetnames) == 2
    names = [row[0] for row in ward.worksheets[0].iter_rows(min_row=6, values_only=True)]
    assert names == ["Học viên A", "Học viên B", "Học viên C"]
    items = load_workbook(io.BytesIO(_get(client, "/reports/topics/1?format=xlsx&sort=question").data)).active
    rows = list(items.iter_rows(min_row=6, values_only=True))
    assert [r[0] for r in rows] == ["t1-101", "t1-102", "t1-103"]
    assert rows[2][6] == 0.5 and rows[2][7] == pytest.approx(-0.302)


def test_csv_exports_are_utf8_with_bom(client, instructor, data):
    raw = _get(client, "/reports?format=csv").data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    dong_ve = next(r for r in rows if r[0] == "Phường Đông Vệ")
    assert dong_ve[1:4] == ["3", "3", "2"]
    assert rows[-1][1] == "5"  # the whole city
    trainees = _get(client, "/reports/wards/ham-rong?format=csv").data.decode("utf-8-sig")
    assert "Học viên E" in trainees
    assert _get(client, f"/reports/trainees/{data.users['C']}?format=csv").data.startswith(b"\xef\xbb\xbf")
    assert "t1-103" in _get(client, "/reports/topics/1?format=csv").data.decode("utf-8-sig")


WARD_URLS = ["/reports/wards/ham-rong", "/reports/wards/ham-rong?format=xlsx", "/reports/wards/ham-rong?format=csv"]


def test_ward_manager_sees_only_own_ward(client, make, login, data):
    login(make.user(role=Role.WARD_MANAGER, ward="dong-ve"))
    response = client.get("/reports?cohort=1")
    assert response.status_code == 302 and response.location.startswith("/reports/wards/dong-ve")
    assert client.get("/reports?format=xlsx").status_code == 302
    assert client.get("/reports/wards/dong-ve").status_code == 200
    assert client.get("/reports/wards/dong-ve?format=xlsx").status_code == 200
    assert client.get(f"/reports/trainees/{data.users['A']}").status_code == 200
    for url in WARD_URLS:
        assert client.get(url).status_code == 403, url
    assert client.get(f"/reports/trainees/{data.users['D']}").status_code == 404
    assert client.get(f"/reports/trainees/{data.users['D']}?format=xlsx").status_code == 404
    assert client.get("/reports/topics/1").status_code == 403
    assert client.get("/reports/topics/1?format=csv").status_code == 403
    page = client.get("/reports/wards/dong-ve").get_data(as_text=True)
    assert "/reports/wards/ham-rong" not in page


@pytest.mark.parametrize("url", ["/reports", "/reports/wards/dong-ve", "/reports/topics/1", "/reports?format=csv"])
def test_trainees_see_no_report(client, make, login, data, url):
    login(make.user(role=Role.TRAINEE))
    assert client.get(url).status_code == 403
    assert client.get(f"/reports/trainees/{data.users['A']}").status_code == 403


def test_anonymous_is_sent_to_login(client, data):
    assert client.get("/reports/wards/dong-ve").status_code == 302


def test_ward_manager_without_ward_is_refused(client, make, login, data):
    login(make.user(role=Role.WARD_MANAGER, ward=None))
    assert client.get("/reports").status_code == 403


PAGES = [
    "/reports",
    "/reports/wards/dong-ve",
    "/reports/wards/dong-ve?format=xlsx",
    "/reports/topics/1",
    "/reports/topics/1?format=csv",
    "/reports?format=xlsx",
]


def _count_queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_query_count_does_not_grow_with_data(app, client, make, instructor, data):
    small = {url: _count_queries(app, client, url) for url in PAGES}
    small_trainee = _count_queries(app, client, f"/reports/trainees/{data.users['C']}")
    app.config["PAGE_SIZE"] = 5  # the ward page now shows a full page out of several
    add_trainees(app, make, 12, data.topic_id, data.versions)
    add_trainees(app, make, 4, data.topic_id, data.versions, ward="ba-dinh")
    large = {url: _count_queries(app, client, url) for url in PAGES}
    assert large == small
    assert _count_queries(app, client, f"/reports/trainees/{data.users['C']}") == small_trainee
    assert max(small.values()) <= 12


def test_empty_reports_say_so(client, make, login):
    make.wards()
    make.topic(number=1)
    login(make.user(role=Role.ADMIN, ward=None))
    for url in ("/reports", "/reports/wards/dong-ve", "/reports/topics/1"):
        page = client.get(url).get_data(as_text=True)
        assert 'class="empty"' in page, url
