"""French demo content: fictional venues, organisations and people.

Idempotent: everything is looked up by its slug or email before it is created, so running
seed-demo twice changes nothing. Each area adds its part in a function of its own.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from hub.domain import audit
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Audience,
    CoHostState,
    Event,
    EventHost,
    EventKind,
    EventSeries,
    EventState,
    Feedback,
    Innovation,
    InnovationInterestDay,
    InnovationStatus,
    Lead,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Placement,
    Registration,
    RegistrationState,
    Review,
    Role,
    ShowcaseSlot,
    SlotStatus,
    Space,
    SpaceKind,
    Stand,
    StartupStage,
    User,
    Venue,
    utcnow,
)

STAFF_EMAIL = "equipe@atelier-hub.example"

VENUES = [
    (
        "saint-etienne", "Atelier numérique de Saint-Étienne", "Saint-Étienne",
        "12 place de l'Hôtel de Ville, 42000 Saint-Étienne",
        [
            ("Salle de conférence Manufacture", SpaceKind.CONFERENCE_ROOM, 80),
            ("Salle de formation Jacquard", SpaceKind.TRAINING_ROOM, 16),
            ("Salle de formation Ozanam", SpaceKind.TRAINING_ROOM, 12),
            ("Stand 1", SpaceKind.STAND, 4),
            ("Stand 2", SpaceKind.STAND, 4),
            ("Espace démo", SpaceKind.STAND, 6),
        ],
    ),
    ("rennes", "Atelier numérique de Rennes", "Rennes", "5 quai Lamartine, 35000 Rennes",
     [("Auditorium", SpaceKind.CONFERENCE_ROOM, 120), ("Salle Vilaine", SpaceKind.TRAINING_ROOM, 14)]),
    ("montpellier", "Atelier numérique de Montpellier", "Montpellier",
     "18 rue de la Loge, 34000 Montpellier",
     [("Salle Comédie", SpaceKind.CONFERENCE_ROOM, 60), ("Labo", SpaceKind.TRAINING_ROOM, 12)]),
    ("nancy", "Atelier numérique de Nancy", "Nancy", "3 place Stanislas, 54000 Nancy",
     [("Grande salle", SpaceKind.CONFERENCE_ROOM, 70), ("Salle Art nouveau", SpaceKind.TRAINING_ROOM, 12)]),
]  # fmt: skip

# How to get there, shown on event pages and in reminders.
VENUE_ACCESS = {
    "saint-etienne": "Tram T1, T2 ou T3, arrêt Hôtel de Ville. Parkings Hôtel de Ville et Jean Jaurès. "
                     "Entrée de plain-pied par la rue de la Résistance ; ascenseur jusqu'aux salles de formation.",
    "rennes": "Métro ligne A, station République, puis 5 minutes à pied le long de la Vilaine.",
    "montpellier": "Tram 1 ou 2, arrêt Comédie. Accès de plain-pied, boucle magnétique à l'accueil.",
    "nancy": "Tram T1, arrêt Point Central, puis la rue Héré jusqu'à la place.",
}  # fmt: skip

STARTUPS = [
    ("ecotrace", "ÉcoTrace", "Mesurer l'empreinte carbone des commerces de proximité",
     "Saint-Étienne", ["Climat", "Commerce"], StartupStage.LAUNCHED, "camille.roux@ecotrace.example"),
    ("textilab", "TextiLab", "Le textile intelligent, tissé à Saint-Étienne",
     "Saint-Étienne", ["Industrie", "Design"], StartupStage.PROTOTYPE, "hugo.perrin@textilab.example"),
    ("cyclopolis", "Cyclopolis", "Des vélos cargo partagés pour les livraisons du dernier kilomètre",
     "Saint-Étienne", ["Mobilité", "Logistique"], StartupStage.SCALING, "lea.fabre@cyclopolis.example"),
    ("medilien", "MédiLien", "Relier les aidants et les soignants à domicile",
     "Saint-Étienne", ["Santé", "Social"], StartupStage.LAUNCHED, "nora.benali@medilien.example"),
    ("agrivue", "AgriVue", "Des capteurs à bas coût pour les maraîchers du Forez",
     "Montbrison", ["Agriculture", "Objets connectés"], StartupStage.PROTOTYPE, "julien.masson@agrivue.example"),
    ("kiosque-civique", "Kiosque civique", "Rendre les démarches en ligne accessibles à tous",
     "Firminy", ["Inclusion numérique", "Services publics"], StartupStage.IDEA, "sarah.giraud@kiosque.example"),
]  # fmt: skip

PARTNERS = [
    ("cci-lyon-metropole", "CCI Lyon Métropole Saint-Étienne Roanne",
     "Accompagner les entreprises du territoire", "Saint-Étienne", ["Entreprises", "Formation"],
     "marc.delorme@cci.example"),
    ("french-tech-saint-etienne", "French Tech Saint-Étienne",
     "Le réseau des startups stéphanoises", "Saint-Étienne", ["Startups", "Réseau"],
     "ines.chabert@frenchtech.example"),
    ("mediatheque-tarentaize", "Médiathèque de Tarentaize",
     "Lire, apprendre et se former, pour tous", "Saint-Étienne", ["Culture", "Inclusion numérique"],
     "paul.vial@mediatheque.example"),
    ("ecole-design", "École supérieure d'art et design",
     "Former les designers de demain", "Saint-Étienne", ["Design", "Enseignement"],
     "chloe.bertrand@esad.example"),
]  # fmt: skip


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def _user(email: str, name: str, password: str, role: Role = Role.MEMBER) -> tuple[User, bool]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(email=email, name=name, role=role, locale="fr", email_confirmed_at=utcnow())
    user.set_password(password)
    db.session.add(user)
    return user, True


def _organisation(kind, slug, name, tagline, city, sectors, stage, owner) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        organisation = Organisation(
            kind=kind,
            slug=slug,
            name=name,
            tagline=tagline,
            city=city,
            sectors=sectors,
            stage=stage,
            verified_at=utcnow(),
            description=f"**{name}** — {tagline}.\n\nBasée à {city}, l'équipe présente régulièrement "
            "son travail à l'atelier numérique.",
            website=f"https://{slug}.example",
        )
        organisation.memberships.append(Membership(user=owner, role=MembershipRole.OWNER))
        db.session.add(organisation)
    return organisation


def seed_venues() -> list[Venue]:
    venues = []
    for slug, name, city, address, spaces in VENUES:
        venue = db.session.scalar(sa.select(Venue).where(Venue.slug == slug))
        if venue is None:
            venue = Venue(slug=slug, name=name, city=city, address=address)
            db.session.add(venue)
        if not venue.access_notes:
            venue.access_notes = VENUE_ACCESS.get(slug, "")
        known = {space.name for space in venue.spaces}
        for space_name, kind, capacity in spaces:
            if space_name not in known:
                venue.spaces.append(Space(name=space_name, kind=kind, capacity=capacity))
        venues.append(venue)
    return venues


def seed_demo() -> list[str]:
    """Create what is missing of the demo content; returns lines to print."""
    report = []
    staff_password = secrets.token_urlsafe(12)
    member_password = secrets.token_urlsafe(12)
    staff, created = _user(STAFF_EMAIL, "Équipe de l'atelier", staff_password, Role.STAFF)
    if created:
        report.append(f"Staff account: {STAFF_EMAIL} / {staff_password}")
    else:
        report.append(f"Staff account {STAFF_EMAIL} already exists (password unchanged).")
    seed_venues()

    new_members = []
    for slug, name, tagline, city, sectors, stage, email in STARTUPS:
        owner, created = _user(email, _person_name(email), member_password)
        new_members += [email] if created else []
        _organisation(OrganisationKind.STARTUP, slug, name, tagline, city, sectors, stage, owner)
    for slug, name, tagline, city, sectors, email in PARTNERS:
        owner, created = _user(email, _person_name(email), member_password)
        new_members += [email] if created else []
        _organisation(OrganisationKind.PARTNER, slug, name, tagline, city, sectors, None, owner)
    db.session.flush()
    seed_events(staff)
    if new_members:
        report.append(f"Member accounts (password {member_password}): " + ", ".join(new_members))
        audit.record(staff, "demo.seeded", staff, members=len(new_members))
    report += seed_showcase(staff, member_password)
    report += seed_programme()
    report += seed_reviews(staff)
    # Featured last: it picks among the innovations the showcase part published.
    report += seed_featured(staff)
    report += seed_figures_year(staff)
    report += seed_pictures()
    report += seed_series(staff)
    report += seed_privacy()
    report.append("Demo content is in place.")
    return report


def seed_programme() -> list[str]:
    """Stands in the demo space; the past and next demo days with pitches and placements."""
    space = db.session.scalar(
        sa.select(Space)
        .join(Space.venue)
        .where(Venue.slug == "saint-etienne", Space.name == "Espace démo")
    )
    if space is None:
        return []
    for position, (name, row, column) in enumerate(STANDS, start=1):
        exists = db.session.scalar(
            sa.select(Stand).where(Stand.space_id == space.id, Stand.name == name)
        )
        if exists is None:
            db.session.add(
                Stand(space=space, name=name, position=position, grid_row=row, grid_column=column)
            )
    db.session.flush()
    stands = list(
        db.session.scalars(
            sa.select(Stand).where(Stand.space_id == space.id).order_by(Stand.position)
        )
    )
    placed = 0
    for theme, *_rest in SLOTS[:2]:
        slot = db.session.scalar(sa.select(ShowcaseSlot).where(ShowcaseSlot.theme == theme))
        if slot is None or slot.first_pitch_at is not None:
            continue
        slot.first_pitch_at = slot.starts_at + timedelta(minutes=30)
        seated = db.session.scalars(
            sa.select(Application)
            .where(
                Application.slot_id == slot.id,
                Application.state.in_((ApplicationState.ACCEPTED, ApplicationState.CONFIRMED)),
            )
            .order_by(Application.id)
        )
        for number, (application, stand) in enumerate(zip(seated, stands, strict=False), 1):
            db.session.add(
                Placement(
                    application_id=application.id,
                    slot_id=slot.id,
                    stand_id=stand.id,
                    pitch_number=number,
                )
            )
            placed += 1
    db.session.flush()
    _demo_leads()
    return [f"Demo day programme: {placed} startups placed on stands."] if placed else []


def seed_reviews(staff: User) -> list[str]:
    """A second reviewer's scores on the open demo day; the team's own on one of them, so
    the queue shows an average there and hidden scores elsewhere."""
    slot = db.session.scalar(sa.select(ShowcaseSlot).where(ShowcaseSlot.theme == SLOTS[2][0]))
    if slot is None or db.session.scalar(
        sa.select(Review.id).join(Review.application).where(Application.slot_id == slot.id)
    ):
        return []
    reviewer, _created = _user(
        "nadia.berger@atelier-hub.example",
        "Nadia Berger",
        secrets.token_urlsafe(16),
        Role.STAFF,
    )
    db.session.flush()
    submitted = db.session.scalars(
        sa.select(Application)
        .where(Application.slot_id == slot.id, Application.state == ApplicationState.SUBMITTED)
        .order_by(Application.id)
    ).all()
    scores = [
        (reviewer, 4, "Démo concrète, public large."),
        (reviewer, 3, "À préciser : que verra-t-on sur le stand ?"),
    ]
    for application, (who, score, comment) in zip(submitted, scores, strict=False):
        db.session.add(Review(application=application, reviewer=who, score=score, comment=comment))
    if submitted:
        db.session.add(
            Review(application=submitted[0], reviewer=staff, score=5, comment="Très pertinent.")
        )
    db.session.flush()
    return ["Reviews: a second reviewer scored the open demo day's applications."]


def _demo_leads() -> None:
    """Visitors of the past demo day who left their email for a startup, by choice."""
    slot = db.session.scalar(sa.select(ShowcaseSlot).where(ShowcaseSlot.theme == SLOTS[0][0]))
    if slot is None or db.session.scalar(sa.select(Lead.id).where(Lead.slot_id == slot.id)):
        return
    seated = db.session.scalars(
        sa.select(Application)
        .where(Application.slot_id == slot.id, Application.state == ApplicationState.CONFIRMED)
        .order_by(Application.id)
    ).all()
    visitors = ["lea.martin@example.org", "hugo.bernard@example.org", "ines.petit@example.org"]
    for application, emails in zip(seated, (visitors, visitors[:1]), strict=False):
        for email in emails:
            db.session.add(
                Lead(
                    application=application,
                    slot_id=slot.id,
                    email=email,
                    consent=f"J’accepte que {application.organisation.name} reçoive mon adresse "
                    "e-mail pour me contacter au sujet de "
                    f"{application.innovation.title}. Atelier Hub l’efface 90 jours après le "
                    "démo day.",
                    created_at=slot.starts_at + timedelta(hours=1),
                )
            )
    db.session.flush()


DEMO_SERIES = "cafe-numerique-du-jeudi"
DEMO_COURSE = "parcours-bureautique-debutants"


def seed_series(staff: User) -> list[str]:
    """A weekly series (each date booked on its own) and a course of four sessions booked
    as a whole, with bookings; each date keeps its own seats."""
    from datetime import date as date_type

    from hub.domain.events import proposals, series
    from hub.domain.figures import counters
    from hub.text import slugify

    if db.session.scalar(sa.select(EventSeries.id).where(EventSeries.slug == DEMO_SERIES)):
        return []
    venue = db.session.scalar(sa.select(Venue).where(Venue.slug == "saint-etienne"))
    rooms = {space.name: space for space in venue.spaces}
    mediatheque = db.session.scalar(
        sa.select(Organisation).where(Organisation.slug == "mediatheque-tarentaize")
    )
    today = datetime.now(ZoneInfo(venue.timezone)).date()

    def next_weekday(weekday: int, weeks_ahead: int = 0) -> date_type:
        return today + timedelta(days=(weekday - today.weekday()) % 7 or 7, weeks=weeks_ahead)

    def details(title, description, room, capacity, kind="training"):
        return proposals.EventDetails(
            title=title, description=description, kind=kind, audience="residents",
            language="fr", space_id=rooms[room].id, starts_at=None, ends_at=None,
            capacity=capacity,
        )  # fmt: skip

    weekly = series.create_series(
        staff,
        details("Café numérique du jeudi", "Une heure pour poser **toutes** vos questions "
                "sur l'ordinateur, la tablette ou le téléphone.", "Salle de formation Ozanam",
                12, kind="meetup"),
        series.SeriesRule(starts=time(18), ends=time(19, 30), first_date=next_weekday(3),
                          weeks=8),
        organisation=mediatheque,
    )  # fmt: skip
    course = series.create_series(
        staff,
        details("Parcours bureautique pour débuter", "Quatre séances qui se suivent : le "
                "clavier et la souris, les fichiers, le traitement de texte, le tableur.",
                "Salle de formation Jacquard", 6),
        series.SeriesRule(starts=time(17, 30), ends=time(19, 30), dates=tuple(
            next_weekday(2, weeks) for weeks in (1, 2, 3, 4))),
        organisation=mediatheque,
        is_course=True,
    )  # fmt: skip
    course.slug = DEMO_COURSE
    # Six people booked the whole course (every seat), two wait for a seat in every session.
    for number in range(8):
        first = FIRST_NAMES[(number * 3) % len(FIRST_NAMES)]
        last = LAST_NAMES[(number * 5 + 2) % len(LAST_NAMES)]
        seated = number < 6
        for session in course.events:
            booked = Registration(
                event_id=session.id, name=f"{first} {last}",
                email=f"{slugify(first)}.{slugify(last)}.parcours@exemple.fr", consent=True,
                locale="fr", token=secrets.token_urlsafe(32),
                state=RegistrationState.CONFIRMED if seated else RegistrationState.WAITLISTED,
                confirmed_at=utcnow() if seated else None,
            )  # fmt: skip
            booked.course = course
            db.session.add(booked)
    db.session.flush()
    counters.rebuild_event_figures([*weekly.events, *course.events])
    return [f"Series: /series/{weekly.slug} (8 dates), course: /series/{course.slug} (4 sessions)."]


def _person_name(email: str) -> str:
    first, _, last = email.split("@")[0].partition(".")
    return f"{first.capitalize()} {last.capitalize()}".strip()


# --- Events: co-hosted trainings, workshops and conferences in Saint-Étienne -------------

FIRST_NAMES = ["Camille", "Louis", "Manon", "Hugo", "Léa", "Nathan", "Chloé", "Théo", "Inès",
               "Lucas", "Sarah", "Jules", "Emma", "Adam", "Jade", "Noah", "Lina", "Arthur"]  # fmt: skip
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Faure"]  # fmt: skip

# slug, title, kind, audience, room, days from today, local start/end (h, m), capacity,
# host partner, co-hosts, registrations (people beyond capacity go on the waiting list), state
DEMO_EVENTS = [
    ("initiation-numerique-seniors", "Initiation au numérique pour les seniors", "training", "residents",
     "Salle de formation Ozanam", 5, (14, 0), (16, 0), 12, "mediatheque-tarentaize", ["cci-lyon-metropole"], 11, "published"),
    ("prendre-en-main-son-smartphone", "Atelier : bien prendre en main son smartphone", "workshop", "residents",
     "Salle de formation Ozanam", 1, (14, 0), (16, 0), 10, "mediatheque-tarentaize", [], 8, "published"),
    ("creer-le-site-de-son-commerce", "Atelier : créer le site de son commerce", "workshop", "professionals",
     "Salle de formation Jacquard", 8, (9, 30), (12, 30), 16, "cci-lyon-metropole", ["french-tech-saint-etienne"], 20, "published"),
    ("ia-au-service-des-pme", "Conférence : l'IA au service des PME", "conference", "professionals",
     "Salle de conférence Manufacture", 15, (18, 0), (20, 0), 80, "french-tech-saint-etienne", ["cci-lyon-metropole", "ecole-design"], 34, "published"),
    ("interfaces-accessibles", "Atelier : concevoir des interfaces accessibles", "workshop", "everyone",
     "Salle de formation Jacquard", 22, (14, 0), (17, 0), 14, "ecole-design", ["mediatheque-tarentaize"], 5, "published"),
    ("entreprendre-dans-le-numerique", "Rencontre : entreprendre dans le numérique", "meetup", "everyone",
     "Salle de conférence Manufacture", 30, (18, 30), (20, 30), 60, "french-tech-saint-etienne", [], 0, "published"),
    ("reseaux-sociaux-associations", "Atelier : les réseaux sociaux pour les associations", "workshop", "residents",
     "Salle de formation Ozanam", 40, (10, 0), (12, 0), 12, "mediatheque-tarentaize", [], 0, "proposed"),
    ("securiser-ses-mots-de-passe", "Formation : sécuriser ses mots de passe", "training", "residents",
     "Salle de formation Ozanam", -10, (14, 0), (16, 0), 12, "mediatheque-tarentaize", ["cci-lyon-metropole"], 12, "published"),
    ("dix-ans-french-tech", "Conférence : dix ans de French Tech à Saint-Étienne", "conference", "everyone",
     "Salle de conférence Manufacture", -20, (18, 0), (20, 0), 80, "french-tech-saint-etienne", ["ecole-design"], 58, "published"),
]  # fmt: skip

# Offers a freed seat with a deadline: one person cancelled, the first one waiting has an offer.
OFFERING_EVENT = "creer-le-site-de-son-commerce"
# Up to three places per registration, and someone who brought two others.
GROUP_EVENT = "interfaces-accessibles"
# A past event where people were added at the door.
WALK_IN_EVENT = "dix-ans-french-tech"


def _offer_a_freed_seat(event: Event | None) -> None:
    if event is None:
        return
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    waiting = [r for r in registrations if r.state == RegistrationState.WAITLISTED]
    if not waiting:
        return
    registrations[0].state = RegistrationState.CANCELLED
    registrations[0].cancelled_at = utcnow() - timedelta(hours=3)
    waiting[0].offered_at = registrations[0].cancelled_at
    waiting[0].offer_expires_at = waiting[0].offered_at + timedelta(hours=event.offer_hours)


DEMO_DESCRIPTION = (
    "{title}.\n\n"
    "Un rendez-vous **gratuit** à l'atelier numérique, ouvert à tous dans la limite des places.\n\n"
    "- des exemples concrets et des exercices sur ordinateur ;\n"
    "- du temps pour vos questions ;\n"
    "- un support à emporter.\n\n"
    "Apportez votre ordinateur portable si vous en avez un ; sinon, nous vous en prêtons un."
)


def seed_events(staff: User) -> int:
    """Co-hosted events, upcoming and past, with registrations and a waiting list."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from hub.text import slugify

    venue = db.session.scalar(sa.select(Venue).where(Venue.slug == "saint-etienne"))
    rooms = {space.name: space for space in venue.spaces}
    partners = {
        organisation.slug: organisation
        for organisation in db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrganisationKind.PARTNER)
        )
    }
    zone = ZoneInfo(venue.timezone)
    today = datetime.now(zone).date()
    from hub.domain.figures import counters

    created = []
    for (slug, title, kind, audience, room, days, start, end, capacity, host, cohosts,
         registrants, state) in DEMO_EVENTS:  # fmt: skip
        if db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is not None:
            continue
        day = today + timedelta(days=days)
        starts_at = datetime(day.year, day.month, day.day, *start, tzinfo=zone).astimezone(UTC)
        ends_at = datetime(day.year, day.month, day.day, *end, tzinfo=zone).astimezone(UTC)
        event = Event(
            slug=slug,
            title=title,
            description=DEMO_DESCRIPTION.format(title=title),
            kind=EventKind(kind),
            audience=Audience(audience),
            language="fr",
            space=rooms[room],
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            registration_closes_at=starts_at - timedelta(hours=2) if days > 0 else None,
            state=EventState(state),
            organisation=partners[host],
            created_by_id=partners[host].memberships[0].user_id,
            published_at=utcnow() if state == "published" else None,
            offer_hours=24 if slug == OFFERING_EVENT else None,
            max_places=3 if slug == GROUP_EVENT else 1,
        )
        for index, cohost in enumerate(cohosts):
            pending = state == "proposed" or index == 2
            event.hosts.append(
                EventHost(
                    organisation=partners[cohost],
                    state=CoHostState.INVITED if pending else CoHostState.ACCEPTED,
                    responded_at=None if pending else utcnow(),
                )
            )
        if state == "proposed":
            event.hosts.append(EventHost(organisation=partners["ecole-design"]))
        db.session.add(event)
        for number in range(registrants):
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number * 7 + len(slug)) % len(LAST_NAMES)]
            seated = number < capacity
            if days < 0:
                registration_state = (
                    RegistrationState.ATTENDED if number % 5 else RegistrationState.CONFIRMED
                )
            else:
                registration_state = (
                    RegistrationState.CONFIRMED if seated else RegistrationState.WAITLISTED
                )
            # Registered some days before, so the worker sends tomorrow's reminders.
            registered_at = min(utcnow() - timedelta(days=2), starts_at - timedelta(days=7))
            event_registration = Registration(
                created_at=registered_at,
                name=f"{first} {last}",
                email=f"{slugify(first)}.{slugify(last)}.{number}@exemple.fr",
                consent=True,
                locale="fr",
                state=registration_state,
                token=secrets.token_urlsafe(32),
                confirmed_at=registered_at if seated else None,
                attended_at=starts_at if registration_state == RegistrationState.ATTENDED else None,
            )
            if slug == GROUP_EVENT and number == 0:
                # Comes with two colleagues: one registration, three places.
                event_registration.places = 3
                event_registration.companions = "Jeanne Roux\nMarcel Roux"
            event_registration.event = event
            db.session.add(event_registration)
        if slug == WALK_IN_EVENT:
            # Two people came without registering; one left an email for the feedback.
            for name, email in (("Lucie Perrin", ""), ("Hugo Vidal", "hugo.vidal@exemple.fr")):
                walk_in = Registration(
                    name=name, email=email, consent=False, locale="fr", walk_in=True,
                    state=RegistrationState.ATTENDED, token=secrets.token_urlsafe(32),
                    created_at=starts_at, confirmed_at=starts_at, attended_at=starts_at,
                )  # fmt: skip
                walk_in.event = event
                db.session.add(walk_in)
        created.append(event)
    if created:
        db.session.flush()
        _offer_a_freed_seat(next((e for e in created if e.slug == OFFERING_EVENT), None))
        counters.rebuild_event_figures(created)
        audit.record(staff, "demo.events_seeded", staff, events=len(created))
        _thank_the_attendees("securiser-ses-mots-de-passe")
    return len(created)


