"""Typed models, one module per area; importing this package registers them all."""

from hub.models.accounts import Role, User
from hub.models.audit import AuditEntry
from hub.models.base import utcnow
from hub.models.events import (
    Audience,
    CoHostState,
    Event,
    EventHost,
    EventKind,
    EventMessage,
    EventSeries,
    EventState,
    Feedback,
    MessageAudience,
    Registration,
    RegistrationState,
)
from hub.models.figures import EventFigures, InnovationInterestDay, PeriodKind
from hub.models.innovations import Innovation, InnovationStatus
from hub.models.invitations import Invitation
from hub.models.mail import MessageStatus, OutboxMessage
from hub.models.organisations import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    StartupStage,
)
from hub.models.questions import QuestionKind, RegistrationAnswer, RegistrationQuestion
from hub.models.showcase import (
    LIVE_APPLICATION_STATES,
    Application,
    ApplicationState,
    Lead,
    Placement,
    Review,
    ShowcaseSlot,
    SlotStatus,
    Stand,
)
from hub.models.venues import Space, SpaceKind, Venue
from hub.models.worker import JobSchedule

__all__ = [
    "LIVE_APPLICATION_STATES",
    "Application",
    "ApplicationState",
    "Audience",
    "AuditEntry",
    "CoHostState",
    "Event",
    "EventFigures",
    "EventHost",
    "EventKind",
    "EventMessage",
    "EventSeries",
    "EventState",
    "Feedback",
    "Innovation",
    "InnovationInterestDay",
    "InnovationStatus",
    "Invitation",
    "JobSchedule",
    "Lead",
    "Membership",
    "MembershipRole",
    "MessageAudience",
    "MessageStatus",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "PeriodKind",
    "Placement",
    "QuestionKind",
    "Registration",
    "RegistrationAnswer",
    "RegistrationQuestion",
    "RegistrationState",
    "Review",
    "Role",
    "ShowcaseSlot",
    "SlotStatus",
    "Space",
    "SpaceKind",
    "Stand",
    "StartupStage",
    "User",
    "Venue",
    "utcnow",
]
