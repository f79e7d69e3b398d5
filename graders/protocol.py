"""Messages between the trusted grader and a sandboxed worker: JSON plus raw array bytes, never pickle.

A frame is ``[u32 header length][header JSON][u64 n][n bytes]...``: the header is a JSON value in
which every numpy array is replaced by ``{"__array__": i, "dtype": "<f4", "shape": [...]}`` pointing
at the i-th byte blob after it. Decoding accepts only numeric or boolean dtypes and checks that each
blob's size matches its shape, so whatever a worker sends becomes wire values
(:mod:`graders.wire`: JSON values, numeric arrays, handles) or a :class:`ProtocolError`, never code.
"""
from __future__ import annotations

import json
import math
import socket
import struct
import time
from typing import Any

import numpy as np

from .wire import Handle

# Bounds on one message as a whole, so the grading process's memory stays bounded whatever a worker
# sends: at most MAX_MESSAGE_BYTES buffered per worker (a model's weights or a batch of outputs here
# are a few megabytes).
MAX_HEADER = 16 * 2**20
MAX_MESSAGE_BYTES = 256 * 2**20
MAX_ARRAYS = 10_000


class ProtocolError(Exception):
    """The other side sent something that is not a valid message (or closed the connection)."""


class PeerTimeout(ProtocolError):
    """No complete message arrived before the deadline."""


def _encode(value: Any, blobs: list[np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        blobs.append(np.ascontiguousarray(value))
        return {"__array__": len(blobs) - 1, "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, Handle):
        return {"__handle__": value.id, "type": value.type_name}
    if isinstance(value, (list, tuple)):
        return [_encode(v, blobs) for v in value]
    if isinstance(value, dict):
        return {"__dict__": {k: _encode(v, blobs) for k, v in value.items()}}
    return value


def _decode(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, list):
        return [_decode(v, blobs) for v in value]
    if isinstance(value, dict):
        if "__dict__" in value:
            inner = value["__dict__"]
            if not isinstance(inner, dict):
                raise ProtocolError("malformed dict")
            return {k: _decode(v, blobs) for k, v in inner.items()}
        if "__handle__" in value:
            if type(value["__handle__"]) is not int or type(value.get("type")) is not str:
                raise ProtocolError("malformed handle")
            return Handle(value["__handle__"], value["type"][:100])
        if "__array__" in value:
            return _decode_array(value, blobs)
        raise ProtocolError("unknown object in message")
    return value


def _decode_array(spec: dict, blobs: list[bytes]) -> np.ndarray:
    index, dtype, shape = spec.get("__array__"), spec.get("dtype"), spec.get("shape")
    if type(index) is not int or not 0 <= index < len(blobs) or type(dtype) is not str or len(dtype) > 16:
        raise ProtocolError("malformed array")
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape) or len(shape) > 32:
        raise ProtocolError("malformed array shape")
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        raise ProtocolError(f"unknown dtype {dtype[:16]!r}") from None
    if dt.kind not in "biuf" or dt.fields is not None or dt.subdtype is not None:
        raise ProtocolError(f"dtype {dtype!r} is not numeric")
    blob = blobs[index]
    if math.prod(shape) * dt.itemsize != len(blob):  # Python ints: a shape of [2**70] cannot overflow
        raise ProtocolError("array size does not match its shape")
    return np.frombuffer(blob, dtype=dt).reshape(shape).copy()


def send(sock: socket.socket, message: Any) -> None:
    blobs: list[np.ndarray] = []
    header = json.dumps(_encode(message, blobs), allow_nan=True).encode()
    parts = [struct.pack("<I", len(header)), header]
    for blob in blobs:
        data = blob.tobytes()
        parts += [struct.pack("<Q", len(data)), data]
    sock.sendall(struct.pack("<I", len(blobs)) + b"".join(parts))


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytearray:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PeerTimeout("timed out")
            sock.settimeout(remaining)
        try:
            count = sock.recv_into(view[got:], min(n - got, 4 * 2**20))
        except socket.timeout:
            raise PeerTimeout("timed out") from None
        except OSError as exc:
            raise ProtocolError(f"connection lost ({exc})") from None
        if not count:
            raise ProtocolError("connection closed")
        got += count
    return buf  # a bytearray: json and numpy read it without another copy


def recv(sock: socket.socket, deadline: float | None = None) -> Any:
    """Receive one message; arrays and handles come back decoded and checked as wire values.

    Anything malformed or oversized raises ProtocolError, and nothing more than MAX_MESSAGE_BYTES is
    ever buffered: the grader then treats the worker as crashed and kills it.
    """
    n_blobs, n_header = struct.unpack("<II", _recv_exact(sock, 8, deadline))
    if n_blobs > MAX_ARRAYS or n_header > MAX_HEADER:
        raise ProtocolError("message too large")
    try:
        header = json.loads(_recv_exact(sock, n_header, deadline))
    except (ValueError, RecursionError):
        raise ProtocolError("message header is not JSON") from None
    blobs, total = [], n_header
    for _ in range(n_blobs):
        (size,) = struct.unpack("<Q", _recv_exact(sock, 8, deadline))
        total += size
        if total > MAX_MESSAGE_BYTES:
            raise ProtocolError(f"message larger than {MAX_MESSAGE_BYTES // 2**20} MB")
        blobs.append(_recv_exact(sock, size, deadline))
    try:
        return _decode(header, blobs)
    except ProtocolError:
        raise
    except RecursionError:
        raise ProtocolError("message nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - whatever a forged frame trips over is a protocol error
        raise ProtocolError(f"malformed message ({type(exc).__name__})") from None
