"""Question files and the lesson editor in a browser: an instructor imports an Aiken file written with
``ĐÁP ÁN:``, fixes the error it reports, imports the drafts and previews a lesson; every page passes axe."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.db import db
from quizapp.models import Question, QuestionStatus

from ..factories import Factories
from .pages import log_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AIKEN = """Cấp ủy nào quyết định kỷ luật khai trừ?
A. Chi bộ
B. Đảng ủy cơ sở
C. Ban Thường vụ cấp trên
ĐÁP ÁN: {key}

Đảng viên dự bị có thể bị khai trừ không?
A) Có
B) Không
Đáp án: A
"""


def test_instructor_imports_an_aiken_file_and_previews_a_lesson(live_app, browser, tmp_path):
    app, base = live_app
    make = Factories(app)
    make.topic(number=1, sections=2, per_section=2)
    instructor = make.user(role="instructor", ward=None)
    bad, good = tmp_path / "sai.txt", tmp_path / "dung.txt"
    bad.write_text(AIKEN.format(key="E"), encoding="utf-8")
    good.write_text(AIKEN.format(key="C"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, instructor.username)
    found = {}
    page.goto(f"{base}/admin/questions/import")
    found["import"] = violations(page)
    page.select_option("#section", label="Phần 2")
    page.set_input_files("#file", str(bad))
    page.click("#submit")
    assert "Dòng 5" in page.locator(".problems").inner_text()
    found["preview with errors"] = violations(page)
    page.click("text=Tải lên tệp đã sửa")
    page.select_option("#section", label="Phần 2")
    page.set_input_files("#file", str(good))
    page.click("#submit")
    page.wait_for_selector("text=Nhập thành bản nháp")
    found["preview"] = violations(page)
    page.click("input[value='Nhập thành bản nháp']")
    page.wait_for_selector("text=Xem các bản nháp trong ngân hàng câu hỏi")
    found["imported"] = violations(page)
    with app.app_context():
        drafts = db.session.scalar(
            select(func.count()).select_from(Question).where(Question.status == QuestionStatus.DRAFT)
        )
        assert drafts == 2
    page.goto(f"{base}/admin/questions/export")
    found["export"] = violations(page)
    page.goto(f"{base}/admin/lessons/1")
    found["lesson editor"] = violations(page)
    page.fill("#markdown", "Mở đầu <img src=x onerror=alert(1)>.\n\n## Phần 1\n\nA.\n\n## Phần 2\n\n**B**.\n")
    page.click("#preview")
    page.wait_for_selector("#preview-h")
    assert page.locator("article.lesson strong").inner_text() == "B"
    assert page.locator("article.lesson img").count() == 0
    found["lesson preview"] = violations(page)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/admin/lessons/1$"))
    page.click("text=#1")
    found["lesson draft"] = violations(page)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}
