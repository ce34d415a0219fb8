"""The deployment recipe (Procfile, Dockerfile, compose.yaml, deploy/) says what the README says.

No container engine runs here: these read the files the way the tools would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SETTINGS = {
    "DATABASE_URL",
    "RATELIMIT_STORAGE_URI",
    "SECRET_KEY",
    "PUBLIC_URL",
    "TRUSTED_HOSTS",
    "TRUSTED_PROXIES",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ADDRESSING_STYLE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_procfile_runs_gunicorn_on_the_wsgi_entry_point_and_the_worker():
    processes = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )

    assert set(processes) == {"web", "worker"}
    assert processes["web"].startswith("gunicorn --bind ${HOST:-0.0.0.0}:${PORT:-8000} ")
    assert processes["web"].endswith(" wsgi:app")
    assert processes["worker"] == "flask --app hub worker"


def test_make_run_starts_the_procfile_with_honcho_pinned_in_the_dependencies():
    makefile = (ROOT / "Makefile").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()

    assert "$(BIN)/honcho start --port $(PORT)" in makefile
    assert re.search(r'"honcho==[\d.]+"', pyproject)


def test_the_image_builds_translations_and_compressed_static_files_and_runs_unprivileged():
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    text = "\n".join(lines)

    assert lines[0] == "FROM python:3.11-slim"
    assert "pybabel compile --statistics --directory hub/translations" in text
    assert "python -m whitenoise.compress --quiet hub/static" in text
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["atelier"]
    assert lines[-1].startswith('CMD ["gunicorn", ') and lines[-1].endswith('"wsgi:app"]')


def test_compose_runs_app_worker_database_redis_and_object_storage(compose):
    services = compose["services"]

    assert set(services) == {"app", "worker", "migrate", "db", "redis", "minio", "create-bucket"}
    assert services["worker"]["command"] == ["flask", "--app", "hub", "worker"]
    assert services["migrate"]["command"] == ["flask", "--app", "hub", "db", "upgrade"]
    assert services["app"]["ports"] == ["${PORT:-8000}:8000"]


@pytest.mark.parametrize("name", ["app", "db", "redis", "minio"])
def test_each_long_running_service_has_a_healthcheck(compose, name):
    assert compose["services"][name]["healthcheck"]["test"][0] == "CMD"


@pytest.mark.parametrize("name", ["app", "worker", "migrate"])
def test_the_app_processes_get_the_production_settings(compose, name):
    environment = compose["services"][name]["environment"]

    assert set(environment) >= APP_SETTINGS
    assert environment["DATABASE_URL"].startswith("postgresql://atelier:")
    assert environment["DATABASE_URL"].endswith("@db:5432/atelier")
    assert environment["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"


@pytest.mark.parametrize("name", ["app", "worker"])
def test_the_app_and_worker_start_once_schema_redis_and_bucket_are_ready(compose, name):
    assert compose["services"][name]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "redis": {"condition": "service_healthy"},
        "create-bucket": {"condition": "service_completed_successfully"},
    }


def test_the_bucket_is_created_once_object_storage_is_healthy(compose):
    service = compose["services"]["create-bucket"]

    assert service["depends_on"] == {"minio": {"condition": "service_healthy"}}
    assert 'mc mb --ignore-existing "store/$$S3_BUCKET"' in service["entrypoint"][-1]


def test_the_proxy_example_terminates_tls_and_sets_the_forwarded_headers():
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    headers = dict(re.findall(r"proxy_set_header (\S+) (\S+);", config))

    assert "listen 443 ssl;" in config
    assert "return 301 https://$host$request_uri;" in config
    assert headers == {
        "Connection": '""',
        "Host": "$host",
        "X-Forwarded-For": "$remote_addr",
        "X-Forwarded-Proto": "$scheme",
        "X-Forwarded-Host": "$host",
        "X-Forwarded-Port": "$server_port",
        "X-Request-ID": "$request_id",
    }
