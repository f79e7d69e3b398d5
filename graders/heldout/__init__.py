"""Held-out data that graders measure on, built grader-side.

The sandboxed worker does not see this package (graders.sandbox.GRADER_ONLY), so student code in
class grading can neither import it nor read its files. Builders take the grading seed: hidden
checks get salted variations (shifts, rotations, noise) that no public pool contains.
"""
