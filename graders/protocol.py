"""Messages between the trusted grader and a sandboxed worker: JSON plus raw array bytes, never pickle.

A frame is ``[u32 header length][header JSON][u64 n][n bytes]...``: the header is a JSON value in
which every numpy array is replaced by ``{"__array__": i, "dtype": "<f4", "shape": [...]}`` pointing
at the i-th byte blob after it. Decoding accepts only numeric or boolean dtypes and checks that each
blob's size matches its shape, so whatever a worker sends becomes wire values
(:mod:`graders.wire`: JSON values, numeric arrays, handles) or a :class:`ProtocolError`, never code.
"""
from __future__ import annotations

import json
import socket
import struct
import time
from typing import Any

import numpy as np

from .wire import Handle

MAX_HEADER = 16 * 2**20
MAX_ARRAY_BYTES = 1 * 2**30
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
    if type(index) is not int or not 0 <= index < len(blobs) or type(dtype) is not str:
        raise ProtocolError("malformed array")
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape) or len(shape) > 32:
        raise ProtocolError("malformed array shape")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ProtocolError(f"unknown dtype {dtype!r}") from None
    if dt.kind not in "biuf" or dt.fields is not None or dt.subdtype is not None:
        raise ProtocolError(f"dtype {dtype!r} is not numeric")
    blob = blobs[index]
    if int(np.prod(shape, dtype=np.int64)) * dt.itemsize != len(blob):
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


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PeerTimeout("timed out")
            sock.settimeout(remaining)
        try:
            chunk = sock.recv(min(n - len(buf), 4 * 2**20))
        except socket.timeout:
            raise PeerTimeout("timed out") from None
        except OSError as exc:
            raise ProtocolError(f"connection lost ({exc})") from None
        if not chunk:
            raise ProtocolError("connection closed")
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket, deadline: float | None = None) -> Any:
    """Receive one message; arrays and handles come back decoded and checked as wire values."""
    (n_blobs,) = struct.unpack("<I", _recv_exact(sock, 4, deadline))
    (n_header,) = struct.unpack("<I", _recv_exact(sock, 4, deadline))
    if n_blobs > MAX_ARRAYS or n_header > MAX_HEADER:
        raise ProtocolError("message too large")
    try:
        header = json.loads(_recv_exact(sock, n_header, deadline))
    except ValueError:
        raise ProtocolError("message header is not JSON") from None
    blobs = []
    for _ in range(n_blobs):
        (size,) = struct.unpack("<Q", _recv_exact(sock, 8, deadline))
        if size > MAX_ARRAY_BYTES:
            raise ProtocolError("array too large")
        blobs.append(_recv_exact(sock, size, deadline))
    try:
        return _decode(header, blobs)
    except RecursionError:
        raise ProtocolError("message nested too deeply") from None