def _thank_the_attendees(slug: str) -> None:
    """The hosts of a past event write to those who came (queued like any message)."""
    from hub.domain.events.messages import MessageDraft, send_message
    from hub.domain.events.queries import recipient_counts
    from hub.models import Event, EventMessage, MessageAudience

    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None or db.session.scalar(
        sa.select(sa.func.count()).where(EventMessage.event_id == event.id)
    ):
        return
    draft = MessageDraft(
        MessageAudience.ATTENDED,
        subject_fr="Merci d'être venus : les supports de l'atelier",
        body_fr=(
            "Merci pour votre participation à l'atelier sur les mots de passe.\n\n"
            "Vous trouverez les supports à la médiathèque et sur notre site. "
            "Prochain rendez-vous : l'initiation au numérique, dans quelques jours."
        ),
    )
    host = event.organisation.memberships[0].user
    send_message(host, event, draft, recipient_counts(event)[MessageAudience.ATTENDED])


# Demo slots, innovations and applications -------------------------------------------------

# The stands of the demo space, on a plan of two rows: (name, row, column).
STANDS = [("1", 1, 1), ("2", 1, 2), ("3", 1, 3), ("4", 2, 1), ("5", 2, 2), ("Fenêtre", 2, 3)]

INNOVATIONS = {
    "ecotrace": ("ecotrace-compteur-carbone", "Compteur carbone en boutique",
                 "Un boîtier et un tableau de bord qui estiment l'empreinte carbone d'un commerce, rayon par rayon."),
    "textilab": ("textilab-tissu-chauffant", "Tissu chauffant basse tension",
                 "Un textile tissé à Saint-Étienne qui chauffe sans fil apparent, pour les vêtements de travail."),
    "cyclopolis": ("cyclopolis-velo-cargo-partage", "Vélo cargo partagé",
                   "Des vélos cargo en libre-service pour les livraisons du dernier kilomètre."),
    "medilien": ("medilien-carnet-de-liaison", "Carnet de liaison numérique",
                 "Un carnet partagé entre aidants, infirmiers et familles, simple sur téléphone."),
    "agrivue": ("agrivue-sonde-humidite", "Sonde d'humidité à bas coût",
                "Une sonde connectée qui dit aux maraîchers quand arroser, alimentée par le soleil."),
    "kiosque-civique": ("kiosque-civique-borne", "Borne d'accompagnement aux démarches",
                        "Une borne qui guide pas à pas les démarches en ligne, avec un médiateur à distance."),
}  # fmt: skip

