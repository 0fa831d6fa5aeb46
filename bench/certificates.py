"""Certificate render times: one certificate, and a ward of 30 as one PDF and as a ZIP.

Run: .venv/bin/python bench/certificates.py [--repeat N]. Uses a throwaway SQLite database in a
temporary folder (nothing touches instance/). Prints seconds per operation (best and median).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app  # noqa: E402
from quizapp.accounts.wards import seed_wards  # noqa: E402
from quizapp.certificates import pdf  # noqa: E402
from quizapp.certificates.delivery import print_items, wording  # noqa: E402
from quizapp.certificates.services import ward_certificates  # noqa: E402
from quizapp.content.importer import import_course  # noqa: E402
from quizapp.content.loader import load_package  # noqa: E402
from quizapp.db import db, write_transaction  # noqa: E402
from quizapp.migrate import upgrade_db  # noqa: E402
from quizapp.models import Certificate, User, Ward, utcnow  # noqa: E402

NAMES = ["Nguyễn Thị Hằng", "Lê Văn Đức", "Trần Thị Ánh", "Phạm Minh Khôi", "Hoàng Thị Thu Hường", "Đỗ Quốc Việt"]


def seed(ward_code: str, n: int) -> None:
    """A ward with ``n`` trainees holding certificates (rows made directly: rendering is measured)."""
    with write_transaction() as s:
        seed_wards(s)
        ward = s.query(Ward).filter_by(code=ward_code).one()
        topics = [{"number": k, "title": f"Chuyên đề {k}", "score": 16 + k % 4, "max_score": 20} for k in range(1, 6)]
        now = utcnow()
        for i in range(n):
            user = User(
                username=f"bench{i}", password_hash="x", full_name=f"{NAMES[i % len(NAMES)]} {i + 1}", ward=ward
            )
            s.add(user)
            s.flush()
            s.add(
                Certificate(
                    code=f"BNCH-{i:04d}-0000",
                    user_id=user.id,
                    issued_at=now,
                    snapshot={
                        "full_name": user.full_name,
                        "ward": ward.full_name,
                        "ward_code": ward.code,
                        "cohort": "Lớp 1",
                        "position": "Ủy viên",
                        "course": "",
                        "started_on": (now - timedelta(days=30)).date().isoformat(),
                        "completed_on": now.date().isoformat(),
                        "topics": topics,
                    },
                )
            )


def measure(label: str, fn, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    print(f"{label:<34} best {min(times):6.3f} s   median {statistics.median(times):6.3f} s   {size / 1024:7.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ward-size", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
                "SECRET_KEY": "bench",
                "PUBLIC_URL": "https://quizapp.example",
            }
        )
        with app.app_context():
            upgrade_db()
            with write_transaction() as s:  # the real course: its topics and certificate wording
                import_course(s, load_package(app.config["CONTENT_PATH"], app.config))
            seed("ham-rong", args.ward_size)
            certificates = ward_certificates(db.session, "ham-rong")
            words = wording()
            items = print_items(certificates)
            print(f"fpdf2, A4 landscape, DejaVu Serif embedded; {args.repeat} runs each")
            measure("1 certificate (PDF)", lambda: pdf.render_pdf(items[:1], words), args.repeat)
            measure(f"ward of {len(items)}: one PDF", lambda: pdf.render_pdf(items, words), args.repeat)
            measure(f"ward of {len(items)}: ZIP of PDFs", lambda: pdf.render_zip(items, words), args.repeat)
            db.engine.dispose()


if __name__ == "__main__":
    main()
