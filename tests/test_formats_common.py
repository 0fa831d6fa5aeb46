"""What every question format shares: decoding, limits, the report, the registry, translation."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from flask_babel import force_locale

from quizapp.content import formats
from quizapp.content.formats import MAX_BYTES, FormatError, decode, guess_format

AIKEN = "Câu hỏi thử?\nA. Một\nB. Hai\nANSWER: A\n"


def lines(problems) -> list[tuple[int, str]]:
    return [(p.line, str(p.message)) for p in problems]


def test_decode_accepts_bom_crlf_cr_and_nfd():
    nfd = unicodedata.normalize("NFD", "Đảng\r\nviên\rdự bị")
    assert nfd != unicodedata.normalize("NFC", nfd)
    text = decode(codecs.BOM_UTF8 + nfd.encode("utf-8"))
    assert text == "Đảng\nviên\ndự bị"
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (codecs.BOM_UTF16_LE + "Câu".encode("utf-16-le"), 1, "UTF-16"),
        ("Câu hỏi\n".encode() + "Câu".encode("cp1252"), 2, "line 2 is not UTF-8"),
        (b"dong 1\ndong 2\nd\xe1\xba\xa1ng \xff\n", 3, "line 3 is not UTF-8"),
        (b"PK\x03\x04rest of a docx", 1, "Word"),
        (b"text\x00binary", 1, "not text"),
    ],
)
def test_other_encodings_are_refused_with_the_line(data, line, words):
    with pytest.raises(FormatError) as info:
        decode(data)
    assert info.value.line == line
    assert words in str(info.value.message)


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
def test_a_file_too_large_is_refused_before_parsing(fmt):
    report = formats.parse(b"x" * (MAX_BYTES + 1), fmt)
    assert not report.ok and report.importable == []
    assert lines(report.errors) == [
        (1, "the file is 2.0 MB; at most 2 MB can be imported at once: split it into smaller files")
    ]


def test_a_20_mb_file_says_its_size():
    report = formats.parse(b"x" * (20 * 1024 * 1024), "gift")
    assert "20.0 MB" in str(report.errors[0].message)


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
def test_an_empty_file_has_no_question(fmt):
    report = formats.parse(b"", fmt)
    assert not report.ok
    assert lines(report.errors) == [(1, "no question was found in the file")]


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        formats.parse(b"", "docx")
    with pytest.raises(ValueError):
        formats.write("docx", [])


def test_importable_is_empty_while_any_error_remains():
    report = formats.parse((AIKEN + "\nCâu lỗi?\nA. Một\nB. Hai\nANSWER: C\n").encode(), "aiken")
    assert len(report.questions) == 1  # shown in the preview…
    assert report.importable == []  # …but nothing may be saved
    fixed = formats.parse(AIKEN.encode(), "aiken")
    assert fixed.ok and fixed.importable == fixed.questions


@pytest.mark.parametrize(
    ("filename", "data", "fmt"),
    [
        ("bank.yaml", b"- id: x", "yaml"),
        ("bank.yml", b"", "yaml"),
        ("moodle.xml", b"", "moodle_xml"),
        ("export", b'\xef\xbb\xbf<?xml version="1.0"?><quiz/>', "moodle_xml"),
        ("cau-hoi.gift", b"", "gift"),
        ("cau-hoi.txt", b"Q?{=a ~b}", "gift"),
        ("cau-hoi.txt", AIKEN.encode(), "aiken"),
        ("cau-hoi.txt", b"Tap {1, 2} co may phan tu?\nA. Mot\nB. Hai\nANSWER: B\n", "aiken"),
        ("export", "Câu hỏi {x}?\nA) Có\nB) Không\nĐáp án: a\n".encode(), "aiken"),
        ("cau-hoi.txt", b"Q?{=a ~b}\n// ANSWER: the one after the equals sign\n", "gift"),
        ("cau-hoi.docx", b"PK", None),
    ],
)
def test_guess_format(filename, data, fmt):
    assert guess_format(filename, data) == fmt


def test_every_format_is_registered_with_its_functions():
    assert set(formats.FORMATS) == {"yaml", "gift", "aiken", "moodle_xml"}
    for fmt in formats.FORMATS.values():
        assert callable(fmt.parse) and callable(fmt.write) and fmt.extension


def test_messages_show_in_vietnamese_on_pages_and_in_english_elsewhere(app):
    report = formats.parse("Câu?\nA. x\nB. y\nC. z\nD. t\nĐÁP ÁN: E\n".encode(), "aiken")
    assert lines(report.errors) == [(6, "answer E is not one of the options A to D")]
    with app.test_request_context("/"):
        assert str(report.errors[0].message) == "đáp án E không có trong các phương án từ A đến D"
        with force_locale("en"):
            assert str(report.errors[0].message) == "answer E is not one of the options A to D"
