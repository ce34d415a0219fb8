"""Operations: request ids, JSON logs, Prometheus metrics, readiness."""

from __future__ import annotations

import json
import logging

from hub.domain import outbox
from hub.extensions import db
from hub.operations import JSONFormatter


def test_every_response_carries_a_request_id_and_a_valid_one_is_kept(client, make):
    make.innovation(slug="velo-cargo")
    first = client.get("/innovations")
    second = client.get("/innovations")  # from the page cache, before Flask
    ids = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert len(ids) == 2 and all(len(value) == 32 for value in ids)
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234.abc"})
    assert kept.headers["X-Request-ID"] == "proxy-1234.abc"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\\n<script>"})
    assert replaced.headers["X-Request-ID"] != "bad id\\n<script>"
    static = client.get("/static/css/hub.css")
    static.close()
    assert static.headers["X-Request-ID"]


def test_logs_are_json_lines_with_the_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="hub.access")
    client.get("/healthz", headers={"X-Request-ID": "abc-123"}).close()  # logged once sent
    record = next(r for r in caplog.records if r.name == "hub.access")
    line = json.loads(JSONFormatter().format(record))
    assert line["request_id"] == "abc-123"
    assert (line["method"], line["path"], line["route"], line["status"]) == (
        "GET",
        "/healthz",
        "/healthz",
        200,
    )
    assert line["level"] == "INFO" and line["logger"] == "hub.access"
    assert line["time"].endswith("Z") and isinstance(line["duration_ms"], float)


def test_metrics_count_requests_by_route_and_status_cache_hits_and_the_outbox(client, make, app):
    make.innovation(slug="velo-cargo")
    for path in ("/innovations/velo-cargo", "/innovations/nope", "/innovations", "/innovations"):
        client.get(path).close()  # counted once sent
    with app.app_context():
        outbox.queue("someone@example.org", "test", "fr", subject="x")
        db.session.commit()
    body = client.get("/metrics").text
    assert 'hub_http_requests_total{method="GET",route="/innovations/<slug>",status="200"}' in body
    assert 'route="/innovations/<slug>",status="404"}' in body
    assert 'hub_http_request_duration_seconds_bucket{le="0.005",method="GET",route=' in body
    assert 'hub_public_cache_requests_total{result="hit"}' in body
    assert 'hub_public_cache_requests_total{result="miss"}' in body
    assert 'hub_outbox_messages{status="pending"} 1.0' in body


def test_readiness_checks_the_database_the_storage_and_redis_when_configured(client, settings):
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "database": "ok", "storage": "ok"}
    settings(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")  # nothing listens there
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json["redis"] == "unreachable" and answer.json["database"] == "ok"
