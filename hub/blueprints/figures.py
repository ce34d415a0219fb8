"""Impact figures: the venue team's page, a partner's or a startup's own, downloads, a report.

`/staff/figures` shows every event; `/account/figures` the same page restricted to the
events a partner hosted (proposed or co-hosted), or a startup's demo days and the interest
its innovations drew. Each page has a CSV of each table, an .xlsx workbook of all of them
(hub/exports.py) and a one-page report to print or save as PDF (the print stylesheet).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, url_for
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import fields

from hub import dates
from hub.blueprints import register_panel, staff_required
from hub.charts import Chart, bar_chart
from hub.domain.figures import queries
from hub.domain.figures.periods import Period, period_of
from hub.domain.organisations.queries import partners_of, startups_of
from hub.domain.rooms import venues
from hub.exports import Table, csv_response, xlsx_response
from hub.extensions import db
from hub.models import Audience, EventKind, Organisation, OrganisationKind, PeriodKind
from hub.query_args import Args, Choice, Text, read_args
from hub.rendering import render
from hub.timezones import display_zone
from hub.unit_of_work import attempt

bp = Blueprint("figures", __name__)

TABLES = ("summary", "months", "audiences", "partners", "interest")


class FiguresArgs(Args):
    period = Choice(PeriodKind)
    first = fields.Date(load_default=None)
    last = fields.Date(load_default=None)
    venue = Text(80)
    kind = Choice(EventKind)
    audience = Choice(Audience)
    partner = Text(180)
    org = Text(180)  # /account/figures: which of my organisations
    table = Text(20)  # which table a CSV holds


@dataclass(frozen=True)
class Scope:
    """Whose figures: the venue team's (every event), a partner's or a startup's."""

    area: str  # "staff" or "account"
    organisation: Organisation | None = None
    choices: tuple[Organisation, ...] = ()

    @property
    def is_startup(self) -> bool:
        return self.organisation is not None and self.organisation.kind == OrganisationKind.STARTUP

    @property
    def is_partner(self) -> bool:
        return self.organisation is not None and self.organisation.kind == OrganisationKind.PARTNER

    def url(self, view: str, **args) -> str:
        if self.area == "account" and self.organisation is not None:
            args.setdefault("org", self.organisation.slug)
        return url_for(f"figures.{self.area}_{view}", **args)


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: int | float | None
    style: str = "count"  # "count", "percent" (a share from 0 to 1) or "rating" (out of 5)

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.style == "percent":
            return format_percent(self.value)
        if self.style == "rating":
            return _("%(rating)s / 5", rating=format_decimal(self.value, "0.0"))
        return format_decimal(self.value)

    @property
    def cell(self) -> int | float | None:
        """The value as a download holds it: percentages from 0 to 100."""
        if self.value is not None and self.style == "percent":
            return round(self.value * 100, 1)
        return self.value


def _partners() -> list:
    """Every partner's slug and name, for the filter (rows, not whole organisations)."""
    return db.session.execute(
        sa.select(Organisation.slug, Organisation.name)
        .where(Organisation.kind == OrganisationKind.PARTNER)
        .order_by(Organisation.name)
    ).all()


def _account_scope(org_slug: str) -> Scope:
    """The member's organisation asked for (the first one by default); 404 for any other."""
    choices = (*partners_of(current_user, verified_only=False), *startups_of(current_user))
    if not org_slug:
        return Scope("account", choices[0] if choices else None, choices)
    for organisation in choices:
        if organisation.slug == org_slug:
            return Scope("account", organisation, choices)
    abort(404)


@dataclass
class Choices:
    """The filters as read, what they mean, and any refusal to show beside its field."""

    args: dict
    filters: queries.FigureFilters
    errors: dict[str, str]


def _today() -> date:
    return datetime.now(display_zone()).date()


def _read(scope: Scope) -> Choices:
    args = read_args(FiguresArgs())
    errors = {}
    outcome = attempt(lambda: period_of(args["period"], _today(), args["first"], args["last"]))
    period = outcome.value
    if not outcome.ok:
        errors[outcome.refusal.field] = str(outcome.refusal.message)
        period = period_of(PeriodKind.MONTH, _today())
    venue = next((v for v in venues() if v.slug == args["venue"]), None)
    partner_id = None
    if scope.is_partner:
        partner_id = scope.organisation.id
    elif scope.area == "staff" and args["partner"]:
        partner = db.session.scalar(
            sa.select(Organisation).where(
                Organisation.slug == args["partner"],
                Organisation.kind == OrganisationKind.PARTNER,
            )
        )
        partner_id = partner.id if partner else None
    filters = queries.FigureFilters(
        period=period,
        venue_id=venue.id if venue else None,
        kind=args["kind"],
        audience=args["audience"],
        partner_id=partner_id,
    )
    return Choices(args, filters, errors)


def period_label(period: Period) -> str:
    return _(
        "from %(first)s to %(last)s",
        first=dates.date_text(period.first, "long"),
        last=dates.date_text(period.last, "long"),
    )


