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

The files
---------
- preferences.py: tier_matrix, the (M x n) tiers from ballot and vote rows.
- ranks.py: scores (n,) or (rounds, n) to orders and 1-based ranks.
- pairwise.py: the head-to-head table d (n x n), d[i, j] = members who
  prefer i to j, by sparse products; "who ranked both" (d + d^T) and
  shares; one contender against all others without the table.
- borda.py: Borda scores (n,) = row sums of d, straight from the tiers.
- schulze.py: strongest paths (k x k), the Schulze order with its tie-break
  (Borda, then index), the Condorcet winner, and the subset rule above
  1,000 contenders (Schulze over the leading 1,000 by Borda, the rest after
  them by Borda).
- bradley_terry.py: duels from rows, strengths (n,) fitted to the wins
  matrix (n x n), All Our Ideas' score (n,).
- bootstrap.py: each method resampled by member (200 seeded rounds): per
  contender the 95% rank interval, chance of a Top Ten place,
  conservative rank and tied band; Schulze over its leading 100 only.
- pairs.py: the next duel pair for a member, adaptive and reproducible.
"""
