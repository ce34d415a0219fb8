"""What every builder shares: a sequence for unique values and how a row is kept."""

from __future__ import annotations

import itertools

from flask import Flask

from hub.extensions import db

sequence = itertools.count(1)


def keep(instance, *loaded: str):
    """Commit the row and hand it back detached, its columns (and `loaded` relations) read.

    The instance is then usable outside an application context, as tests need.
    """
    db.session.add(instance)
    db.session.commit()
    db.session.refresh(instance)
    for name in loaded:
        getattr(instance, name)
    db.session.expunge_all()
    return instance


class Builder:
    def __init__(self, app: Flask):
        self.app = app
