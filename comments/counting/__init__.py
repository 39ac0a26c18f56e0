"""Counting a list by ranked methods: small pure functions over NumPy and SciPy arrays.

Nothing here knows Django. The job that stores results reads the rows,
maps ids to indices and calls these functions; pages read what it stored.

The data
--------
- A list has n contenders, indexed 0..n-1; members are indexed 0..M-1. The
  caller maps ids to indices (for the tie-break below, contenders in the
  order they joined the list).
- Preferences (preferences.py) are one sparse CSR tier matrix T, (M x n),
  built from ballot rows (member, contender, position) and vote rows
  (member, contender, +1/-1) without a loop over members. A ballot ranks its
  contenders in order and above every one it leaves out (tiers L..1, left
  out 0); a member without a ballot counts through their votes as three
  tiers (up +1, unvoted 0, down -1); a member with neither prefers nothing.
  Member m prefers i to j when T[m, i] > T[m, j].
- Weights: every method takes optional per-member weights (M,), 1 by
  default; the bootstrap's rounds are such weights.
- Duels (bradley_terry.py) are rows (member, winner, loser), grouped into a
  sparse (M x pairs) count matrix.

The shared rule: a higher score ranks higher, and equal scores go to the
lower index, the contender that joined the list first (ranks.py).
"""
