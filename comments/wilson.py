"""The Wilson lower bound of a contender's share of up votes, in Python and in SQL.

A list ranked by Wilson (`RankingMethod.WILSON`) orders its contenders by
this bound, so that 3 up / 0 down does not beat 300 up / 20 down. The vote
stores it (comments.votes) and the recount checks it (comments.counts); both
must agree to the last bit, so the SQL repeats the Python step for step.
"""

import math

# z of a one-sided 80% confidence bound, as Reddit's "best" sort uses: cautious
# enough that a handful of votes cannot outrank hundreds, not so cautious that
# a well-liked newcomer takes weeks to climb.
WILSON_Z = 1.281551565545
Z_SQUARED = WILSON_Z**2


def wilson_lower_bound(upvotes: int, downvotes: int) -> float:
    """Lower bound of the Wilson score interval for the share of up votes (0 with no votes)."""
    total = upvotes + downvotes
    if total == 0:
        return 0.0
    share = upvotes / total
    centre = share + Z_SQUARED / (2 * total)
    margin = WILSON_Z * math.sqrt((share * (1 - share) + Z_SQUARED / (4 * total)) / total)
    return max(0.0, (centre - margin) / (1 + Z_SQUARED / total))


def wilson_lower_bound_sql(upvotes: str, downvotes: str, greatest: str) -> str:
    """wilson_lower_bound as SQL text over two SQL expressions, step for step.

    The same IEEE operations in the same order as above, so the database and
    Python agree to the last bit (find_drift compares them exactly).
    `greatest` is GREATEST on PostgreSQL and MAX on SQLite.
    """
    total = f"CAST(({upvotes}) + ({downvotes}) AS DOUBLE PRECISION)"
    share = f"(CAST({upvotes} AS DOUBLE PRECISION) / {total})"
    centre = f"({share} + {Z_SQUARED!r} / (2.0 * {total}))"
    spread = f"({share} * (1.0 - {share}) + {Z_SQUARED!r} / (4.0 * {total})) / {total}"
    margin = f"({WILSON_Z!r} * SQRT({spread}))"
    bound = f"{greatest}(0.0, ({centre} - {margin}) / (1.0 + {Z_SQUARED!r} / {total}))"
    return f"CASE WHEN ({upvotes}) + ({downvotes}) = 0 THEN 0.0 ELSE {bound} END"
