"""What a vote that lost a race to the same member's other request finds."""

from django.db import connection

from comments.models import Vote


def vote_now_holds(user_id: int, contender_id: int, value: int) -> bool:
    """The member's vote on the contender holds `value` now (0: no counted vote).

    cast_vote asks it when its write found the row changed meanwhile: if the
    other request (a double click, a second submit) asked for the same
    thing, the member got what they asked and is answered as a success.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value FROM {Vote._meta.db_table} "
            "WHERE user_id = %s AND contender_id = %s AND voided_at IS NULL",
            [user_id, contender_id],
        )
        row = cursor.fetchone()
    return (row[0] if row else 0) == value
