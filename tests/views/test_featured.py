"""Staff choose which innovations the home page features, and in which order."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import AuditEntry, Innovation


def featured_titles(html: str) -> list[str]:
    section = html.split('id="featured-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<h3><a href="/innovations/[^"]+">([^<]+)</a></h3>', section)


def ranks(app) -> dict[str, int | None]:
    with app.app_context():
        rows = db.session.execute(sa.select(Innovation.slug, Innovation.featured_rank))
        return dict(rows.all())


@pytest.fixture
def three(make):
    titles = [("velo", "Vélo cargo"), ("capteur", "Capteur d'air"), ("carte", "Carte des pistes")]
    return [make.innovation(slug=slug, title=title) for slug, title in titles]


@pytest.fixture
def staff_client(client, make):
    make.staff(email="equipe@example.org")
    client.login("equipe@example.org")
    return client


def test_staff_feature_innovations_in_the_order_chosen(staff_client, three, app, client):
    for innovation in (three[1], three[0]):
        response = staff_client.submit(f"/staff/featured/{innovation.id}/feature")
        assert response.status_code == 303
        assert response.headers["Location"] == "/staff/featured/"
    assert ranks(app) == {"velo": 2, "capteur": 1, "carte": None}
    staff_client.logout()
    assert featured_titles(client.get("/").text) == ["Capteur d&#39;air", "Vélo cargo"]


def test_staff_move_and_unfeature_and_every_change_is_audited(staff_client, three, app):
    for innovation in three:
        staff_client.submit(f"/staff/featured/{innovation.id}/feature")
    staff_client.submit(f"/staff/featured/{three[2].id}/move", {"direction": "up"})
    assert ranks(app) == {"velo": 1, "carte": 2, "capteur": 3}
    staff_client.submit(f"/staff/featured/{three[0].id}/move", {"direction": "up"})  # no-op
    assert ranks(app) == {"velo": 1, "carte": 2, "capteur": 3}
    staff_client.submit(f"/staff/featured/{three[0].id}/unfeature")
    assert ranks(app) == {"velo": None, "carte": 1, "capteur": 2}
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "innovation.featured",
        "innovation.featured",
        "innovation.featured",
        "innovation.featured_moved",
        "innovation.unfeatured",
    ]


def test_the_back_office_page_searches_and_reorders_with_htmx(staff_client, three):
    staff_client.submit(f"/staff/featured/{three[0].id}/feature")
    html = staff_client.get("/staff/featured/?q=capteur").text
    assert "Capteur d&#39;air" in html
    assert f'action="/staff/featured/{three[1].id}/feature"' in html
    assert f'action="/staff/featured/{three[0].id}/feature"' not in html  # already featured
    response = staff_client.hx(
        "POST", f"/staff/featured/{three[1].id}/feature", target="featured-page",
        data={"q": "capteur"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "« Capteur d&#39;air » est maintenant mise en avant" in response.text
    assert re.findall(r"<li>\s*<a href=\"/innovations/(\w+)\"", response.text) == [
        "velo",
        "capteur",
    ]


def test_the_staff_dashboard_has_a_featured_panel(staff_client, three):
    staff_client.submit(f"/staff/featured/{three[0].id}/feature")
    html = staff_client.get("/staff/").text
    assert "1 innovation est mise en avant sur la page d’accueil." in html
    assert 'href="/staff/featured/"' in html


def test_only_public_innovations_can_be_featured(staff_client, make, app):
    draft = make.innovation(slug="brouillon", status="draft")
    response = staff_client.submit(f"/staff/featured/{draft.id}/feature")
    assert response.status_code == 303
    assert ranks(app)["brouillon"] is None
    assert "Seule une innovation publiée" in staff_client.get("/staff/featured/").text
    assert staff_client.submit("/staff/featured/999999/feature").status_code == 404


def test_members_get_404_and_visitors_are_sent_to_log_in(client, make, three):
    assert client.get("/staff/featured/").status_code == 302
    assert client.submit(f"/staff/featured/{three[0].id}/feature").status_code == 302
    make.user(email="membre@example.org")
    client.login("membre@example.org")
    assert client.get("/staff/featured/").status_code == 404
    assert client.submit(f"/staff/featured/{three[0].id}/feature").status_code == 404


def test_the_demo_data_features_a_few_innovations_once(app, make, three):
    from hub.demo import seed_featured

    staff = make.staff(email="equipe@example.org")
    with app.app_context():
        actor = db.session.get(type(staff), staff.id)
        assert seed_featured(actor, count=2) == ["Featured innovations: 2."]
        db.session.commit()
        assert seed_featured(actor, count=2) == []
        db.session.commit()
    assert ranks(app) == {"velo": 1, "capteur": 2, "carte": None}
