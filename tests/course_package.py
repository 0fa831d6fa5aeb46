"""A small course package on disk (one topic, two sections, three questions) for loader and import tests."""

from __future__ import annotations

from pathlib import Path

COURSE = 'title: "Khóa học thử"\nissuing_body: "Ban Thường vụ"\ncertificate:\n  heading: "GIẤY CHỨNG NHẬN"\n'
TOPIC = 'number: 1\ntitle: "Chuyên đề thử"\nsummary: "Tóm tắt."\nquiz:\n  questions: 2\n'
LESSON = "# Tiêu đề\n\nMở đầu.\n\n## Hình thức kỷ luật\n\nNội dung.\n\n## Thời hiệu {#thoi-hieu}\n\nNội dung 2.\n"
QUESTIONS = """- id: t1-001
  section: hinh-thuc-ky-luat
  type: single
  text: "Câu một?"
  options:
    - text: "Đúng"
      correct: true
    - text: "Sai"
  explanation: "Vì thế."
  source: "Điều lệ Đảng, Điều 35"
- id: t1-002
  section: thoi-hieu
  type: true_false
  difficulty: easy
  text: "Câu hai."
  answer: false
  explanation: "Vì vậy."
  source: "Quy định 102-QĐ/TW"
- id: t1-003
  section: thoi-hieu
  type: multiple
  difficulty: hard
  text: "Câu ba?"
  options:
    - text: "A"
      correct: true
    - text: "B"
      correct: true
    - text: "C"
  explanation: "Vì A và B."
  source: "Quy định 22-QĐ/TW, Điều 9"
"""


def write_package(
    root: Path, questions: str = QUESTIONS, lesson: str = LESSON, topic: str = TOPIC, course: str = COURSE
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "course.yaml").write_text(course, encoding="utf-8")
    folder = root / "01-thu"
    folder.mkdir(exist_ok=True)
    (folder / "topic.yaml").write_text(topic, encoding="utf-8")
    (folder / "lesson.md").write_text(lesson, encoding="utf-8")
    (folder / "questions.yaml").write_text(questions, encoding="utf-8")
    return root