# theme, days from today, start hour, hours, seats, deadline (days before the slot), status,
# {startup slug: application state}
SLOTS = [
    ("Démo day — Commerce de proximité", -30, 14, 4, 3, 10, SlotStatus.CLOSED,
     {"ecotrace": ApplicationState.CONFIRMED, "textilab": ApplicationState.CONFIRMED,
      "kiosque-civique": ApplicationState.REJECTED}),
    ("Démo day — Climat et mobilité", 10, 14, 4, 3, 12, SlotStatus.CLOSED,
     {"ecotrace": ApplicationState.CONFIRMED, "cyclopolis": ApplicationState.CONFIRMED,
      "textilab": ApplicationState.ACCEPTED, "agrivue": ApplicationState.WAITLISTED,
      "medilien": ApplicationState.REJECTED, "kiosque-civique": ApplicationState.WITHDRAWN}),
    ("Démo day — Santé et inclusion numérique", 35, 14, 4, 3, 20, SlotStatus.OPEN,
     {"medilien": ApplicationState.SUBMITTED, "kiosque-civique": ApplicationState.DRAFT,
      "agrivue": ApplicationState.SUBMITTED, "ecotrace": ApplicationState.CANCELLED}),
    ("Démo day — Industrie et design", 60, 10, 3, 4, 40, SlotStatus.OPEN, {}),
]  # fmt: skip
PITCHES = {
    ApplicationState.DRAFT: "",
    ApplicationState.REJECTED: "Nous aimerions présenter notre projet, encore au stade de l'idée.",
}


