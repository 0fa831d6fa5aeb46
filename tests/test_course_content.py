"""Checks on the shipped course (questions/): what a reviewer would otherwise check by hand.

The loader already refuses duplicate ids, single questions without exactly one correct option,
duplicate options, empty sources or explanations and unknown sections; these tests make sure the
real package passes it and add the checks that need the whole bank at once:

- no give-away cues: in single-choice questions the key is the strictly longest option in at most
  25 % of a topic's questions (chance level with four options); no distractor repeats the stem; no
  "all/none of the above"; every `multiple` stem says several answers may be right, with the words
  "(có thể chọn nhiều đáp án)";
- at least 60 questions a topic, so that three attempts of 20 never need to repeat a question;
- current sources: no `source` names a document that questions/SOURCES.md marks `replaced` (its
  tables have a `number` and a `status` column; see the top of that file).
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from pathlib import Path

import pytest

from quizapp.content.loader import load_package

ROOT = Path(__file__).resolve().parent.parent / "questions"
SPEC = load_package(ROOT)  # raises PackageError, listing every problem, if the package is bad
NON_TEACHING = {"diem-can-nho", "tai-lieu-tham-khao"}
MIN_QUESTIONS = 60
MAX_LONGEST_KEY_SHARE = 0.25
#: "All/none of the above" (or "A and B") makes no sense once options are shuffled.
ABOVE = re.compile(
    r"(tất cả (các )?((phương án|đáp án|ý|câu|nội dung) )?(trên|đều)"
    r"|(các|những|cả) (\w+ )?(phương án|đáp án|ý|câu) (nêu )?trên"
    r"|\bcả (hai|ba|bốn|2|3|4) (phương án|đáp án|ý|câu|nội dung)"
    r"|\bcả [a-e]\s*(,|và)\s*[a-e]\b"
    r"|không (có )?(phương án|đáp án|ý|câu) nào"
    r"|\b(phương án|đáp án) [a-e]\b)",
    re.I,
)
#: What a `multiple` stem must say, so that nobody assumes a single answer.
SEVERAL = re.compile(r"có thể chọn nhiều đáp án", re.I)


def key_is_strictly_longest(question) -> bool:
    """True when the single correct option is longer than every distractor (a test-wise cue)."""
    key = next(len(o["text"]) for o in question.options if o["correct"])
    return all(key > len(o["text"]) for o in question.options if not o["correct"])


def _bare(text: str) -> str:
    """Text without case, quotes, punctuation and extra spaces, for comparing wording."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def repeats_stem(question, option_text: str) -> bool:
    """A distractor that is the stem again, or a long verbatim piece of it."""
    option, stem = _bare(option_text), _bare(question.text)
    return option == stem or (len(option) >= 25 and option in stem)


