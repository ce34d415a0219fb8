"""Row builders for the tests, one module per area: `make.user()`, `make.event(...)`…

Each call commits a real row with sensible defaults and returns it detached and loaded,
usable outside an application context. One builder per model, one signature each.
"""

from __future__ import annotations

from tests.factories.accounts import AccountFactories
from tests.factories.events import EventFactories
from tests.factories.innovations import InnovationFactories
from tests.factories.organisations import OrganisationFactories
from tests.factories.showcase import ShowcaseFactories
from tests.factories.venues import VenueFactories


class Factories(
    AccountFactories,
    VenueFactories,
    OrganisationFactories,
    InnovationFactories,
    EventFactories,
    ShowcaseFactories,
):
    """Every area's builders on one object, the `make` fixture."""
