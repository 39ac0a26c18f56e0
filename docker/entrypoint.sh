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
        # Several web containers may start at once (--scale web=3): each writes
        # a candidate, and ln, which never overwrites, lets exactly one become
        # the key every container then reads.
        candidate=$(mktemp /app/data/secret_key.XXXXXX)
        python -c "import secrets; print(secrets.token_urlsafe(50))" > "$candidate"
        chmod 600 "$candidate"
        ln "$candidate" "$key_file" 2>/dev/null || true
        rm -f "$candidate"
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

# The web containers prepare the database, one at a time (an advisory lock in
# prepare_database); workers (PREPARE_DATABASE=false) start once web is healthy.
case "${PREPARE_DATABASE:-true}" in
    1|true|yes|on)
        case "${LOAD_DEMO_DATA:-false}" in
            1|true|yes|on) python manage.py prepare_database --demo-data ;;
            *) python manage.py prepare_database ;;
        esac
        ;;
esac

exec "$@"
