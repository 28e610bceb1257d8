#!/usr/bin/env python3
"""Reference data for the engine's dequantization tests.

For every tensor type the engine reads, writes Tests/EngineTests/Data/quant/<TYPE>.bin:
    u32 rows, u32 cols (little-endian), rows × row-bytes of raw ggml blocks,
    then rows × cols float32 values: the blocks dequantized by gguf-py (the reference).
Rows 0-1 come from gguf-py quantizing random data where it can; the other rows are random
bytes with valid f16 scale fields, so every bit pattern of the quantized values is exercised.

Run from the package root: python3 scripts/make-quant-testdata.py (needs numpy and gguf).
"""
import pathlib
import struct

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

ROWS, COLS = 4, 256
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/EngineTests/Data/quant"

# Byte offsets of the f16 scale fields inside one block, per type.
SCALE_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
}


def random_blocks(rng, qtype, rows):
    block_size, block_bytes = quants.GGML_QUANT_SIZES[qtype]
    n_blocks = rows * COLS // block_size
    raw = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
    for offset in SCALE_FIELDS[qtype]:
        scale = (rng.standard_normal(n_blocks) * 0.02).astype(np.float16)
        raw[:, offset:offset + 2] = scale.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(rows, -1)


def float_rows(rng, rows):
    # Rows of different magnitudes, one with an outlier, as weights have.
    x = rng.standard_normal((rows, COLS)).astype(np.float32)
    x *= np.array([0.02, 1.5, 0.3, 40.0][:rows], dtype=np.float32)[:, None]
    x[0, 7] = 0.9
    return x


def make(qtype, rng):
    if qtype == T.F32:
        raw = float_rows(rng, ROWS).view(np.uint8)
    elif qtype == T.F16:
        raw = float_rows(rng, ROWS).astype(np.float16).view(np.uint8)
    elif qtype == T.BF16:
        raw = quants.quantize(float_rows(rng, ROWS), qtype)
    else:
        try:
            made = quants.quantize(float_rows(rng, 2), qtype)
        except NotImplementedError:
            made = random_blocks(rng, qtype, 2)
        raw = np.concatenate([made, random_blocks(rng, qtype, ROWS - 2)])
    raw = np.ascontiguousarray(raw, dtype=np.uint8).reshape(ROWS, -1)
    if qtype == T.F32:
        values = raw.view(np.float32)
    elif qtype == T.F16:
        values = raw.view(np.float16).astype(np.float32)
    else:
        values = quants.dequantize(raw, qtype)
    values = np.ascontiguousarray(values, dtype="<f4").reshape(ROWS, COLS)
    assert np.isfinite(values).all(), qtype.name
    return raw, values


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20250207)
    for qtype in [T.F32, T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q4_K, T.Q5_K, T.Q6_K]:
        raw, values = make(qtype, rng)
        path = OUT / f"{qtype.name}.bin"
        path.write_bytes(struct.pack("<II", ROWS, COLS) + raw.tobytes() + values.tobytes())
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
