"""Startups and partners: creation, profile and logo, members and invitations, verification."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from hub.extensions import db
from hub.models import (
    AuditEntry,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from tests.support import emails


def image_bytes(fmt: str = "PNG", size=(800, 600), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, format=fmt)
    return buffer.getvalue()


SVG_WITH_SCRIPT = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"


def uploaded_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in folder.glob("*")} if folder.exists() else set()


@pytest.fixture(autouse=True)
def _empty_upload_dir(app):
    yield
    for name in uploaded_files(app):
        (Path(app.config["UPLOAD_DIR"]) / name).unlink()


def profile(**extra) -> dict:
    return {
        "name": "ÉcoTrace",
        "tagline": "Mesurer l'empreinte carbone",
        "description": "Nous **mesurons**.",
        "website": "https://ecotrace.example",
        "city": "Saint-Étienne",
        "sectors": "Climat, Commerce, climat",
        "stage": "launched",
        **extra,
    }


def organisation_named(app, name: str) -> Organisation | None:
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
        if organisation is not None:
            db.session.expunge(organisation)
        return organisation


@pytest.mark.parametrize("kind", ["startup", "partner"])
def test_a_signed_in_user_creates_an_organisation_and_owns_it(client, make, app, kind):
    user = make.user()
    client.login(user.email)
    response = client.submit(f"/manage/new/{kind}", profile())
    assert response.status_code == 303
    assert response.headers["Location"] == "/manage/ecotrace"
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation))
        assert organisation.kind == OrganisationKind(kind)
        assert organisation.sectors == ["Climat", "Commerce"]
        assert organisation.verified_at is None
        assert (organisation.stage is not None) == (kind == "startup")
        membership = db.session.scalar(sa.select(Membership))
        assert (membership.user_id, membership.role) == (user.id, MembershipRole.OWNER)
        assert db.session.scalar(sa.select(AuditEntry.action)) == "organisation.created"
    page = client.get("/manage/ecotrace")
    assert "En attente de vérification" in page.text


def test_anonymous_visitors_are_sent_to_log_in_to_create(client):
    response = client.get("/manage/new/startup")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_second_organisation_with_the_same_name_gets_its_own_slug(client, make, app):
    make.startup(name="ÉcoTrace", slug="ecotrace")
    client.login(make.user().email)
    response = client.submit("/manage/new/startup", profile())
    assert response.headers["Location"] == "/manage/ecotrace-2"


def test_a_logo_is_checked_re_encoded_resized_and_served_safely(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/profile",
        {
            **profile(name=startup.name),
            "logo": (io.BytesIO(image_bytes("JPEG", (2000, 1000))), "x.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    logo = organisation_named(app, startup.name).logo
    assert re.fullmatch(r"[0-9a-f]{32}-512x256\.webp", logo)
    served = client.get(f"/media/{logo}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.data)) as stored:
        assert (stored.format, stored.size) == ("WEBP", (512, 256))
    served.close()
    token = logo.partition("-")[0]
    assert uploaded_files(app) == {logo, f"{token}-128x64.webp", f"{token}-256x128.webp"}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: (io.BytesIO(image_bytes("GIF")), "logo.png"),
         "Seules les images PNG, JPEG et WebP sont acceptées."),
        (lambda: (io.BytesIO(SVG_WITH_SCRIPT), "logo.png"),
         "Ce fichier n’est pas une image lisible. Envoyez une image PNG, JPEG ou WebP."),
        (lambda: (io.BytesIO(image_bytes("PNG")[:200]), "logo.png"),
         "Ce fichier n’est pas une image lisible. Envoyez une image PNG, JPEG ou WebP."),
        (lambda: (io.BytesIO(b""), "logo.png"), "Le fichier est vide."),
    ],
    ids=["mislabelled gif", "script named png", "corrupt png", "empty file"],
)  # fmt: skip
def test_a_bad_logo_is_refused_with_a_clear_message_and_nothing_changes(
    client, make, app, upload, message
):
    owner = make.user()
    startup = make.startup(owner=owner, tagline="Avant")
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/profile",
        {**profile(name=startup.name, tagline="Après"), "logo": upload()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    saved = organisation_named(app, startup.name)
    assert (saved.tagline, saved.logo) == ("Avant", None)
    assert uploaded_files(app) == set()


def test_an_oversized_logo_is_refused(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1000)
    owner = make.user()
    startup = make.startup(owner=owner)
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/profile",
        {**profile(name=startup.name), "logo": (io.BytesIO(b"\x89PNG" + b"\0" * 2000), "big.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "L’image est trop lourde" in response.text
    assert organisation_named(app, startup.name).logo is None


def test_script_in_the_description_is_removed_on_the_public_profile(client, make):
    startup = make.startup(
        name="Cyclopolis",
        description='Bonjour <script>alert("x")</script> [lien](javascript:alert(1)) **gras**',
    )
    page = client.get(f"/startups/{startup.slug}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert 'href="javascript:' not in page.text
    assert "<strong>gras</strong>" in page.text


def test_media_refuses_names_it_did_not_generate(client):
    assert client.get("/media/..%2Finstance%2Fsecret_key").status_code == 404
    assert client.get("/media/logo.svg").status_code == 404
    assert client.get(f"/media/{'a' * 32}.webp").status_code == 404


def test_directories_list_verified_organisations_only(client, make):
    make.startup(name="Vérifiée", slug="verifiee")
    make.startup(name="Pas encore", slug="pas-encore", verified=False)
    make.partner(name="CCI", slug="cci")
    startups = client.get("/startups")
    assert "Vérifiée" in startups.text
    assert "Pas encore" not in startups.text and "CCI" not in startups.text
    assert client.get("/startups/pas-encore").status_code == 404
    assert client.get("/startups/cci").status_code == 404
    assert client.get("/partners/cci").status_code == 200
    assert client.get("/partners/verifiee").status_code == 404
    assert "CCI" in client.get("/partners").text


def test_the_directory_searches_live_with_htmx(client, make):
    make.startup(name="AgriVue", sectors=["Agriculture"])
    make.startup(name="MédiLien", sectors=["Santé"])
    fragment = client.hx("GET", "/startups?q=agri", target="directory-results")
    assert "<html" not in fragment.text
    assert "AgriVue" in fragment.text and "MédiLien" not in fragment.text
    by_sector = client.get("/startups?sector=Santé")
    assert "MédiLien" in by_sector.text and "AgriVue" not in by_sector.text


def test_the_partner_profile_lists_its_own_and_cohosted_upcoming_events_only(client, make):
    partner = make.partner(name="Médiathèque")
    other = make.partner(name="Chambre de commerce")
    make.event(organisation=partner, title="Atelier tablette", starts_in=timedelta(days=3))
    shared = make.event(
        organisation=other, title="Conférence partagée", starts_in=timedelta(days=5)
    )
    make.cohost(shared, partner)
    make.event(organisation=partner, title="Atelier passé", starts_in=timedelta(days=-3))
    make.event(organisation=other, title="Chez un autre partenaire")
    page = client.get(f"/partners/{partner.slug}").text
    assert page.index("Atelier tablette") < page.index("Conférence partagée")
    assert "Atelier passé" not in page and "Chez un autre partenaire" not in page


def test_the_partner_profile_lists_its_upcoming_events(client, make):
    partner = make.partner(name="Médiathèque de Tarentaize")
    make.event(organisation=partner, title="Atelier tablette pour débuter")
    page = client.get(f"/partners/{partner.slug}")
    assert page.status_code == 200
    assert "Atelier tablette pour débuter" in page.text


def test_an_owner_invites_and_the_invitee_joins_after_logging_in(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner, name="TextiLab")
    invitee = make.user(email="lea@example.org", locale="en")
    client.login(owner.email)
    response = client.submit(f"/manage/{startup.slug}/members/invite", {"email": "Lea@Example.org"})
    assert response.status_code == 303
    [message] = emails(app)
    assert message.recipient == "lea@example.org"
    assert message.subject == "Join TextiLab on Atelier Hub"
    link = re.search(r"https?://\S+/invitations/\S+", message.body_text).group(0)
    path = link.split("localhost", 1)[1]
    client.logout()

    anonymous = client.get(path)
    assert anonymous.status_code == 200
    assert "Connectez-vous avec lea@example.org" in anonymous.text

    client.login(invitee.email)
    joined = client.submit(path)
    assert joined.status_code == 303
    assert joined.headers["Location"] == f"/manage/{startup.slug}"
    with app.app_context():
        roles = db.session.execute(sa.select(Membership.user_id, Membership.role)).all()
        assert sorted(roles) == sorted(
            [(owner.id, MembershipRole.OWNER), (invitee.id, MembershipRole.MEMBER)]
        )
    again = client.get(path)
    assert again.status_code == 410
    assert "This invitation has already been used or withdrawn." in again.text


def test_an_invitation_sent_to_someone_else_cannot_be_used(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    other = make.user()
    client.login(owner.email)
    client.submit(f"/manage/{startup.slug}/members/invite", {"email": "new@example.org"})
    body = emails(app)[0].body_text
    path = re.search(r"/invitations/\S+", body).group(0)
    client.logout()
    client.login(other.email)
    refused = client.submit(path)
    assert refused.status_code == 403
    assert "Cette invitation a été envoyée à new@example.org" in refused.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 1


def test_a_new_account_finds_its_invitation_in_my_space(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner, name="MédiLien")
    client.login(owner.email)
    client.submit(f"/manage/{startup.slug}/members/invite", {"email": "nora@example.org"})
    client.logout()
    newcomer = make.user(email="nora@example.org")
    client.login(newcomer.email)
    page = client.get("/account/")
    assert "MédiLien vous invite à la rejoindre." in page.text
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    response = client.submit(f"/account/invitations/{invitation_id}/accept")
    assert response.headers["Location"] == f"/manage/{startup.slug}"


def test_the_owner_hands_over_and_removes_members(client, make, app):
    owner = make.user()
    colleague = make.user(name="Hugo Perrin")
    third = make.user()
    startup = make.startup(owner=owner, members=(colleague, third))
    with app.app_context():
        memberships = {m.user_id: m.id for m in db.session.scalars(sa.select(Membership)).all()}
    client.login(owner.email)
    removed = client.submit(f"/manage/{startup.slug}/members/{memberships[third.id]}/remove")
    assert removed.status_code == 303
    handed = client.submit(f"/manage/{startup.slug}/members/{memberships[colleague.id]}/owner")
    assert handed.status_code == 303
    with app.app_context():
        roles = dict(db.session.execute(sa.select(Membership.user_id, Membership.role)).all())
    kinds = [message.kind for message in emails(app)]
    assert roles == {owner.id: MembershipRole.MEMBER, colleague.id: MembershipRole.OWNER}
    assert kinds == ["organisation_ownership"]
    # Now a plain member, the former owner may no longer remove anyone.
    refused = client.submit(f"/manage/{startup.slug}/members/{memberships[colleague.id]}/remove")
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"])
    assert "Seul·e le ou la propriétaire peut gérer les membres." in page.text


def test_the_owner_cannot_be_removed(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    with app.app_context():
        membership_id = db.session.scalar(sa.select(Membership.id))
    client.login(owner.email)
    response = client.submit(f"/manage/{startup.slug}/members/{membership_id}/remove")
    page = client.get(response.headers["Location"])
    assert "transmettez d’abord la propriété" in page.text


def test_staff_verify_an_organisation_and_its_members_are_told(client, make, app):
    staff = make.staff()
    startup = make.startup(name="Kiosque civique", verified=False, owner=make.user())
    client.login(staff.email)
    listing = client.get("/staff/organisations")
    assert "Kiosque civique" in listing.text
    response = client.submit(f"/staff/organisations/{startup.id}/verify")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Organisation, startup.id).verified_at is not None
    [message] = emails(app)
    assert message.kind == "organisation_verified"
    assert client.get(f"/startups/{startup.slug}").status_code == 200
    assert (
        "Aucune organisation n’attend de vérification." in client.get("/staff/organisations").text
    )


def test_the_owner_withdraws_an_invitation_and_its_link_stops_working(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    client.login(owner.email)
    client.submit(f"/manage/{startup.slug}/members/invite", {"email": "paul@example.org"})
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    body = emails(app)[0].body_text
    response = client.submit(f"/manage/{startup.slug}/invitations/{invitation_id}/revoke")
    assert (
        "L’invitation envoyée à paul@example.org est retirée."
        in client.get(response.headers["Location"]).text
    )
    path = re.search(r"/invitations/\S+", body).group(0)
    assert client.get(path).status_code == 410


def test_a_member_leaves_the_organisation(client, make, app):
    owner = make.user()
    member = make.user()
    startup = make.startup(owner=owner, members=(member,))
    with app.app_context():
        membership_id = db.session.scalar(
            sa.select(Membership.id).where(Membership.user_id == member.id)
        )
    client.login(member.email)
    response = client.submit(f"/manage/{startup.slug}/members/{membership_id}/remove")
    assert response.headers["Location"] == "/account/"
    assert client.get(f"/manage/{startup.slug}").status_code == 404
