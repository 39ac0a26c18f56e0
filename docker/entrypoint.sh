#!/bin/sh
# Prepare the container, then run its command (gunicorn by default, or a
# Celery worker or beat).
set -eu

# Without a SECRET_KEY in the environment, make one on first start and keep it
# in the data volume, so sessions survive restarts and no key is ever shared.
# The open-data pseudonym key likewise: kept, every member keeps their
# pseudonym from one day's export to the next. Workers share the volume.
kept_secret() {
    key_file=/app/data/$1
    if [ ! -s "$key_file" ]; then
        python -c "import secrets; print(secrets.token_urlsafe(50))" > "$key_file"
        chmod 600 "$key_file"
    fi
    cat "$key_file"
}
if [ -z "${SECRET_KEY:-}" ]; then
    SECRET_KEY=$(kept_secret secret_key)
    export SECRET_KEY
fi
if [ -z "${OPEN_DATA_PSEUDONYM_KEY:-}" ]; then
    OPEN_DATA_PSEUDONYM_KEY=$(kept_secret open_data_pseudonym_key)
    export OPEN_DATA_PSEUDONYM_KEY
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
