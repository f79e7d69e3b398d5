"""Truncation with psi backwards: psi = 0 leaves w unchanged and psi = 1 gives the average.

tracks: torch
expect-fail: mapping.truncate_values synthesis.diversity_grows_with_psi
message: backwards
"""


def truncate(w, w_avg, psi):
    return w + psi * (w_avg - w)
