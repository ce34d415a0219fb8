"""One helper renders a whole page, or only the block an htmx request asked for."""

from __future__ import annotations

from flask import Response, current_app, make_response, render_template, request
from jinja2_fragments.flask import render_block


def requested_block(template_name: str) -> str | None:
    """The block named after the htmx target's id, when the template has one.

    Boosted navigation and history restores want the whole page.
    """
    htmx = request.htmx
    if not htmx or htmx.boosted or htmx.history_restore_request or not htmx.target:
        return None
    block = htmx.target.replace("-", "_")
    template = current_app.jinja_env.get_template(template_name)
    return block if block in template.blocks else None


def render(template_name: str, status: int = 200, **context) -> Response:
    block = requested_block(template_name)
    if block:
        body = render_block(template_name, block, **context)
    else:
        body = render_template(template_name, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
