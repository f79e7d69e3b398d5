"""Ignores the style_weight argument (always the default 20): the result does not follow the weight asked for.

tracks: torch
expect-fail: transfer.follows_style_weight
message: does not follow style_weight
"""

_reference_transfer = transfer_style


def transfer_style(extractor, content, style, steps, seed, style_weight=20.0, lr=0.03):
    return _reference_transfer(extractor, content, style, steps, seed, 20.0, lr)
