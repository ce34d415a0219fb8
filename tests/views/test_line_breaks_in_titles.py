"""A carriage return, a vertical tab (Word's soft break) or U+2028 in a title or a name:
cleaned where it comes in, and never breaking an email's headers or a feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import sqlalchemy as sa

from hub.extensions import db
from hub.mail.delivery import deliver_pending
from hub.models import Event, MessageStatus, Organisation, OutboxMessage
from hub.text import clean_lines, one_line, xml_safe
from tests.support import emails
from tests.views.test_event_hosting import proposal

# PostgreSQL stores no NUL byte; escape (\x1b) is as forbidden in XML and in a header.
BROKEN = "Atelier\rnuméro\x0bun\u2028deux\x1b"
ATOM = "{http://www.w3.org/2005/Atom}"


def stored(app, model, column):
    with app.app_context():
        return db.session.scalars(sa.select(column)).all()


def test_one_line_text_turns_every_line_break_and_control_character_into_a_space():
    assert one_line(" Atelier\r\nnuméro\x0bun\u2028deux\x85trois\x1f ") == (
        "Atelier numéro un deux trois"
    )
    assert one_line("Café\u00a0: «\u202fok\u202f»") == "Café\u00a0: «\u202fok\u202f»"


def test_text_of_several_lines_keeps_its_lines_as_newlines_and_drops_control_characters():
    assert clean_lines("un\r\ndeux\rtrois\x0bquatre\u2028cinq\x00\x07\tsix") == (
        "un\ndeux\ntrois\nquatre\ncinq\tsix"
    )


def test_xml_safe_removes_what_xml_forbids_and_keeps_the_rest():
    assert xml_safe("a\x0bb\x00c\x1fd\ufffee\U0001f600\t\n") == "abcde\U0001f600\t\n"


def test_an_event_title_is_stored_on_one_line(app, client, make):
    staff = make.staff(email="staff@example.org")
    partner = make.partner("Fabrique", owner=staff)
    space = make.space()
    client.login(staff.email)
    title = "Atelier\rnuméro\x0bun\u2028deux"
    data = proposal(space, organisation=partner, title=title, description="un\r\ndeux\x0btrois")
    assert client.submit("/staff/events/new", data).status_code == 303
    assert stored(app, Event, Event.title) == ["Atelier numéro un deux"]
    assert stored(app, Event, Event.description) == ["un\ndeux\ntrois"]


def test_an_organisation_name_is_stored_on_one_line(app, client, make):
    owner = make.user(email="owner@example.org")
    startup = make.startup("ÉcoTrace", owner=owner)
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/profile",
        {"name": "Éco\u2028Trace\x0b", "tagline": "Mesurer\rl'empreinte", "stage": "launched"},
    )
    assert response.status_code == 303
    assert stored(app, Organisation, Organisation.name) == ["Éco Trace"]
    assert stored(app, Organisation, Organisation.tagline) == ["Mesurer l'empreinte"]


def test_an_email_about_an_event_stored_with_line_breaks_is_sent_with_a_one_line_subject(
    app, client, make
):
    # Stored before titles were cleaned, or by a command: the email must still go.
    event = make.event(title=BROKEN)
    response = client.submit(
        f"/events/{event.slug}/register",
        {"name": "Sam Durand", "email": "sam@example.org", "consent": "y"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert deliver_pending(app) == (1, 0)
    assert stored(app, OutboxMessage, OutboxMessage.status) == [MessageStatus.SENT]
    [message] = emails(app, "sam@example.org")
    assert "Atelier numéro un deux" in message.subject
    assert "\r" not in message.subject and "\x0b" not in message.subject


def test_the_feed_stays_valid_xml_whatever_a_title_or_a_name_carries(client, make):
    startup = make.startup("Éco\x0bTrace\x0c")
    make.innovation(startup, "Vélo\x0bcargo\u2028", summary="Léger\x1b et sobre")
    make.event(title=BROKEN, description="Un\x0batelier")
    response = client.get("/feed.atom")
    feed = ET.fromstring(response.data)  # noqa: S314 (our own output)
    entries = feed.findall(f"{ATOM}entry")
    titles = sorted(entry.find(f"{ATOM}title").text for entry in entries)
    # What XML forbids is gone; a carriage return reads as a line feed in XML.
    assert titles == ["Atelier\nnuméroun\u2028deux", "Vélocargo\u2028"]


def test_the_sitemap_is_valid_xml(client, make):
    make.innovation(make.startup("Éco\x0bTrace"), "Vélo\x0bcargo")
    make.event(title=BROKEN)
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 (our own output)
    assert len(sitemap) > 3
