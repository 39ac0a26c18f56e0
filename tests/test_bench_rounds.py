"""The benchmark's figures are medians of rounds, with their range."""

from bench.run import summarise_rounds


def round_of(rps, *, p99=10.0, wrapped=False):
    return {
        "rps": rps,
        "p50_ms": p99 / 4,
        "p99_ms": p99,
        "ok": int(rps),
        "failed": 1,
        "wrapped": wrapped,
    }


def test_a_slow_round_moves_the_range_not_the_median():
    rounds = [round_of(410.0, p99=40.0), round_of(120.0, p99=900.0), round_of(430.0, p99=44.0)]

    summary = summarise_rounds(rounds)

    assert summary["rps"] == 410.0
    assert (summary["rps_low"], summary["rps_high"]) == (120.0, 430.0)
    assert summary["p99_ms"] == 44.0
    assert (summary["ok"], summary["failed"], summary["rounds"]) == (960, 3, 3)


def test_a_round_whose_request_list_wrapped_is_reported():
    summary = summarise_rounds([round_of(100.0), round_of(100.0, wrapped=True)])

    assert summary["wrapped"] is True
