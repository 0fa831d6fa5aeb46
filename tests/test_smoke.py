def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_trainee_starts_and_submits(client, make, login):
    user = make.user()
    make.topic(number=1)
    login(user)
    response = client.post("/topics/1/attempts")
    assert response.status_code == 302
    page = client.get(response.location)
    assert page.status_code == 200
    assert "Câu hỏi t1-" in page.get_data(as_text=True)
