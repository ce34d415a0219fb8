# Atelier Hub: one image for the web app (the default command) and the worker
# (`flask --app hub worker`). Settings come from the environment (README, Configuration).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in a layer of their own: rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir hub && touch hub/__init__.py \
    && pip install . \
    && pip uninstall --yes atelier-hub \
    && rm -rf hub build ./*.egg-info

COPY . .
# The project itself (editable: migrations/ and wsgi.py stay beside hub/), its compiled
# translations, and gzip and Brotli copies of the static files that WhiteNoise serves.
RUN pip install --no-deps --editable . \
    && pybabel compile --statistics --directory hub/translations \
    && python -m whitenoise.compress --quiet hub/static

RUN useradd --create-home --uid 10001 atelier \
    && mkdir -p instance \
    && chown atelier:atelier instance
USER atelier

EXPOSE 8000
# Workers: WEB_CONCURRENCY (gunicorn reads it); more settings: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--threads", "4", "--graceful-timeout", "30", "wsgi:app"]
