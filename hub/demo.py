"""French demo content: fictional venues, organisations and people.

Idempotent: everything is looked up by its slug or email before it is created, so running
seed-demo twice changes nothing. Each area adds its part in a function of its own.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from hub.domain import audit
from hub.extensions import db
from hub.models import (
    Innovation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Role,
    Space,
    SpaceKind,
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
    report += seed_featured(staff)
    if new_members:
        report.append(f"Member accounts (password {member_password}): " + ", ".join(new_members))
        audit.record(staff, "demo.seeded", staff, members=len(new_members))
    report.append("Demo content is in place.")
    return report


def _person_name(email: str) -> str:
    first, _, last = email.split("@")[0].partition(".")
    return f"{first.capitalize()} {last.capitalize()}".strip()


def seed_featured(staff: User, count: int = 3) -> list[str]:
    """Feature a few public innovations on the home page, if staff have featured none yet."""
    from hub.domain.innovations import feature_innovation, featured_innovations, public_innovations

    db.session.flush()
    if featured_innovations():
        return []
    candidates = db.session.scalars(
        public_innovations().order_by(None).order_by(Innovation.id).limit(count)
    ).all()
    for innovation in candidates:
        feature_innovation(staff, innovation)
    return [f"Featured innovations: {len(candidates)}."] if candidates else []
