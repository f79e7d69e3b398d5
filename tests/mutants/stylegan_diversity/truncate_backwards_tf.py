"""Truncation with psi backwards: psi = 0 leaves w unchanged and psi = 1 gives the average.

tracks: tf
expect-fail: mapping.truncate_values
message: backwards
"""


def truncate(w, w_avg, psi):
    return w + psi * (w_avg - w)
