# The TechVote web app under gunicorn, for docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt -e . \
    && SECRET_KEY=only-for-collectstatic python manage.py collectstatic --no-input \
    && useradd --system --home-dir /app techvote \
    && mkdir -p /app/data \
    && chown techvote /app/data

USER techvote
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
# WEB_CONCURRENCY (read by gunicorn) sets the number of workers.
CMD ["gunicorn", "techvote.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
