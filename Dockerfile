# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=1 \
    CHROMAMATCH_VAR_DIR=/app/var
WORKDIR /app

COPY requirements.txt requirements-mediapipe.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
 && pip install --no-cache-dir --no-deps -r requirements-mediapipe.txt

COPY . .
# collectstatic only reads settings; a throwaway key keeps it from refusing to start.
RUN SECRET_KEY=collectstatic-only DJANGO_DEBUG=false ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && useradd --create-home chromamatch && mkdir -p var && chown -R chromamatch var
USER chromamatch

EXPOSE 8000
# One process with threads: the metrics on /metrics are then the whole container's (scale
# with more containers, each its own scrape target).
CMD ["gunicorn", "chromamatch_site.wsgi", "--bind", "0.0.0.0:8000", "--workers", "1", "--threads", "8"]
