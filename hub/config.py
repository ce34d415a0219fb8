"""Settings read from the environment, with safe defaults.

Every variable is listed in the README. Nothing secret lives in the code: without
SECRET_KEY a random key is created once in the instance folder and reused.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or one kept in the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created exclusively so that two workers starting at once agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'atelier.sqlite3'}"
    # Hosting providers hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Defaults for every environment; create_app() fills the instance-dependent ones."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Europe/Paris")
    LANGUAGES = ("fr", "en")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session it is bound to
    WTF_CSRF_SSL_STRICT = True
    # How long an anonymous visitor's form token is accepted (hub/form_tokens.py), seconds.
    FORM_TOKEN_MAX_AGE = int(os.environ.get("FORM_TOKEN_MAX_AGE", 60 * 60 * 24))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "hub_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_NAME = "hub_remember"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30

    # The whole request: well above UPLOAD_MAX_BYTES, so a file over that limit still reaches
    # its form and comes back as an error beside the field, with everything else typed kept.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024))

    # Empty: a SQLite file in the instance folder, shared by the workers of this machine
    # (hub/ratelimit_storage.py); redis://… for several machines.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    # Keys of this installation in a Redis shared with others (Flask-Limiter's setting).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "5 per minute")
    RATELIMIT_PUBLIC_FORM = os.environ.get("RATELIMIT_PUBLIC_FORM", "10 per minute")
    RATELIMIT_REGISTRATION = os.environ.get("RATELIMIT_REGISTRATION", "10 per minute")

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "")  # "smtp" or "file"; empty: smtp if SMTP_HOST
    MAIL_FROM = os.environ.get("MAIL_FROM", "Atelier Hub <no-reply@atelier-hub.localhost>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", 587))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _flag("SMTP_STARTTLS", True)
    MAIL_DIR = os.environ.get("MAIL_DIR", "")  # default: <instance>/mail
    MAIL_DELIVER_AFTER_REQUEST = _flag("MAIL_DELIVER_AFTER_REQUEST", True)
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", 6))
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", 20))
    # A message claimed longer ago than this belongs to a process that died mid-send and is
    # sent again; keep it well above SMTP_TIMEOUT.
    MAIL_SENDING_TIMEOUT = float(os.environ.get("MAIL_SENDING_TIMEOUT", 300))
    # How often the worker looks for due mail and due periodic jobs.
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", 5))
    # Confirmed registrants are reminded this many hours before their event starts.
    REMINDER_HOURS_BEFORE = int(os.environ.get("REMINDER_HOURS_BEFORE", 24))
    # Messages the hosts may send to one event's registrants in 24 hours.
    EVENT_MESSAGES_PER_DAY = int(os.environ.get("EVENT_MESSAGES_PER_DAY", 5))

    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", 60 * 60))
    SIGNUP_CONFIRM_MAX_AGE = int(os.environ.get("SIGNUP_CONFIRM_MAX_AGE", 60 * 60 * 48))

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", 15000))
    # How long a web request that writes waits for a database lock before answering 503
    # (Retry-After) with what was typed kept; readers never wait for it.
    WEB_LOCK_TIMEOUT_MS = int(os.environ.get("WEB_LOCK_TIMEOUT_MS", 3000))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")  # default: <instance>/uploads
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 2 * 1024 * 1024))
    INVITATION_MAX_AGE = int(os.environ.get("INVITATION_MAX_AGE", 60 * 60 * 24 * 14))
    # Retention of personal data (the registry is RETENTION below; the worker applies it daily).
    # Days after an event that its registrations, their answers (and the feedback link) are kept.
    REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS", 90))
    # Days after an event that the comments left in feedback are kept (ratings stay as counts).
    FEEDBACK_COMMENT_RETENTION_DAYS = int(os.environ.get("FEEDBACK_COMMENT_RETENTION_DAYS", 365))
    # Days an account whose address was never confirmed is kept.
    UNCONFIRMED_SIGNUP_RETENTION_DAYS = int(os.environ.get("UNCONFIRMED_SIGNUP_RETENTION_DAYS", 7))
    # Days a sent (or abandoned) email is kept in the outbox.
    OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", 30))
    # Seconds the emailed link that confirms a person's erasure request stays valid.
    ERASURE_LINK_MAX_AGE = int(os.environ.get("ERASURE_LINK_MAX_AGE", 60 * 60 * 24))
    # Who answers questions about personal data (the privacy notice shows it).
    DPO_CONTACT = os.environ.get("DPO_CONTACT", "dpo@atelier-hub.localhost")
    # The data controller named by the privacy notice: who runs the atelier, and where.
    DATA_CONTROLLER = os.environ.get(
        "DATA_CONTROLLER", "Atelier numérique, 12 place de l'Hôtel de Ville, 42000 Saint-Étienne"
    )
    # Where people report an accessibility problem (the accessibility statement shows it).
    ACCESSIBILITY_CONTACT = os.environ.get(
        "ACCESSIBILITY_CONTACT", "accessibilite@atelier-hub.localhost"
    )
    # The date the accessibility statement was drawn up (ISO date).
    ACCESSIBILITY_STATEMENT_DATE = os.environ.get("ACCESSIBILITY_STATEMENT_DATE", "2026-11-27")
    # Days after a demo day that the emails visitors left for startups are kept.
    LEAD_RETENTION_DAYS = int(os.environ.get("LEAD_RETENTION_DAYS", 90))
    # Seconds a worker reuses figures it has just computed for the same page (0: never).
    FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", 60))

    RATELIMIT_INTEREST = os.environ.get("RATELIMIT_INTEREST", "20/minute")

    # Public pages kept per worker; see hub/public_cache.py.
    PUBLIC_CACHE_ENABLED = _flag("PUBLIC_CACHE_ENABLED", True)
    PUBLIC_CACHE_CHECK_SECONDS = float(os.environ.get("PUBLIC_CACHE_CHECK_SECONDS", 1.0))
    PUBLIC_CACHE_MAX_BYTES = int(os.environ.get("PUBLIC_CACHE_MAX_BYTES", 1024 * 1024))

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # "json": one JSON object per line, with the request id (hub/operations.py); "text".
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    # One log line per request (method, path, route, status, duration) at INFO.
    ACCESS_LOG = os.environ.get("ACCESS_LOG", "true").lower() in ("1", "true", "yes")

    # The site's public address: every absolute link (emails, feeds, calendar files, QR
    # codes, the API) is built from it, never from the request's Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Host names the site answers to (comma-separated); others get 400. Empty: any.
    TRUSTED_HOSTS = [
        host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()
    ] or None

    # Uploaded files: the UPLOAD_DIR folder, or S3-compatible object storage so that every
    # app node serves the same files. S3 credentials come from boto3's usual sources
    # (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or the machine's role).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "")  # local or s3; empty: s3 if a bucket
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # empty: AWS itself
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")  # e.g. "uploads/" to share a bucket
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE", "auto")  # "path" for MinIO


@dataclass(frozen=True)
class RetentionPeriod:
    """How long one kind of personal data is kept, counted from `counted_from`."""

    kind: str
    setting: str
    unit: str  # "days" or "seconds", the setting's unit
    counted_from: str  # "event_end", "sign_up", "sending", "demo_day_end"

    def length(self, config) -> timedelta:
        return timedelta(**{self.unit: config[self.setting]})


# The registry of retention periods: the retention job (hub/domain/privacy/retention.py)
# applies each one, and the privacy notice lists them, from the settings above.
RETENTION = (
    RetentionPeriod("registrations", "REGISTRATION_RETENTION_DAYS", "days", "event_end"),
    RetentionPeriod("feedback_comments", "FEEDBACK_COMMENT_RETENTION_DAYS", "days", "event_end"),
    RetentionPeriod("unconfirmed_signups", "UNCONFIRMED_SIGNUP_RETENTION_DAYS", "days", "sign_up"),
    RetentionPeriod("password_reset_links", "PASSWORD_RESET_MAX_AGE", "seconds", "sending"),
    RetentionPeriod("signup_links", "SIGNUP_CONFIRM_MAX_AGE", "seconds", "sending"),
    RetentionPeriod("invitations", "INVITATION_MAX_AGE", "seconds", "sending"),
    RetentionPeriod("sent_mail", "OUTBOX_RETENTION_DAYS", "days", "sending"),
    # Applied by its own job (hub/domain/showcase/leads.py); listed here for the notice.
    RetentionPeriod("leads", "LEAD_RETENTION_DAYS", "days", "demo_day_end"),
)


def retention(config, kind: str) -> timedelta:
    """The retention period of `kind` (a RETENTION entry) under these settings."""
    return next(period for period in RETENTION if period.kind == kind).length(config)
