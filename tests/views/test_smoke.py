def test_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Atelier Hub" in response.data


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.get_json() == {"status": "ok", "database": "ok"}
