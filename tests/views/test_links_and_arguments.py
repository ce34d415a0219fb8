"""Links come from the configured public address; query strings never crash a page; what a
person types into a search is matched literally."""

from __future__ import annotations

import pytest

from tests.support import emails


def test_a_reset_link_is_built_on_the_public_address_whatever_the_host_header(
    client, app, make, settings
):
    # The forged host has no session cookie: CSRF is not what this test is about.
    settings(PUBLIC_URL="https://atelier.example", WTF_CSRF_ENABLED=False)
    make.user(email="alex@example.org")
    response = client.post(
        "/auth/reset", data={"email": "alex@example.org"}, base_url="http://forged-host.invalid"
    )
    assert response.status_code == 303
    [message] = emails(app, "alex@example.org")
    assert "https://atelier.example/auth/reset/" in message.body_text
    assert "forged-host.invalid" not in message.body_text


def test_pages_link_to_themselves_on_the_public_address(client, settings):
    settings(PUBLIC_URL="https://atelier.example")
    page = client.get("/events", headers={"Host": "forged-host.invalid"}).text
    assert '<link rel="canonical" href="https://atelier.example/events">' in page
    assert "forged-host.invalid" not in page


def test_trusted_hosts_refuse_any_other_host(client, settings):
    settings(TRUSTED_HOSTS=["atelier.example"])
    assert client.get("/healthz", headers={"Host": "atelier.example"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "forged-host.invalid"}).status_code == 400


# A NUL byte is refused before any view (tests/views/test_hostile_input.py).
HOSTILE = ["page=100000000000000000000", "page=%C2%B2", "page=-1", "q=a%01b", "page=1e3"]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("path", ["/innovations", "/events", "/startups", "/demo-days"])
def test_a_page_reads_what_it_can_of_a_hostile_query_string(client, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", HOSTILE)
def test_the_api_refuses_a_hostile_query_string_naming_the_parameter(client, query):
    response = client.get(f"/api/v1/startups?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith(query.split("=")[0] + ":")


def test_a_search_takes_percent_and_underscore_literally(client, make):
    make.startup("Fab_Lab 100%", slug="fablab")
    make.startup("FabXLab 1000", slug="fabxlab")
    page = client.get("/startups?q=b_L").text
    assert "Fab_Lab 100%" in page and "FabXLab" not in page
    page = client.get("/startups?q=100%25").text
    assert "Fab_Lab 100%" in page and "FabXLab" not in page


def test_a_directory_filters_by_sector_in_the_database_and_pages_the_result(client, make):
    for number in range(30):
        make.startup(f"Santé {number:02d}", sectors=["Santé"])
    make.startup("AgriVue", sectors=["Agriculture"])
    first = client.get("/startups?sector=sant%C3%A9").text  # the case is ignored
    assert "Santé 00" in first and "Santé 29" not in first and "AgriVue" not in first
    assert "Page 1 sur 2" in first
    second = client.get("/startups?sector=Sant%C3%A9&page=2").text
    assert "Santé 29" in second and "Santé 00" not in second
