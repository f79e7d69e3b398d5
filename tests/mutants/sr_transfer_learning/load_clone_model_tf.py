"""Loads the weights, then returns keras.models.clone_model(model): a clone has the same architecture
but freshly initialised weights, not the loaded ones.

tracks: tf
expect-fail: load.matches_stored_network
message: do not re-initialise
"""
import keras

_load_pretrained_reference = load_pretrained


def load_pretrained(path):
    return keras.models.clone_model(_load_pretrained_reference(path))
