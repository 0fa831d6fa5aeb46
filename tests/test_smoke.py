def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_trainee_starts_and_submits(client, make, login):
    user = make.user()
    make.topic(number=1)
    login(user)
    response = client.post("/topics/1/attempts")  # the answer is the new paper
    assert response.status_code == 200
    assert "Câu hỏi t1-" in response.get_data(as_text=True)


def test_a_worker_loads_no_pdf_or_spreadsheet_library_until_it_writes_one(tmp_path):
    """fpdf (with fontTools, Pillow, lxml) and openpyxl cost a worker ~45 MB: only the pages that write
    PDFs or spreadsheets import them, so the workers serving quizzes stay small (issue 8, worker RSS)."""
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import json, sys\n"
        "from quizapp import create_app\n"
        "app = create_app()\n"
        "client = app.test_client()\n"
        "assert client.get('/healthz').status_code == 200\n"
        "heavy = ('fpdf', 'fontTools', 'PIL', 'lxml', 'openpyxl')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    env = {
        **os.environ,
        "QUIZAPP_SECRET_KEY": "test",
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite'}",
    }
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
