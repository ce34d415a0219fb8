"""Pictures on every card and page that presents an innovation, a startup or an event.

Each shows the picture (its own, else the startup's logo, else a placeholder), sized and
responsive, with the alt text the startup wrote; link previews and the feed get absolute
addresses on PUBLIC_URL.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from hub.extensions import db
from hub.models import AuditEntry, Event, EventState, Innovation

PICTURE = "0123456789abcdef0123456789abcdef-1600x800.webp"
LOGO = "fedcba9876543210fedcba9876543210-512x512.webp"
PICTURE_SRCSET = ", ".join(
    f"/media/0123456789abcdef0123456789abcdef-{w}x{w // 2}.webp {w}w"
    for w in (128, 256, 512, 1024, 1600)
)


@pytest.fixture(autouse=True)
def _empty_upload_dir(app):
    yield
    folder = Path(app.config["UPLOAD_DIR"])
    for path in folder.glob("*") if folder.exists() else []:
        path.unlink()


def images(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def placeholders(html: str) -> list[str]:
    return re.findall(r'<svg class="picture-placeholder[^>]*>', html)


def png(size=(1200, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def showcase(make):
    """Three innovations: one with its picture, one whose startup has a logo, one with neither."""
    pictured = make.startup("Sonde & Co", slug="sonde", logo=LOGO)
    bare = make.startup("Zéphyr", slug="zephyr")
    make.innovation(
        pictured,
        "Sonde d'humidité",
        slug="sonde-humidite",
        image=PICTURE,
        image_alt="Une sonde plantée dans un pot de basilic",
        featured_rank=1,
    )
    make.innovation(pictured, "Arrosoir connecté", slug="arrosoir", featured_rank=2)
    make.innovation(bare, "Éolienne de balcon", slug="eolienne", featured_rank=3)


def test_catalogue_cards_show_the_picture_the_logo_or_a_placeholder(client, showcase):
    html = client.get("/innovations").text
    picture, logo = images(html)
    assert picture == (
        '<img src="/media/0123456789abcdef0123456789abcdef-512x256.webp"'
        f' srcset="{PICTURE_SRCSET}"'
        ' sizes="(min-width: 1200px) 360px, (min-width: 768px) 45vw, 100vw"'
        ' width="1600" height="800" decoding="async"'
        ' alt="Une sonde plantée dans un pot de basilic" class="card-image">'
    )
    assert logo.startswith('<img src="/media/fedcba9876543210fedcba9876543210-256x256.webp"')
    assert 'width="512" height="512"' in logo
    assert 'alt="Logo de Sonde &amp; Co" class="card-image picture-logo">' in logo
    (placeholder,) = placeholders(html)
    assert 'class="picture-placeholder card-image" width="512" height="256"' in placeholder
    assert 'aria-hidden="true"' in placeholder
    assert re.search(r">Z</text>", html)


def test_cards_below_the_first_row_load_lazily(client, make):
    startup = make.startup("Sonde & Co", logo=LOGO)
    for n in range(5):
        make.innovation(startup, f"Capteur {n}")
    lazy = ['loading="lazy"' in tag for tag in images(client.get("/innovations").text)]
    assert lazy == [False, False, False, True, True]


def test_an_innovation_without_alt_text_is_described_by_its_title(client, make):
    make.innovation(title="Ruche connectée", slug="ruche", image=PICTURE)
    for url in ("/innovations", "/innovations/ruche"):
        (tag,) = images(client.get(url).text)
        assert 'alt="Ruche connectée"' in tag


def test_the_home_page_features_cards_with_pictures(client, showcase):
    html = client.get("/").text
    assert len(images(html)) == 2 and len(placeholders(html)) == 1
    assert 'alt="Une sonde plantée dans un pot de basilic"' in html
    assert 'loading="lazy"' not in html


def test_the_innovation_page_shows_its_picture_and_previews_it(client, showcase):
    html = client.get("/innovations/sonde-humidite").text
    picture, logo = images(html)
    assert 'class="page-picture"' in picture and 'loading="lazy"' not in picture
    assert 'src="/media/0123456789abcdef0123456789abcdef-1024x512.webp"' in picture
    assert 'alt=""' in logo and 'class="logo"' in logo
    url = "http://localhost/media/0123456789abcdef0123456789abcdef-1024x512.webp"
    for meta in (
        f'<meta property="og:image" content="{url}">',
        '<meta property="og:image:width" content="1024">',
        '<meta property="og:image:height" content="512">',
        '<meta property="og:image:alt" content="Une sonde plantée dans un pot de basilic">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:image" content="{url}">',
    ):
        assert meta in html


def test_link_previews_use_public_url_not_the_host_asked(client, settings, showcase):
    settings(PUBLIC_URL="https://atelier.example.org")
    html = client.get("/innovations/sonde-humidite", headers={"Host": "evil.example"}).text
    assert (
        '<meta property="og:image" content="https://atelier.example.org/media/'
        '0123456789abcdef0123456789abcdef-1024x512.webp">'
    ) in html
    assert "evil.example" not in html


def test_an_innovation_without_picture_previews_its_startup_logo(client, showcase):
    html = client.get("/innovations/arrosoir").text
    assert 'class="page-picture"' not in html
    assert (
        '<meta property="og:image" content="http://localhost/media/'
        'fedcba9876543210fedcba9876543210-512x512.webp">'
    ) in html
    assert '<meta name="twitter:card" content="summary">' in html
    bare = client.get("/innovations/eolienne").text
    assert "og:image" not in bare and '<meta name="twitter:card" content="summary">' in bare


def test_the_startup_directory_and_profile_show_logos(client, showcase):
    directory = client.get("/startups").text
    (logo,) = images(directory)
    assert 'src="/media/fedcba9876543210fedcba9876543210-128x128.webp"' in logo
    assert 'sizes="48px" width="512" height="512"' in logo and 'class="logo"' in logo
    (placeholder,) = placeholders(directory)
    assert 'class="picture-placeholder logo" width="48" height="48"' in placeholder
    profile = client.get("/startups/sonde").text
    assert 'alt="Logo de Sonde &amp; Co"' in profile
    assert 'alt="Une sonde plantée dans un pot de basilic" class="card-image">' in profile
    assert '<meta property="og:image:alt" content="Logo de Sonde &amp; Co">' in profile


def test_feed_entries_carry_their_picture(client, showcase):
    feed = client.get("/feed.atom").text
    url = "http://localhost/media/0123456789abcdef0123456789abcdef-1024x512.webp"
    assert f'<media:thumbnail url="{url}" width="1024" height="512"/>' in feed
    assert f'<link rel="enclosure" type="image/webp" href="{url}"/>' in feed
    assert (
        f"&lt;img src=&#34;{url}&#34; alt=&#34;Une sonde plantée dans un pot de basilic&#34;"
    ) in feed
    logo = "http://localhost/media/fedcba9876543210fedcba9876543210-512x512.webp"
    assert f'<media:thumbnail url="{logo}" width="512" height="512"/>' in feed
    assert feed.count("<media:thumbnail") == 2


def test_an_event_page_and_agenda_card_show_its_picture(client, make):
    partner = make.partner("Chambre de commerce", logo=LOGO)
    pictured = make.event(
        organisation=partner,
        title="Atelier photo",
        image=PICTURE,
        image_alt="Des mains tiennent un appareil photo",
    )
    bare = make.event(title="Conférence sans image", starts_in=timedelta(days=8))
    page = client.get(f"/events/{pictured.slug}").text
    (picture,) = images(page)
    assert 'class="page-picture"' in picture
    assert 'alt="Des mains tiennent un appareil photo"' in picture
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    agenda = client.get("/events").text
    (card,) = images(agenda)
    assert 'alt="Des mains tiennent un appareil photo" class="card-image">' in card
    assert len(placeholders(agenda)) == 1
    html = client.get(f"/events/{bare.slug}").text
    assert images(html) == [] and "og:image" not in html


def test_a_startup_describes_its_innovation_picture(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup, "Sonde")
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/innovations/{innovation.id}",
        {
            "title": "Sonde",
            "image": (io.BytesIO(png()), "sonde.png"),
            "image_alt": "  Une sonde dans la terre  ",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.get(Innovation, innovation.id)
        assert saved.image_alt == "Une sonde dans la terre"
        assert re.fullmatch(r"[0-9a-f]{32}-1200x600\.webp", saved.image)
        fields = db.session.scalar(
            sa.select(AuditEntry.details).where(AuditEntry.action == "innovation.updated")
        )
        assert fields == {"fields": ["image_alt"]}


def photo_workshop(chamber, space) -> dict:
    """The event form a partner fills in for a photo workshop."""
    return {
        "organisation": str(chamber.id), "title": "Atelier photo", "kind": "workshop",
        "audience": "everyone", "language": "fr", "description": "Apprendre à cadrer.",
        "space_id": str(space.id), "starts_at": "2031-03-07T14:00",
        "ends_at": "2031-03-07T16:00", "capacity": "12",
    }  # fmt: skip


def test_a_partner_proposes_an_event_with_a_picture_then_removes_it(client, make, app):
    alice = make.user(email="alice@cci.example")
    chamber = make.partner("Chambre de commerce", owner=alice)
    space = make.space(capacity=40)
    client.login(alice.email)
    data = {**photo_workshop(chamber, space), "image_alt": "Des mains tiennent un appareil photo"}
    response = client.submit(
        "/account/events/new",
        {**data, "image": (io.BytesIO(png()), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalar(sa.select(Event))
        name, event_id = event.image, event.id
        assert event.state == EventState.PROPOSED
        assert event.image_alt == "Des mains tiennent un appareil photo"
    stored = Path(app.config["UPLOAD_DIR"]) / name
    assert stored.exists()
    form = client.get(f"/account/events/{event_id}/edit").text
    assert 'enctype="multipart/form-data"' in form
    assert 'alt="Image actuelle de « Atelier photo »"' in form
    data.pop("organisation")
    removed = client.submit(
        f"/account/events/{event_id}/edit",
        {**data, "image_alt": "", "remove_image": "y"},
        content_type="multipart/form-data",
    )
    assert removed.status_code == 303
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert (event.image, event.image_alt) == (None, "")
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("event.picture_changed") == 2
    assert not stored.exists()


def test_a_bad_event_picture_keeps_what_was_typed(client, make, app):
    alice = make.user(email="alice@cci.example")
    chamber = make.partner("Chambre de commerce", owner=alice)
    space = make.space(capacity=40)
    client.login(alice.email)
    response = client.submit(
        "/account/events/new",
        {**photo_workshop(chamber, space), "image": (io.BytesIO(b"not an image"), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'value="Atelier photo"' in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_demo_data_draws_logos_and_pictures_once(app, make):
    from hub.demo import seed_pictures

    startup = make.startup("ÉcoTrace", slug="ecotrace")
    make.innovation(startup, "Compteur carbone en boutique", slug="ecotrace-compteur-carbone")
    with app.app_context():
        assert seed_pictures() == ["Pictures drawn: 2."]
        db.session.commit()
        assert seed_pictures() == []
        innovation = db.session.scalar(sa.select(Innovation))
        assert re.fullmatch(r"[0-9a-f]{32}-1600x900\.webp", innovation.image)
        assert innovation.image_alt.startswith("Un petit boîtier posé sur le comptoir")
        assert re.fullmatch(r"[0-9a-f]{32}-512x512\.webp", innovation.organisation.logo)


def test_an_event_picture_without_alt_text_is_described_by_its_title(client, make):
    event = make.event(title="Atelier photo", image=PICTURE)
    (tag,) = images(client.get(f"/events/{event.slug}").text)
    assert 'alt="Atelier photo"' in tag
    assert (
        '<meta property="og:image:alt" content="Atelier photo">'
        in client.get(f"/events/{event.slug}").text
    )
