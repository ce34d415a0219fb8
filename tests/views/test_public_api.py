"""The read-only JSON API: lists, filters, pagination, caching headers, CORS, its schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from hub.models import (
    ApplicationState,
    Audience,
    CoHostState,
    EventHost,
    EventKind,
    SpaceKind,
    utcnow,
)
from hub.openapi import openapi_document


@pytest.fixture
def content(make):
    ecotrace = make.startup("ÉcoTrace", slug="ecotrace", city="Saint-Étienne", sectors=["Climat"])
    cyclopolis = make.startup("Cyclopolis", slug="cyclopolis", city="Rennes", stage="scaling")
    make.startup("Cachée", slug="cachee", verified=False)
    partner = make.partner("French Tech", slug="french-tech", city="Saint-Étienne")
    start = utcnow() - timedelta(days=1)
    velo = make.innovation(
        cyclopolis, slug="velo-cargo", title="Vélo cargo", tags=["Mobilité"],
        published_at=start, featured_rank=1,
    )  # fmt: skip
    make.innovation(
        ecotrace, slug="eco-conception", title="Éco-conception web",
        tags=["Climat"], published_at=start + timedelta(hours=1),
    )  # fmt: skip
    make.innovation(ecotrace, slug="brouillon", title="Éco-brouillon", status="draft")
    room = make.space(capacity=80)
    workshop = make.event(
        title="Atelier smartphone", space=room, capacity=10, organisation=partner,
        starts_at=utcnow() + timedelta(days=3),
    )  # fmt: skip
    make.registration(workshop)
    make.event(
        title="Conférence IA", space=room, kind=EventKind.CONFERENCE, capacity=50,
        audience=Audience.PROFESSIONALS, starts_at=utcnow() + timedelta(days=5),
    )  # fmt: skip
    make.event(title="Passé", space=room, starts_at=utcnow() - timedelta(days=5))
    slot = make.slot(theme="Journée mobilité", space=make.space(kind=SpaceKind.STAND, capacity=6))
    make.application(slot, innovation=velo, state=ApplicationState.CONFIRMED)
    return {"partner": partner, "workshop": workshop}


def test_innovations_are_listed_with_their_startup(client, content):
    body = client.get("/api/v1/innovations").get_json()
    assert [item["slug"] for item in body["data"]] == ["velo-cargo", "eco-conception"]
    velo = body["data"][0]
    assert velo["startup"] == {
        "slug": "cyclopolis",
        "name": "Cyclopolis",
        "url": "http://localhost/startups/cyclopolis",
    }
    assert velo["featured_rank"] == 1
    assert velo["url"] == "http://localhost/innovations/velo-cargo"
    assert velo["published_at"].endswith("Z")
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 2, "pages": 1, "more": False}
    assert body["links"] == {
        "self": "http://localhost/api/v1/innovations?page=1",
        "next": None,
        "prev": None,
    }


def test_innovations_take_the_catalogue_filters_and_paginate(client, content):
    def slugs(query: str) -> list[str]:
        return [item["slug"] for item in client.get(f"/api/v1/innovations?{query}").json["data"]]

    assert slugs("q=ECO") == ["eco-conception"]
    assert slugs("tag=Mobilit%C3%A9") == ["velo-cargo"]
    assert slugs("stage=scaling") == ["velo-cargo"]
    assert slugs("city=Rennes&q=velo") == ["velo-cargo"]
    assert slugs("sort=az") == ["eco-conception", "velo-cargo"]
    page = client.get("/api/v1/innovations?per_page=1&sort=newest").get_json()
    assert [item["slug"] for item in page["data"]] == ["eco-conception"]
    assert page["meta"] == {"page": 1, "per_page": 1, "total": 2, "pages": 2, "more": False}
    assert page["links"]["next"] == (
        "http://localhost/api/v1/innovations?per_page=1&sort=newest&page=2"
    )
    second = client.get(page["links"]["next"]).get_json()
    assert [item["slug"] for item in second["data"]] == ["velo-cargo"]
    assert second["links"]["next"] is None
    assert second["links"]["prev"].endswith("page=1")


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=x", "per_page=101", "per_page=0", "stage=giant", "sort=random"],
)
def test_invalid_parameters_answer_400_in_json(client, content, query):
    response = client.get(f"/api/v1/innovations?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400


def test_one_innovation_and_unknown_or_unpublished_ones(client, content):
    assert client.get("/api/v1/innovations/velo-cargo").get_json()["data"]["title"] == "Vélo cargo"
    for slug in ("brouillon", "nope"):
        response = client.get(f"/api/v1/innovations/{slug}")
        assert response.status_code == 404
        assert response.get_json()["error"]["status"] == 404


def test_startups_and_partners(client, content):
    startups = client.get("/api/v1/startups").get_json()
    assert [item["slug"] for item in startups["data"]] == ["cyclopolis", "ecotrace"]
    assert startups["data"][0]["stage"] == "scaling"
    assert [s["slug"] for s in client.get("/api/v1/startups?sector=Climat").json["data"]] == [
        "ecotrace"
    ]
    assert [s["slug"] for s in client.get("/api/v1/startups?city=Rennes").json["data"]] == [
        "cyclopolis"
    ]
    partners = client.get("/api/v1/partners").get_json()
    assert [item["slug"] for item in partners["data"]] == ["french-tech"]
    assert "stage" not in partners["data"][0]
    assert client.get("/api/v1/startups/cachee").status_code == 404
    assert client.get("/api/v1/partners/ecotrace").status_code == 404
    assert client.get("/api/v1/partners/french-tech").json["data"]["name"] == "French Tech"


def test_events_are_upcoming_with_their_seats_left(client, content):
    body = client.get("/api/v1/events").get_json()
    assert [(e["title"], e["seats_left"]) for e in body["data"]] == [
        ("Atelier smartphone", 9),
        ("Conférence IA", 50),
    ]
    workshop = body["data"][0]
    assert workshop["host"]["slug"] == "french-tech"
    assert workshop["venue"]["city"] == "Saint-Étienne"
    assert workshop["url"] == f"http://localhost/events/{content['workshop'].slug}"
    conference = client.get("/api/v1/events?kind=conference&audience=professionals").json
    assert [e["title"] for e in conference["data"]] == ["Conférence IA"]
    assert client.get("/api/v1/events?venue=nancy").json["data"] == []
    one = client.get(f"/api/v1/events/{content['workshop'].slug}").get_json()
    assert one["data"]["seats_left"] == 9


def test_events_are_paged_as_the_agenda_pages_them(client, content):
    first = client.get("/api/v1/events?per_page=1").get_json()
    second = client.get("/api/v1/events?per_page=1&page=2").get_json()
    assert [e["title"] for e in first["data"] + second["data"]] == [
        "Atelier smartphone",
        "Conférence IA",
    ]
    assert (first["meta"]["total"], first["meta"]["pages"], first["meta"]["more"]) == (2, 2, False)
    assert first["links"]["next"] == "http://localhost/api/v1/events?per_page=1&page=2"
    assert second["links"]["next"] is None
    assert client.get("/api/v1/events?per_page=1&page=3").json["data"] == []


def test_demo_days_list_their_confirmed_startups(client, content):
    body = client.get("/api/v1/demo-days").get_json()
    assert [d["theme"] for d in body["data"]] == ["Journée mobilité"]
    assert body["data"][0]["startups"] == [
        {
            "slug": "cyclopolis",
            "name": "Cyclopolis",
            "url": "http://localhost/startups/cyclopolis",
            "innovation": {"slug": "velo-cargo", "title": "Vélo cargo"},
        }
    ]


def test_responses_carry_an_etag_and_answer_304(client, content):
    response = client.get("/api/v1/innovations")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    etag = response.headers["ETag"]
    again = client.get("/api/v1/innovations", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    other = client.get("/api/v1/innovations?q=velo", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_cors_is_open_for_reading_the_api_only(client, content):
    response = client.get("/api/v1/startups")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/startups",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    post = client.post("/api/v1/startups", headers={"Origin": "https://partner.example"})
    assert post.status_code == 405
    assert "Access-Control-Allow-Origin" not in post.headers
    assert "Access-Control-Allow-Origin" not in client.get("/innovations").headers


def test_the_openapi_document_describes_every_endpoint(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == [
        "/api/v1/demo-days",
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/innovations",
        "/api/v1/innovations/{slug}",
        "/api/v1/partners",
        "/api/v1/partners/{slug}",
        "/api/v1/startups",
        "/api/v1/startups/{slug}",
    ]


def test_co_hosted_events_are_the_partners_own(client, content, make, app):
    other = make.partner("Médiathèque", slug="mediatheque")
    with app.app_context():
        from hub.extensions import db

        db.session.add(
            EventHost(
                event_id=content["workshop"].id,
                organisation_id=other.id,
                state=CoHostState.ACCEPTED,
            )
        )
        db.session.commit()
    html = client.get("/embed/events?host=mediatheque").text
    assert "Atelier smartphone" in html
    assert "Conférence IA" not in html


@pytest.fixture
def api_content(make):
    partner = make.partner("French Tech", slug="french-tech")
    innovation = make.innovation(slug="velo-cargo", title="Vélo cargo", tags=["Mobilité"])
    make.event(title="Atelier", organisation=partner)
    make.application(make.slot(), innovation=innovation, state=ApplicationState.CONFIRMED)


# Built from the document the API serves, so the test checks the API against it.
schema = schemathesis.openapi.from_dict(openapi_document("http://localhost"))


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_api_response_matches_the_openapi_document(case, app, api_content):
    case.operation.schema.app = app
    # In-process calls do not decode gzip as an HTTP client would: ask for plain bodies.
    case.call_and_validate(app=app, headers={"Accept-Encoding": "identity"})


def test_the_served_document_is_the_one_tested(client):
    assert client.get("/api/openapi.json").get_json() == openapi_document("http://localhost")