def replaced_documents(markdown: str) -> list[str]:
    """The `number` of every row whose `status` is `replaced` in the tables of SOURCES.md."""
    numbers: list[str] = []
    columns: list[str] | None = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if columns is None:
            columns = [c.casefold() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the |---| separator row
        row = dict(zip(columns, cells, strict=False))
        if row.get("status", "").casefold() == "replaced" and row.get("number", "—") not in ("", "—", "-"):
            numbers.append(row["number"])
    return numbers


def names_document(source: str, number: str) -> bool:
    """Whether a `source` cites ``number`` (so "30-QĐ/TW" does not match "130-QĐ/TW")."""
    pattern = r"(?<![\w.])" + re.escape(unicodedata.normalize("NFC", number)) + r"(?!\w)"
    return re.search(pattern, unicodedata.normalize("NFC", source)) is not None


REPLACED = replaced_documents((ROOT / "SOURCES.md").read_text(encoding="utf-8"))


def test_five_topics_in_order():
    assert [t.number for t in SPEC.topics] == [1, 2, 3, 4, 5]
    assert SPEC.issuing_body and SPEC.settings["certificate"]["body"]


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_bank_size_and_mix(topic):
    types = {q.type for q in topic.questions}
    assert len(topic.questions) >= MIN_QUESTIONS
    assert types == {"single", "multiple", "true_false"}
    assert {q.difficulty for q in topic.questions} == {"easy", "medium", "hard"}
    assert topic.quiz["questions"] <= len(topic.questions)


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_every_teaching_section_has_questions(topic):
    used = {q.section for q in topic.questions}
    teaching = {s.slug for s in topic.sections} - NON_TEACHING
    assert teaching - used == set()
    assert {"diem-can-nho", "tai-lieu-tham-khao"} <= {s.slug for s in topic.sections}


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_no_near_duplicate_questions(topic):
    texts = [(q.id, q.text.casefold()) for q in topic.questions]
    close = [
        (a, b, round(difflib.SequenceMatcher(None, ta, tb).ratio(), 2))
        for (a, ta), (b, tb) in itertools.combinations(texts, 2)
        if difflib.SequenceMatcher(None, ta, tb).ratio() > 0.9
    ]
    assert close == []


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_no_all_or_none_of_the_above(topic):
    offenders = [q.id for q in topic.questions for o in q.options if ABOVE.search(o["text"])]
    assert offenders == []


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_key_is_rarely_the_longest_option(topic):
    singles = [q for q in topic.questions if q.type == "single"]
    longest = [q.id for q in singles if key_is_strictly_longest(q)]
    share = len(longest) / len(singles)
    assert share <= MAX_LONGEST_KEY_SHARE, f"{len(longest)}/{len(singles)} = {share:.0%}: {longest}"


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_no_distractor_repeats_the_stem(topic):
    offenders = [q.id for q in topic.questions for o in q.options if not o["correct"] and repeats_stem(q, o["text"])]
    assert offenders == []


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_multiple_choice_stems_say_several_answers_may_be_right(topic):
    silent = [q.id for q in topic.questions if q.type == "multiple" and not SEVERAL.search(q.text)]
    assert silent == []


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_no_source_names_a_replaced_document(topic):
    stale = [(q.id, n) for q in topic.questions for n in REPLACED if names_document(q.source, n)]
    assert stale == []


def test_sources_list_marks_replaced_documents():
    # Without rows marked `replaced` the check above would pass on any bank.
    assert {"30-QĐ/TW", "290-QĐ/TW", "09-HD/BTCTW"} <= set(REPLACED)
    assert "22-QĐ/TW" not in REPLACED


def test_the_cue_checks_catch_what_they_are_for():
    """The helpers flag a planted cue of each kind, so the bank checks above can fail."""

    class Q:
        text = "Quyết định 23-QĐ/TW do cơ quan nào ban hành?"
        options = [
            {"text": "Bộ Chính trị khóa XIII, ngày 30/7/2021, Tổng Bí thư ký thay mặt", "correct": True},
            {"text": "Ban Bí thư", "correct": False},
            {"text": "Quyết định 23-QĐ/TW do cơ quan nào ban hành", "correct": False},
        ]

    assert key_is_strictly_longest(Q)
    assert repeats_stem(Q, Q.options[2]["text"]) and not repeats_stem(Q, "Ban Bí thư")
    for bad in ("Tất cả các đáp án trên", "Cả A, B và C", "Cả ba phương án trên", "Không có đáp án nào đúng"):
        assert ABOVE.search(bad), bad
    for fine in ("Tất cả đảng viên trong chi bộ", "Cả hai vợ chồng đều là đảng viên", "Ban Thường vụ"):
        assert not ABOVE.search(fine), fine
    assert names_document("Quy định 30-QĐ/TW ngày 26/7/2016, Điều 30", "30-QĐ/TW")
    assert not names_document("Quy định 130-QĐ/TW", "30-QĐ/TW")
    assert SEVERAL.search("Những ý nào đúng? (Có thể chọn nhiều đáp án)")


@pytest.mark.parametrize("topic", SPEC.topics, ids=lambda t: t.slug)
def test_multiple_choice_questions_have_a_wrong_option(topic):
    bad = [q.id for q in topic.questions if q.type == "multiple" and all(o["correct"] for o in q.options)]
    assert bad == []


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.*")), ids=lambda p: str(p.relative_to(ROOT)))
def test_files_are_saved_as_nfc(path):
    text = path.read_text(encoding="utf-8")
    bad = [n for n, line in enumerate(text.splitlines(), 1) if not unicodedata.is_normalized("NFC", line)]
    assert bad == [], f"{path.name}: lines not in NFC: {bad[:10]}"


def test_ids_are_unique_and_prefixed_by_topic():
    for topic in SPEC.topics:
        assert all(q.id.startswith(f"t{topic.number}-") for q in topic.questions)
