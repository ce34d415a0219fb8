"""impact figures: per-event counters and daily interest, filled from the rows held today (S11)

Revision ID: 1101
Revises: 0401
Create Date: 2026-11-27 12:30:00.000000

"""
import hashlib
import hmac
from collections import Counter, defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '1101'
down_revision = '0401'
branch_labels = None
depends_on = None

# The event's facts copied beside its counts (ends_at is read raw: it is stored naive UTC).
FACTS = ('event_id', 'local_date', 'starts_at', 'state', 'ends_at', 'venue_id', 'kind',
         'audience', 'organisation_id', 'capacity')
COUNTS = ('registrations', 'waitlisted', 'promoted', 'cancelled', 'holding', 'attended',
          'returning_attendances', 'feedback_count', 'rating_sum')


def upgrade():
    op.create_table('innovation_interest_days',
    sa.Column('innovation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.CheckConstraint('clicks > 0', name=op.f('ck_innovation_interest_days_clicks_positive')),
    sa.ForeignKeyConstraint(['innovation_id'], ['innovations.id'], name=op.f('fk_innovation_interest_days_innovation_id_innovations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('innovation_id', 'day', name=op.f('pk_innovation_interest_days'))
    )
    with op.batch_alter_table('innovation_interest_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_innovation_interest_days_day'), ['day'], unique=False)

    op.create_table('event_figures',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'proposed', 'published', 'rejected', 'cancelled', name='eventstate', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('training', 'workshop', 'conference', 'meetup', 'demo_day', name='eventkind', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('audience', sa.Enum('residents', 'professionals', 'everyone', name='audience', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
    sa.Column('people_sketch', sa.LargeBinary(), nullable=True),
    sa.Column('returning_sketch', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    *(sa.CheckConstraint(f'{name} >= 0', name=op.f(f'ck_event_figures_{name}_not_negative')) for name in COUNTS),
    sa.CheckConstraint('rating_sum BETWEEN feedback_count AND 5 * feedback_count', name=op.f('ck_event_figures_ratings_one_to_five')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_figures_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_event_figures_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_event_figures_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_event_figures'))
    )
    with op.batch_alter_table('event_figures', schema=None) as batch_op:
        batch_op.create_index('ix_event_figures_local_date_state', ['local_date', 'state'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_email_state', ['email', 'state'], unique=False)

    connection = op.get_bind()
    _backfill_event_figures(connection)
    _backfill_interest_days(connection)


def _person(key, email):
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], 'big', signed=True)


def _sketch(hashes):
    import datasketches

    sketch = datasketches.hll_sketch(12)
    for value in hashes:
        sketch.update(value)
    return sketch.serialize_compact()


def _backfill_event_figures(connection):
    """Counts as they stand in the rows held today; promotions from the audit trail."""
    events = connection.execute(sa.text(
        'SELECT events.id, events.starts_at, venues.timezone, events.state, events.ends_at, '
        'venues.id, events.kind, events.audience, events.organisation_id, events.capacity '
        'FROM events JOIN spaces ON spaces.id = events.space_id '
        'JOIN venues ON venues.id = spaces.venue_id'
    )).all()
    if not events:
        return
    counts = defaultdict(Counter)
    for event_id, state, confirmed_at, number in connection.execute(sa.text(
        'SELECT event_id, state, confirmed_at IS NOT NULL, count(*) FROM registrations '
        'GROUP BY event_id, state, confirmed_at IS NOT NULL'
    )):
        row = counts[event_id]
        row['registrations'] += number
        row['waitlisted'] += number if state == 'waitlisted' or (state == 'cancelled' and not confirmed_at) else 0
        row['cancelled'] += number if state == 'cancelled' else 0
        row['holding'] += number if state == 'confirmed' else 0
        row['attended'] += number if state == 'attended' else 0
    for event_id, number in connection.execute(sa.text(
        "SELECT registrations.event_id, count(DISTINCT audit_log.target_id) FROM audit_log "
        "JOIN registrations ON registrations.id = audit_log.target_id "
        "WHERE audit_log.action = 'registration.promoted' AND audit_log.target_type = 'registrations' "
        "GROUP BY registrations.event_id"
    )):
        counts[event_id]['promoted'] += number
        counts[event_id]['waitlisted'] += number
    # Who came, in the order they were checked in: "returning" is having come before.
    key = hmac.new(current_app.config['SECRET_KEY'].encode(), b'hub.figures.people', hashlib.sha256).digest()
    people, returning, seen = defaultdict(set), defaultdict(set), defaultdict(set)
    for event_id, email in connection.execute(sa.text(
        "SELECT event_id, email FROM registrations WHERE state = 'attended' "
        "ORDER BY attended_at, id"
    )):
        person = _person(key, email)
        if seen[person] - {event_id}:
            returning[event_id].add(person)
            counts[event_id]['returning_attendances'] += 1
        seen[person].add(event_id)
        people[event_id].add(person)
    types = {'local_date': sa.Date(), 'starts_at': sa.DateTime(), 'ends_at': sa.DateTime(),
             'updated_at': sa.DateTime(), 'people_sketch': sa.LargeBinary(),
             'returning_sketch': sa.LargeBinary()}
    names = (*FACTS, *COUNTS, 'people_sketch', 'returning_sketch', 'updated_at')
    table = sa.table('event_figures', *(sa.column(name, types.get(name)) for name in names))
    rows = []
    for event_id, starts_at, timezone, *facts in events:
        rows.append({
            'event_id': event_id, 'local_date': _local_day(starts_at, ZoneInfo(timezone or 'Europe/Paris')),
            'starts_at': _naive(starts_at), **dict(zip(FACTS[3:], facts, strict=True)),
            'ends_at': _naive(facts[1]),
            **{name: counts[event_id][name] for name in COUNTS},
            'people_sketch': _sketch(people[event_id]) if people[event_id] else None,
            'returning_sketch': _sketch(returning[event_id]) if returning[event_id] else None,
            'updated_at': _naive(starts_at),
        })
    op.bulk_insert(table, rows)


def _backfill_interest_days(connection):
    """Clicks per day from the audit trail; the rest of each count on its publication day."""
    zone = ZoneInfo(current_app.config.get('BABEL_DEFAULT_TIMEZONE', 'Europe/Paris'))
    days = Counter()
    for innovation_id, created_at in connection.execute(sa.text(
        "SELECT target_id, created_at FROM audit_log "
        "WHERE action = 'innovation.interest' AND target_type = 'innovations'"
    )):
        days[innovation_id, _local_day(created_at, zone)] += 1
    audited = Counter()
    for (innovation_id, _), clicks in days.items():
        audited[innovation_id] += clicks
    for innovation_id, count, published_at, created_at in connection.execute(sa.text(
        'SELECT id, interest_count, published_at, created_at FROM innovations WHERE interest_count > 0'
    )):
        rest = count - audited[innovation_id]
        if rest > 0:
            days[innovation_id, _local_day(published_at or created_at, zone)] += rest
    known = set(connection.execute(sa.text('SELECT id FROM innovations')).scalars())
    table = sa.table('innovation_interest_days', sa.column('innovation_id'), sa.column('day', sa.Date()), sa.column('clicks'))
    op.bulk_insert(table, [
        {'innovation_id': innovation_id, 'day': day, 'clicks': clicks}
        for (innovation_id, day), clicks in days.items() if innovation_id in known
    ])


def _naive(value):
    """A stored UTC time as a naive datetime (SQLite hands raw text back)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value.replace(tzinfo=None)


def _local_day(value, zone):
    return _naive(value).replace(tzinfo=UTC).astimezone(zone).date()


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_email_state')

    with op.batch_alter_table('event_figures', schema=None) as batch_op:
        batch_op.drop_index('ix_event_figures_local_date_state')

    op.drop_table('event_figures')
    with op.batch_alter_table('innovation_interest_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_innovation_interest_days_day'))

    op.drop_table('innovation_interest_days')
