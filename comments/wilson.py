"""The Wilson lower bound of a contender's share of up votes, in Python and in SQL.

A list ranked by Wilson (`RankingMethod.WILSON`) orders its contenders by
this bound, so that 3 up / 0 down does not beat 300 up / 20 down. The vote
stores it (comments.votes) and the recount checks it (comments.counts); both
must agree to the last bit, so the SQL repeats the Python step for step.
"""

# The Python bound is the one in the open-data verifier (comments/verify.py,
# standard library only), so the site and anyone recounting an export use one
# definition: z of a one-sided 80% confidence bound, as Reddit's "best" sort
# uses: cautious enough that a handful of votes cannot outrank hundreds, not
# so cautious that a well-liked newcomer takes weeks to climb.
from comments.verify import WILSON_Z, Z_SQUARED, wilson_lower_bound

__all__ = ["WILSON_Z", "Z_SQUARED", "wilson_lower_bound", "wilson_lower_bound_sql"]


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