def _registrations(count: int) -> str:
    """ "1 registration", "1 234 registrations": the number as the reader writes it."""
    return ngettext(
        "%(shown)s registration", "%(shown)s registrations", count, shown=format_decimal(count)
    )


def _month_name(row: queries.MonthRow) -> str:
    return dates.month_text(date(row.year, row.month, 1))


def _partner_name(row: queries.GroupRow) -> str:
    return row.name or _("The venue team (no partner)")


def headlines(figures, scope: Scope) -> list[Headline]:
    """The headline figures, in the order the page, the downloads and the report show them."""
    if scope.is_startup:
        return [
            Headline("demo_days", _("Demo days where it was shown"), figures.demo_days),
            Headline("innovations", _("Innovations published"), figures.innovations_published),
            Headline("interest", _("Public interest (clicks)"), figures.interest_total),
        ]
    totals = figures.totals
    rows = [
        Headline("events", _("Events held"), totals.events),
        Headline("upcoming", _("Events still to come in the period"), totals.upcoming),
        Headline("seats", _("Seats offered"), totals.seats),
        Headline("registrations", _("Registrations"), totals.registrations),
        Headline("cancelled", _("Cancellations"), totals.cancelled),
        Headline("attended", _("Checked in"), totals.attended),
        Headline("attendance_rate", _("Attendance rate"), totals.attendance_rate, "percent"),
        Headline("no_show_rate", _("No-show rate"), totals.no_show_rate, "percent"),
        Headline("waitlisted", _("Joined a waiting list"), totals.waitlisted),
        Headline(
            "waitlist_seated",
            _("Of them, given a seat"),
            totals.waitlist_seated_rate,
            "percent",
        ),
        Headline("people", _("Distinct people reached"), totals.people),
        Headline("returning", _("Returning people"), totals.returning_people),
        Headline("feedback", _("Feedback answers"), totals.feedback_count),
        Headline("rating", _("Average rating"), totals.feedback_average, "rating"),
    ]
    if scope.area == "staff":
        rows += [
            Headline("demo_days", _("Demo days held"), figures.demo_days),
            Headline("startups", _("Startups shown"), figures.startups_shown),
            Headline("innovations", _("Innovations published"), figures.innovations_published),
            Headline("interest", _("Public interest (clicks)"), figures.interest_total),
        ]
    return rows


SERIES = (_l("Registrations"), _l("Checked in"))


def charts(figures, scope: Scope) -> list[Chart]:
    """The charts of the page and the report, each with its sentence."""
    if scope.is_startup:
        rows = figures.interest
        if rows:
            summary = _(
                "%(title)s drew the most interest: %(count)s clicks of %(total)s.",
                title=rows[0].title,
                count=format_decimal(rows[0].clicks),
                total=format_decimal(figures.interest_total),
            )
        else:
            summary = _("No clicks on your innovations in this period.")
        return [
            bar_chart(
                "chart-interest",
                _("Public interest per innovation"),
                summary,
                _("Innovation"),
                [_("Clicks")],
                [(row.title, [row.clicks]) for row in rows],
            )
        ]
    months, audiences, partners = figures.months, figures.audiences, figures.partners
    series = [str(name) for name in SERIES]
    totals = figures.totals
    busiest = max(months, key=lambda row: row.registrations, default=None)
    if busiest and busiest.registrations:
        month_summary = _(
            "%(registrations)s and %(attended)s over %(months)s; "
            "the busiest month was %(month)s, with %(count)s.",
            registrations=_registrations(totals.registrations),
            attended=ngettext(
                "%(shown)s check-in",
                "%(shown)s check-ins",
                totals.attended,
                shown=format_decimal(totals.attended),
            ),
            months=ngettext("%(num)d month", "%(num)d months", len(months)),
            month=_month_name(busiest),
            count=_registrations(busiest.registrations),
        )
    else:
        month_summary = _("No registrations for events held in this period.")
    top_audience = max(audiences, key=lambda row: row.registrations)
    audience_summary = (
        _(
            "Events for %(audience)s drew the most registrations: %(count)s of %(total)s.",
            audience=top_audience.name.lower(),
            count=format_decimal(top_audience.registrations),
            total=format_decimal(totals.registrations),
        )
        if top_audience.registrations
        else _("No registrations for events held in this period.")
    )
    partner_summary = (
        _(
            "%(partner)s drew the most registrations (%(count)s); "
            "a co-hosted event counts for each of its hosts.",
            partner=_partner_name(partners[0]),
            count=format_decimal(partners[0].registrations),
        )
        if partners and partners[0].registrations
        else _("No registrations for events held in this period.")
    )
    return [
        bar_chart(
            "chart-months",
            _("Registrations and attendance per month"),
            month_summary,
            _("Month"),
            series,
            [(_month_name(row), [row.registrations, row.attended]) for row in months],
        ),
        bar_chart(
            "chart-audiences",
            _("By audience"),
            audience_summary,
            _("Audience"),
            series,
            [(row.name, [row.registrations, row.attended]) for row in audiences],
        ),
        bar_chart(
            "chart-partners",
            _("By hosting partner"),
            partner_summary,
            _("Partner"),
            series,
            [(_partner_name(row), [row.registrations, row.attended]) for row in partners],
        ),
    ]