def _local(days: int, hour: int):
    zone = ZoneInfo("Europe/Paris")
    day = (utcnow().astimezone(zone) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour), zone).astimezone(UTC)


def _innovation(organisation: Organisation) -> Innovation:
    slug, title, summary = INNOVATIONS[organisation.slug]
    innovation = db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
    if innovation is None:
        innovation = Innovation(
            organisation=organisation,
            slug=slug,
            title=title,
            summary=summary,
            description=f"{summary}\n\n**{organisation.name}** la présente à l'atelier numérique.",
            tags=list(organisation.sectors or []),
            status=InnovationStatus.PUBLISHED,
            published_at=utcnow(),
        )
        db.session.add(innovation)
    return innovation


def seed_showcase(staff: User, member_password: str) -> list[str]:
    """Innovations, past and open demo slots, and applications in every state."""
    startups = {
        organisation.slug: organisation
        for organisation in db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrganisationKind.STARTUP)
        )
    }
    innovations = {slug: _innovation(startups[slug]) for slug in INNOVATIONS if slug in startups}
    space = db.session.scalar(
        sa.select(Space)
        .join(Space.venue)
        .where(Venue.slug == "saint-etienne", Space.name == "Espace démo")
    )
    created = 0
    for theme, days, hour, hours, seats, deadline_days, status, applications in SLOTS:
        slot = db.session.scalar(sa.select(ShowcaseSlot).where(ShowcaseSlot.theme == theme))
        if slot is None:
            starts_at = _local(days, hour)
            slot = ShowcaseSlot(
                space=space,
                theme=theme,
                description="Les startups du territoire présentent leurs innovations au public, "
                "sur les stands de l'atelier. Entrée libre.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                application_deadline=_local(days - deadline_days, 18),
                seats=seats,
                status=status,
            )
            db.session.add(slot)
            created += 1
        db.session.flush()
        for slug, state in applications.items():
            organisation = startups.get(slug)
            if organisation is None:
                continue
            exists = db.session.scalar(
                sa.select(Application).where(
                    Application.slot_id == slot.id, Application.organisation_id == organisation.id
                )
            )
            if exists is None:
                submitted = state != ApplicationState.DRAFT
                db.session.add(
                    Application(
                        slot_id=slot.id,
                        organisation_id=organisation.id,
                        innovation=innovations[slug],
                        pitch=PITCHES.get(
                            state,
                            f"Nous ferons une démonstration en direct : "
                            f"{innovations[slug].title.lower()}.",
                        ),
                        needs="Un écran si possible.",
                        wants_power=True,
                        wants_table=True,
                        state=state,
                        submitted_at=slot.application_deadline - timedelta(days=3)
                        if submitted
                        else None,
                        waitlisted_at=utcnow() if state == ApplicationState.WAITLISTED else None,
                    )
                )
    newcomer, new_account = _user("yanis.roche@robotique-loire.example", "Yanis Roche",
                                  member_password)  # fmt: skip
    if (
        db.session.scalar(sa.select(Organisation).where(Organisation.slug == "robotique-loire"))
        is None
    ):
        startup = Organisation(
            kind=OrganisationKind.STARTUP, slug="robotique-loire", name="Robotique Loire",
            tagline="Des bras robotisés pour les petits ateliers", city="Saint-Chamond",
            sectors=["Industrie", "Robotique"], stage=StartupStage.IDEA,
        )  # fmt: skip
        startup.memberships.append(Membership(user=newcomer, role=MembershipRole.OWNER))
        db.session.add(startup)
    db.session.flush()
    report = []
    if created:
        audit.record(staff, "demo.showcase_seeded", staff, slots=created)
        report.append(f"Demo slots: {created} created (past, next and open, with applications).")
    if new_account:
        report.append(
            "An unverified startup waits for the team: yanis.roche@robotique-loire.example "
            f"(password {member_password})."
        )
    return report


