"""Security headers on every response, static files included."""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        # Pico draws its icons with data: SVGs.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "manifest-src 'self'",
        "frame-ancestors 'none'",
    ]
)

BASE_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


class SecurityHeadersMiddleware:
    """WSGI middleware adding the headers a response has not set itself.

    It sits outside whitenoise so static files get them too. A view may set its own
    Content-Security-Policy (the embeddable widget allows framing) and it is kept.
    Over HTTPS (as ProxyFix reports it) it adds HSTS and marks every cookie Secure.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            if _allows_framing(headers):
                # The view's own frame-ancestors decides; X-Frame-Options would contradict it.
                present.add("x-frame-options")
            extra = [*BASE_HEADERS, HSTS] if secure else list(BASE_HEADERS)
            for name, value in extra:
                if name.lower() not in present:
                    headers.append((name, value))
            if secure:
                headers[:] = [_secure_cookie(name, value) for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def _allows_framing(headers) -> bool:
    for name, value in headers:
        if name.lower() == "content-security-policy":
            for directive in value.split(";"):
                words = directive.split()
                if words and words[0] == "frame-ancestors" and words[1:] != ["'none'"]:
                    return True
    return False


def _secure_cookie(name: str, value: str) -> tuple[str, str]:
    if name.lower() == "set-cookie" and "; secure" not in value.lower():
        return name, value + "; Secure"
    return name, value
