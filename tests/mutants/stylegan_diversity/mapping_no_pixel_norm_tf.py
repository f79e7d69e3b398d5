"""Feeds z to the MLP without normalising it (no pixel norm).

tracks: tf
expect-fail: mapping.mapping_normalises_z
message: pixel norm
"""


class PixelNorm(PixelNorm):  # noqa: F821 (the reference's layer)
    def call(self, z):
        return z