def seed_featured(staff: User, count: int = 3) -> list[str]:
    """Feature a few public innovations on the home page, if staff have featured none yet."""
    from hub.domain.innovations.featuring import feature_innovation
    from hub.domain.innovations.queries import featured_innovations, public_innovations

    db.session.flush()
    if featured_innovations():
        return []
    candidates = db.session.scalars(
        public_innovations().order_by(None).order_by(Innovation.id).limit(count)
    ).all()
    for innovation in candidates:
        feature_innovation(staff, innovation)
    return [f"Featured innovations: {len(candidates)}."] if candidates else []


# A year of figures: past events in every venue, people who come back, feedback ----------

# title, kind, audience, venue slug, room, host partner, co-host, capacity, local hour
YEAR_EVENTS = [
    ("Premiers pas sur ordinateur", "training", "residents", "saint-etienne", "Salle de formation Ozanam", "mediatheque-tarentaize", None, 12, 14),
    ("Faire ses démarches en ligne", "workshop", "residents", "saint-etienne", "Salle de formation Jacquard", "mediatheque-tarentaize", "cci-lyon-metropole", 16, 10),
    ("Vendre en ligne quand on est commerçant", "training", "professionals", "saint-etienne", "Salle de formation Jacquard", "cci-lyon-metropole", None, 16, 9),
    ("Les rendez-vous de la French Tech", "meetup", "everyone", "saint-etienne", "Salle de conférence Manufacture", "french-tech-saint-etienne", "ecole-design", 80, 18),
    ("Design et accessibilité numérique", "conference", "professionals", "rennes", "Auditorium", "ecole-design", None, 120, 18),
    ("Protéger ses données personnelles", "workshop", "everyone", "montpellier", "Labo", None, None, 12, 14),
    ("Tableur pour les associations", "training", "residents", "nancy", "Salle Art nouveau", "mediatheque-tarentaize", None, 12, 10),
]  # fmt: skip
YEAR_COMMENTS = [
    "Très clair, merci à l'animatrice !",
    "Un peu rapide pour moi, mais j'ai appris beaucoup.",
    "Exactement ce qu'il me fallait pour mon commerce.",
    "La salle était trop petite pour tout le monde.",
    "J'aimerais une suite à cet atelier.",
    "",
    "",
]
YEAR_PEOPLE = 140  # a pool of residents: some come once, some come back


