"""The dependency rule, read from the imports: blueprints → domain → models.

The domain never reaches for the request, the session, `g`, templates or URL building, nor
for the edges (views, rendering, mail delivery, links); models know nothing of either.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

HUB = ROOT / "hub"
EDGES = (
    "hub.blueprints",
    "hub.rendering",
    "hub.errors",
    "hub.unit_of_work",
    "hub.links",
    "hub.mail",
    "hub.templating",
    "hub.public_cache",
    "hub.query_args",
    "hub.calendars",
    "hub.images",
)
FLASK_REQUEST_NAMES = {"request", "session", "g", "render_template", "url_for", "flash"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import in the file, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(node.module or "", alias.name) for alias in node.names]
    return found


def modules(package: str) -> list[Path]:
    return sorted((HUB / package).rglob("*.py"))


def within(module: str, packages) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


@pytest.mark.parametrize("path", modules("domain"), ids=module_name)
def test_the_domain_never_touches_the_request_nor_the_edges(path):
    bad = [
        f"{module}.{name}" if name else module
        for module, name in imports_of(path)
        if within(module, EDGES)
        or (module == "flask" and name in FLASK_REQUEST_NAMES)
        or within(module, ("flask_login", "jinja2", "jinja2_fragments", "htmx_flask"))
    ]
    assert bad == [], f"{module_name(path)} imports {bad}"


@pytest.mark.parametrize("path", modules("models"), ids=module_name)
def test_models_know_nothing_of_the_domain_or_the_views(path):
    bad = [module for module, _name in imports_of(path) if within(module, ("hub.domain", *EDGES))]
    assert bad == [], f"{module_name(path)} imports {bad}"


@pytest.mark.parametrize("path", modules("blueprints"), ids=module_name)
def test_views_leave_the_transaction_to_the_unit_of_work(path):
    source = path.read_text()
    assert "db.session.commit" not in source and "db.session.rollback" not in source
    assert "except DomainError" not in source


def test_production_code_keeps_no_test_switch():
    switches = [path for path in HUB.rglob("*.py") if "TESTING_" in path.read_text()]
    assert switches == []


def test_every_form_cleans_its_fields_through_the_shared_base(app):
    """New forms too: their one-line fields stay on one line (hub/forms.py)."""
    from flask_wtf import FlaskForm

    from hub.forms import Form

    def subclasses(cls):
        return [sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))]

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("hub.")]
    assert ours
    assert [form.__qualname__ for form in ours if not issubclass(form, Form)] == []


# Each is imported inside the functions that use it: a worker that never builds a download,
# an image, a calendar or a storage client does not hold them in memory (issue 14).
HEAVY_MODULES = (
    "PIL", "icalendar", "segno", "xlsxwriter", "apispec", "alembic", "flask_migrate",
    "boto3", "botocore", "redis", "datasketches", "numpy",
)  # fmt: skip
A_FRESH_WORKER = f"""
import sys
from hub import create_app
create_app()
print(" ".join(name for name in {HEAVY_MODULES!r} if name in sys.modules))
"""


def test_a_fresh_worker_holds_no_module_only_rare_paths_need(tmp_path):
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/hub.sqlite3"}
    run = subprocess.run(
        [sys.executable, "-c", A_FRESH_WORKER],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )  # fmt: skip
    assert (run.stdout.split(), run.stderr) == ([], "")
