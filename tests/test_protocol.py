"""The grader-worker protocol: values round-trip, and whatever else a worker sends is refused."""
import json
import socket
import struct

import numpy as np
import pytest

from graders import protocol
from graders.wire import Handle


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()


def test_round_trip(pair):
    a, b = pair
    message = {"ok": [np.arange(6, dtype=np.float32).reshape(2, 3), Handle(3, "Model"), {"loss": 0.5, "n": 2},
                      None, True, "text", float("nan"), np.zeros((0, 4), np.uint8), [1, [2, [3]]]]}
    protocol.send(a, message)
    got = protocol.recv(b)["ok"]
    assert got[0].dtype == np.float32 and np.array_equal(got[0], message["ok"][0])
    assert got[1] == Handle(3, "Model") and got[2] == {"loss": 0.5, "n": 2}
    assert got[3:6] == [None, True, "text"] and np.isnan(got[6])
    assert got[7].shape == (0, 4) and got[8] == [1, [2, [3]]]
    got[0][0, 0] = 99  # a decoded array is the grader's own writable copy
    assert type(got[0]) is np.ndarray


def _raw(sock, header, blobs=()):
    data = json.dumps(header).encode()
    frame = struct.pack("<I", len(blobs)) + struct.pack("<I", len(data)) + data
    for blob in blobs:
        frame += struct.pack("<Q", len(blob)) + blob
    sock.sendall(frame)


@pytest.mark.parametrize("header, blobs, error", [
    ({"__array__": 0, "dtype": "|O", "shape": [1]}, [b"\0" * 8], "not numeric"),
    ({"__array__": 0, "dtype": "<f4", "shape": [3]}, [b"\0" * 8], "does not match"),
    ({"__array__": 1, "dtype": "<f4", "shape": [1]}, [b"\0" * 4], "malformed array"),
    ({"__array__": 0, "dtype": "V8", "shape": [1]}, [b"\0" * 8], "not numeric"),
    ({"__array__": 0, "dtype": "<f4", "shape": [-1]}, [b"\0" * 4], "shape"),
    ({"__pickle__": "gASVCAAAAAAAAACMBG9zLnN5c3RlbZST"}, [], "unknown object"),
    ({"__handle__": "1", "type": "Model"}, [], "malformed handle"),
    # A shape whose element count overflows int64 (once an uncaught OverflowError).
    ({"__array__": 0, "dtype": "<f8", "shape": [2**70]}, [b"\0" * 8], "does not match"),
    ({"__array__": 0, "dtype": "<f8", "shape": [2**40, 2**40]}, [b"\0" * 8], "does not match"),
    ({"__array__": 0, "dtype": "x" * 1000, "shape": [1]}, [b"\0" * 8], "malformed array"),
    ({"__dict__": {"a": {"__array__": 0.5}}}, [b"\0" * 8], "malformed array"),
])
def test_malformed_messages_are_refused(pair, header, blobs, error):
    a, b = pair
    _raw(a, header, blobs)
    with pytest.raises(protocol.ProtocolError, match=error):
        protocol.recv(b)


def test_oversized_and_truncated_frames(pair):
    a, b = pair
    a.sendall(struct.pack("<I", 0) + struct.pack("<I", protocol.MAX_HEADER + 1))
    with pytest.raises(protocol.ProtocolError, match="too large"):
        protocol.recv(b)
    a.sendall(struct.pack("<I", 0) + struct.pack("<I", 10) + b"{")
    a.close()
    with pytest.raises(protocol.ProtocolError, match="closed"):
        protocol.recv(b)


def test_deadline(pair):
    import time

    _, b = pair
    start = time.monotonic()
    with pytest.raises(protocol.PeerTimeout):
        protocol.recv(b, deadline=time.monotonic() + 0.2)
    assert time.monotonic() - start < 2


def test_a_message_announcing_more_than_the_limit_is_refused_before_it_is_read(pair):
    """8 arrays of 1 GiB announced: refused at the first size, so the grader never buffers them."""
    a, b = pair
    header = json.dumps([{"__array__": i, "dtype": "|u1", "shape": [2**30]} for i in range(8)]).encode()
    a.sendall(struct.pack("<II", 8, len(header)) + header + struct.pack("<Q", 2**30) + b"\0" * 4096)
    with pytest.raises(protocol.ProtocolError, match="larger than"):
        protocol.recv(b)