def seed_figures_year(staff: User) -> list[str]:
    """Twelve months of past events (registrations, check-ins, feedback), demo days and
    interest, so that the figures pages have something to show. Created once."""
    import random

    from hub.domain.figures import counters
    from hub.text import slugify

    if db.session.scalar(sa.select(Event.id).where(Event.slug.like("annee-%")).limit(1)):
        return []
    rng = random.Random(2026)  # noqa: S311 — demo content, the same on every run
    partners = {
        organisation.slug: organisation
        for organisation in db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrganisationKind.PARTNER)
        )
    }
    rooms = {
        (space.venue.slug, space.name): space for space in db.session.scalars(sa.select(Space))
    }
    people = [
        (
            f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 5) % len(LAST_NAMES)]}",
            f"{slugify(FIRST_NAMES[n % len(FIRST_NAMES)])}.{n}@habitant.example",
        )
        for n in range(YEAR_PEOPLE)
    ]
    events = []
    for week in range(2, 52):  # every week of the past year, one or two events
        for index in rng.sample(range(len(YEAR_EVENTS)), rng.choice((1, 1, 2))):
            title, kind, audience, venue, room, host, cohost, capacity, hour = YEAR_EVENTS[index]
            space = rooms[venue, room]
            starts_at = _local(-7 * week + index % 5, hour)
            event = Event(
                slug=f"annee-{week}-{index}",
                title=title,
                description=DEMO_DESCRIPTION.format(title=title),
                kind=EventKind(kind),
                audience=Audience(audience),
                space=space,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                capacity=capacity,
                state=EventState.PUBLISHED,
                organisation=partners.get(host),
                published_at=starts_at - timedelta(days=30),
            )
            if cohost:
                event.hosts.append(
                    EventHost(organisation=partners[cohost], state=CoHostState.ACCEPTED)
                )
            db.session.add(event)
            db.session.flush()
            _year_registrations(event, rng.sample(people, min(len(people), capacity + 4)), rng)
            events.append(event)
    db.session.flush()
    for event in events:
        attendees = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id,
                Registration.state == RegistrationState.ATTENDED,
            )
        ).all()
        for registration in attendees[: len(attendees) * 2 // 3]:
            db.session.add(
                Feedback(
                    event_id=event.id,
                    registration_id=registration.id,
                    rating=rng.choice((3, 4, 4, 5, 5, 5, 2)),
                    comment=rng.choice(YEAR_COMMENTS),
                    created_at=event.ends_at + timedelta(days=1),
                    updated_at=event.ends_at + timedelta(days=1),
                )
            )
    db.session.flush()
    counters.rebuild_event_figures(events)
    _past_demo_days()
    for innovation in db.session.scalars(sa.select(Innovation)):
        total = 0
        for days_ago in sorted(rng.sample(range(1, 360), 12)):
            clicks = rng.randint(1, 6)
            total += clicks
            db.session.add(
                InnovationInterestDay(
                    innovation_id=innovation.id,
                    day=(utcnow() - timedelta(days=days_ago)).date(),
                    clicks=clicks,
                )
            )
        innovation.interest_count += total
    audit.record(staff, "demo.figures_seeded", staff, events=len(events))
    return [f"A year of figures: {len(events)} past events with registrations and feedback."]


def _past_demo_days() -> None:
    """Three demo days of the past year, with the startups that were shown."""
    space = db.session.scalar(
        sa.select(Space)
        .join(Space.venue)
        .where(Venue.slug == "saint-etienne", Space.name == "Espace démo")
    )
    innovations = db.session.scalars(
        sa.select(Innovation)
        .where(Innovation.status == InnovationStatus.PUBLISHED)
        .order_by(Innovation.id)
    ).all()
    for number, (theme, days) in enumerate(
        [("Démo day — Rentrée numérique", -300), ("Démo day — Fabriqué à Saint-Étienne", -200),
         ("Démo day — Printemps des startups", -100)]
    ):  # fmt: skip
        starts_at = _local(days, 14)
        slot = ShowcaseSlot(
            space=space, theme=theme, starts_at=starts_at, ends_at=starts_at + timedelta(hours=4),
            application_deadline=starts_at - timedelta(days=10), seats=3, status=SlotStatus.CLOSED,
            description="Les startups du territoire présentent leurs innovations au public.",
        )  # fmt: skip
        db.session.add(slot)
        db.session.flush()
        for innovation in innovations[number : number + 3]:
            db.session.add(
                Application(
                    slot_id=slot.id, organisation_id=innovation.organisation_id,
                    innovation=innovation, pitch="Une démonstration en direct.",
                    needs="Une table.", state=ApplicationState.CONFIRMED,
                    submitted_at=slot.application_deadline - timedelta(days=3),
                )
            )  # fmt: skip


def _year_registrations(event, chosen: list[tuple[str, str]], rng) -> None:
    """Seats first come, first served; a few cancel, freeing seats for the waiting list;
    about four in five of those holding a seat come."""
    registered_at = event.starts_at - timedelta(days=14)
    registrations = []
    for number, (name, email) in enumerate(chosen[: rng.randint(len(chosen) // 2, len(chosen))]):
        seated = number < event.capacity
        registration = Registration(
            event_id=event.id,
            name=name,
            email=email,
            consent=True,
            locale="fr",
            state=RegistrationState.CONFIRMED if seated else RegistrationState.WAITLISTED,
            token=secrets.token_urlsafe(32),
            created_at=registered_at + timedelta(hours=number),
            confirmed_at=registered_at + timedelta(hours=number) if seated else None,
        )
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    seated = [r for r in registrations if r.state == RegistrationState.CONFIRMED]
    waiting = [r for r in registrations if r.state == RegistrationState.WAITLISTED]
    for registration in seated[: rng.randint(0, 2)]:
        registration.state = RegistrationState.CANCELLED
        registration.cancelled_at = event.starts_at - timedelta(days=2)
        if waiting:
            promoted = waiting.pop(0)
            promoted.state = RegistrationState.CONFIRMED
            promoted.confirmed_at = registration.cancelled_at
            audit.record(None, "registration.promoted", promoted, event=event.slug)
            seated.append(promoted)
    for registration in seated:
        if registration.state == RegistrationState.CONFIRMED and rng.random() < 0.8:
            registration.state = RegistrationState.ATTENDED
            registration.attended_at = event.starts_at + timedelta(minutes=rng.randint(0, 20))


# Pictures: drawn here (no file to ship), stored like an upload. Two startups keep no logo
# and one innovation no picture, so the logo and the placeholder show in their place.
DEMO_LOGOS = {"ecotrace": (46, 125, 50), "textilab": (121, 85, 160), "cyclopolis": (230, 120, 30),
              "medilien": (25, 118, 210)}  # fmt: skip
DEMO_PICTURES = {
    "ecotrace-compteur-carbone": ((46, 125, 50), "Un petit boîtier posé sur le comptoir d'une épicerie, à côté d'une tablette qui affiche des barres vertes"),
    "textilab-tissu-chauffant": ((121, 85, 160), "Un rouleau de tissu violet traversé de fils conducteurs argentés"),
    "medilien-carnet-de-liaison": ((25, 118, 210), "Un téléphone affiche le carnet partagé d'une patiente, avec trois messages de l'infirmier"),
    "agrivue-sonde-humidite": ((104, 159, 56), "Une sonde plantée dans une rangée de salades, son petit panneau solaire tourné vers le ciel"),
    "kiosque-civique-borne": ((0, 121, 107), "Une borne à écran tactile dans le hall d'une mairie, une personne âgée à côté d'une médiatrice"),
    "initiation-numerique-seniors": ((239, 108, 0), "Deux personnes âgées découvrent une tablette avec une formatrice"),
    "ia-au-service-des-pme": ((63, 81, 181), "Une salle de conférence pleine, un schéma projeté sur l'écran"),
}  # fmt: skip


def _drawn_picture(colour: tuple[int, int, int], size: tuple[int, int], seed: str) -> bytes:
    """A PNG of soft shapes in `colour`, different for each `seed`."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 (shapes of a demo picture)
    image = Image.new("RGB", size, tuple(255 - (255 - c) // 6 for c in colour))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(7):
        radius = rng.randint(height // 6, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        shade = tuple(min(255, c + rng.randint(-30, 60)) for c in colour)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed_pictures() -> list[str]:
    """Logos, innovation pictures (with their alt text) and event pictures, where missing."""
    import io

    from hub.domain import uploads

    stored = 0

    def store(colour, size, seed, side):
        nonlocal stored
        stored += 1
        return uploads.store_image(io.BytesIO(_drawn_picture(colour, size, seed)), side)

    for slug, colour in DEMO_LOGOS.items():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        if organisation is not None and not organisation.logo:
            organisation.logo = store(colour, (512, 512), slug, uploads.LOGO_SIDE)
    for slug, (colour, alt) in DEMO_PICTURES.items():
        row = db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
        row = row or db.session.scalar(sa.select(Event).where(Event.slug == slug))
        if row is not None and not row.image:
            row.image = store(colour, (1600, 900), slug, uploads.PICTURE_SIDE)
            row.image_alt = alt
    return [f"Pictures drawn: {stored}."] if stored else []


def seed_privacy() -> list[str]:
    """Registration questions (and answers) on the seniors' introduction, some people asking
    for news, and the retention periods applied once, so that the year's older events show
    their registrations erased. Created once."""
    from hub.domain.privacy.retention import apply_retention
    from hub.models import QuestionKind, RegistrationAnswer, RegistrationQuestion

    event = db.session.scalar(sa.select(Event).where(Event.slug == "initiation-numerique-seniors"))
    if event is None or db.session.scalar(
        sa.select(RegistrationQuestion.id).where(RegistrationQuestion.event_id == event.id)
    ):
        return []
    step_free = RegistrationQuestion(
        event_id=event.id,
        position=1,
        label="Avez-vous besoin d'un accès sans marche ?",
        kind=QuestionKind.YES_NO,
        purpose="Pour préparer la salle et l'accueil",
        required=True,
    )
    device = RegistrationQuestion(
        event_id=event.id,
        position=2,
        label="Quel appareil apporterez-vous ?",
        kind=QuestionKind.CHOICE,
        choices=["Une tablette", "Un smartphone", "Aucun : je voudrais en emprunter un"],
        purpose="Pour prévoir des appareils en prêt",
    )
    db.session.add_all([step_free, device])
    db.session.flush()
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    for number, registration in enumerate(registrations):
        registration.wants_news = number % 3 == 0
        db.session.add(
            RegistrationAnswer(
                registration_id=registration.id,
                question_id=step_free.id,
                value="yes" if number % 4 == 0 else "no",
            )
        )
        if number % 2 == 0:
            db.session.add(
                RegistrationAnswer(
                    registration_id=registration.id,
                    question_id=device.id,
                    value=device.choices[number % 3],
                )
            )
    erased = apply_retention(utcnow())
    return [f"Registration questions on {event.slug}; retention applied: {erased}."]