# Figures computed in the last FIGURES_CACHE_SECONDS, per worker, by scope, filters and
# language: a page asked again (another filter and back, the report, a download) is not
# summed again. Counts change all day long; figures a minute old are what a report needs.
_recent: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_recent_lock = threading.Lock()
RECENT_ENTRIES = 64


def _recently_computed(key: tuple, compute):
    seconds = current_app.config["FIGURES_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    with _recent_lock:
        found = _recent.get(key)
        if found is not None and found[0] > now:
            _recent.move_to_end(key)
            return found[1]
    value = compute()
    with _recent_lock:
        _recent[key] = (now + seconds, value)
        _recent.move_to_end(key)
        while len(_recent) > RECENT_ENTRIES:
            _recent.popitem(last=False)
    return value


def _figures(choices: Choices, scope: Scope):
    organisation_id = scope.organisation.id if scope.organisation else None
    key = (scope.area, organisation_id, choices.filters, str(get_locale()))
    if scope.is_startup:
        return _recently_computed(
            key, lambda: queries.startup_figures(choices.filters, scope.organisation)
        )
    return _recently_computed(key, lambda: queries.figures_for(choices.filters))


def tables(figures, scope: Scope) -> dict[str, Table]:
    """Every table of the page, as downloads hold them (typed cells)."""
    found = {
        "summary": Table(
            _("Figures"),
            [_("Figure"), _("Value")],
            [(row.label, row.cell) for row in headlines(figures, scope)],
        ),
        "interest": Table(
            _("Interest"),
            [_("Innovation"), _("Startup"), _("Clicks")],
            [(row.title, row.startup, row.clicks) for row in figures.interest],
        ),
    }
    if scope.is_startup:
        return found
    found["months"] = Table(
        _("Months"),
        [_("Month"), _("Registrations"), _("Checked in")],
        [(row.key, row.registrations, row.attended) for row in figures.months],
    )
    found["audiences"] = Table(
        _("Audiences"),
        [_("Audience"), _("Events"), _("Registrations"), _("Checked in")],
        [(row.name, row.events, row.registrations, row.attended) for row in figures.audiences],
    )
    found["partners"] = Table(
        _("Partners"),
        [_("Partner"), _("Events"), _("Registrations"), _("Checked in")],
        [
            (_partner_name(row), row.events, row.registrations, row.attended)
            for row in figures.partners
        ],
    )
    if scope.is_partner:
        del found["interest"]
    return found


def _context(scope: Scope) -> dict:
    choices = _read(scope)
    figures = _figures(choices, scope) if scope.organisation or scope.area == "staff" else None
    return {
        "scope": scope,
        "choices": choices,
        "args": choices.args,
        "period": choices.filters.period,
        "period_text": period_label(choices.filters.period),
        "today_text": dates.date_text(_today(), "long"),
        "figures": figures,
        "headlines": headlines(figures, scope) if figures else [],
        "charts": charts(figures, scope) if figures else [],
        "venues": venues(),
        "partners": _partners() if scope.area == "staff" else [],
    }


def _page(scope: Scope, template: str = "figures/page.html"):
    context = _context(scope)
    # Chosen dates that cannot be read: the page says why beside them (and shows this month).
    return render(template, status=422 if context["choices"].errors else 200, **context)


def _report(scope: Scope):
    return _page(scope, "figures/report.html")


def _download(scope: Scope, extension: str):
    context = _context(scope)
    if context["figures"] is None:
        abort(404)
    period = context["period"]
    name = f"figures-{period.first.isoformat()}-{period.last.isoformat()}"
    if scope.organisation is not None:
        name = f"{scope.organisation.slug}-{name}"
    found = tables(context["figures"], scope)
    if extension == "xlsx":
        return xlsx_response(list(found.values()), f"{name}.xlsx")
    table = context["args"]["table"] or "summary"
    if table not in found:
        abort(404)
    return csv_response(found[table], f"{name}-{table}.csv")


@bp.get("/staff/figures")
@staff_required
def staff_page():
    return _page(Scope("staff"))


@bp.get("/staff/figures/report")
@staff_required
def staff_report():
    return _report(Scope("staff"))


@bp.get("/staff/figures.<any(csv, xlsx):extension>")
@staff_required
def staff_download(extension: str):
    return _download(Scope("staff"), extension)


@bp.get("/account/figures")
@login_required
def account_page():
    return _page(_account_scope(read_args(FiguresArgs())["org"]))


@bp.get("/account/figures/report")
@login_required
def account_report():
    return _report(_account_scope(read_args(FiguresArgs())["org"]))


@bp.get("/account/figures.<any(csv, xlsx):extension>")
@login_required
def account_download(extension: str):
    return _download(_account_scope(read_args(FiguresArgs())["org"]), extension)


def _account_panel() -> dict:
    return {
        "show": bool(partners_of(current_user, verified_only=False) or startups_of(current_user))
    }


bp.record_once(
    lambda state: register_panel(state, "account", "figures/_account_panel.html", _account_panel)
)
bp.record_once(lambda state: register_panel(state, "staff", "figures/_staff_panel.html", dict))
