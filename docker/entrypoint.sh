#!/bin/sh
# Prepare the container, then run its command (gunicorn by default, or a
# Celery worker or beat).
set -eu

# Without a SECRET_KEY in the environment, make one on first start and keep it
# in the data volume, so sessions survive restarts and no key is ever shared.
if [ -z "${SECRET_KEY:-}" ]; then
    key_file=/app/data/secret_key
    if [ ! -s "$key_file" ]; then
        python -c "import secrets; print(secrets.token_urlsafe(50))" > "$key_file"
        chmod 600 "$key_file"
    fi
    SECRET_KEY=$(cat "$key_file")
    export SECRET_KEY
fi

# The web service prepares the database; workers (PREPARE_DATABASE=false)
# start once it is healthy, so two processes never migrate at once.
case "${PREPARE_DATABASE:-true}" in
    1|true|yes|on)
        python manage.py migrate --no-input
        python manage.py createcachetable --verbosity 0
        case "${LOAD_DEMO_DATA:-false}" in
            1|true|yes|on) python manage.py load_demo_data ;;
        esac
        ;;
esac

exec "$@"
