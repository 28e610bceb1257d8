#!/usr/bin/env python3
"""Differential references for the vision tower and the image path: small random LLaVA towers of many
shapes, each in front of a small random GQA LLaMA decoder, run through llama.cpp's clip (libmtmd) and
llama.cpp's decoder; writes Tests/EngineTests/Data/clip-parity/ (read by VisionParityTests).

    LLAMA_CPP_LIB_PATH=/path/to/llama.cpp/build/bin scripts/make-clip-reference.py
    scripts/make-clip-reference.py --lib-path /path/to/llama.cpp/build/bin [--out DIR] [--steps N]

Needs `numpy`, `gguf` and `llama-cpp-python` (its ctypes bindings only: `llama_cpp.mtmd_cpp`), and a
build of llama.cpp with libmtmd.so, libllama.so and libggml*.so in one folder, given by --lib-path or
LLAMA_CPP_LIB_PATH. This script never builds llama.cpp.

For each case:
- `NAME-mmproj.gguf`: a random tower (scripts/make-vit-mmproj.py's writer) at the case's image and
  patch size, width, heads, FFN, blocks, epsilon, mean/std, activation, projector widths and type;
- `dec-WIDTH-...gguf`: a random LLaMA decoder as wide as the projector's output, with GQA, and
  SmolLM2's tokenizer cut to its first 320 tokens (those merges whose parts and result survive), so
  files stay small; decoders are shared between cases of the same shape;
- `NAME.png`: random RGB pixels of exactly the tower's input size (8-bit, lossless), so llama.cpp's
  preprocessing is only (x / 255 − mean) / std;
- `NAME-embd.f32`: llama.cpp's image embeddings, patches × width little-endian float32;
- in `manifest.json`: the prompt (token ids before and after the image), llama.cpp's greedy tokens for
  --steps steps and the gap between the two largest logits at each step; `epsilon_check`: how far
  llama.cpp's embeddings move when the tower's layer-norm epsilon is swapped (1e-5 ↔ 1e-6), so a
  tower that ignored the file's epsilon would fail; `stock_llama_cpp`: llama.cpp on the very file
  Loom reads, with its own class order and F16 convolution (relative L2 from the reference, and the
  greedy tokens it leads to).

Flash attention is off, in the tower and in the decoder, as it was by default in llama.cpp when
../shared/fixtures were made: on the CPU it rounds keys and values (and the decoder's queries) to F16,
where the plain path multiplies in F32.

The decoder runs in llama.cpp (llama_decode, 2 threads, its default F16 KV cache): the prefix tokens,
the image embeddings as one batch of embedding rows, the suffix tokens, then greedy steps — what
mtmd_helper_eval_chunks does for a LLaVA model.

The class embedding. LLaVA (and CLIP) put the class position first: position embedding 0 is the class
token's, patch i takes position embedding i + 1, and the projector drops the class row. Recent
llama.cpp's LLaVA graph appends the class embedding after the patches while still adding position
embeddings 0… in order and keeping rows 1…n: its patches take shifted position embeddings, the first
patch is lost and the class row goes to the decoder. So the script first finds which order the
library in hand uses, on ../shared/fixtures/tiny-llava (made by llama.cpp of February 2025, class
first): when the library appends, each tower is run twice on files whose position table is rotated to
match (and, in the second run, with the patches of the image moved one place along), which gives
llama.cpp's computation of LLaVA's tower for every patch; the manifest records `class_order`. The
GGUF files written here are always the plain (LLaVA) ones.

The patch convolution. llama.cpp's ggml_conv_2d unfolds the pixels into F16 (F32 only for a BF16
kernel) and so multiplies F16 pixels by an F16-rounded kernel: ~4e-4 relative L2 from an F32
convolution. Except in F16 towers, the kernel's values are made BF16-exact and the files given to
llama.cpp store them as BF16: the same numbers, convolved in F32 (see write_tower).
"""
import argparse
import ctypes
import hashlib
import importlib.util
import json
import os
import struct
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "fixtures")

spec = importlib.util.spec_from_file_location("make_vit_mmproj", os.path.join(HERE, "make-vit-mmproj.py"))
vit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vit)
TowerShape = vit.TowerShape

CLIP_MEAN, CLIP_STD = vit.IMAGE_MEAN, vit.IMAGE_STD

# name, tower, tower type, decoder (heads, kv heads, ffn, layers, type), seed
# The tower's `scale` is its matrices' standard deviation; `embed_scale` scales the patch convolution,
# class and position embeddings, so that the pre-layer-norm's input variance is near the epsilon and
# the epsilon matters.
CASES = [
    # The shape reported to drift: width 48, 6 heads of 8, FFN 96, 4 blocks, 84 px / 14, GQA 3 decoder.
    dict(name="w48h6-84p14-f32", tower=dict(image_size=84, patch_size=14, hidden=48, heads=6, ffn=96, blocks=4,
         projector_hidden=96, projection=96, epsilon=1e-6), type="f32", decoder=(6, 2, 192, 2, "q8_0"), seed=1),
    dict(name="w48h6-84p14-f16", tower=dict(image_size=84, patch_size=14, hidden=48, heads=6, ffn=96, blocks=4,
         projector_hidden=96, projection=96, epsilon=1e-6), type="f16", decoder=(6, 2, 192, 2, "q8_0"), seed=1),
    dict(name="w48h6-84p14-q8_0", tower=dict(image_size=84, patch_size=14, hidden=48, heads=6, ffn=96, blocks=4,
         projector_hidden=96, projection=96, epsilon=1e-6), type="q8_0", decoder=(6, 2, 192, 2, "q8_0"), seed=1),
    # Epsilon that matters: the pre-layer-norm's input is tiny.
    dict(name="w32h4-56p14-eps1e-6-gelu", tower=dict(image_size=56, patch_size=14, hidden=32, heads=4, ffn=64, blocks=3,
         projector_hidden=64, projection=64, epsilon=1e-6, use_gelu=True, embed_scale=0.003),
         type="f32", decoder=(4, 2, 128, 2, "f16"), seed=2),
    dict(name="w64h2-64p16-q8_0-mean05", tower=dict(image_size=64, patch_size=16, hidden=64, heads=2, ffn=128, blocks=3,
         projector_hidden=128, projection=64, epsilon=1e-5, mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5]),
         type="q8_0", decoder=(4, 1, 128, 2, "f16"), seed=3),
    dict(name="w40h5-70p10-gelu", tower=dict(image_size=70, patch_size=10, hidden=40, heads=5, ffn=80, blocks=3,
         projector_hidden=80, projection=80, epsilon=1e-5, use_gelu=True, mean=[0.4, 0.45, 0.5], std=[0.2, 0.25, 0.3]),
         type="f32", decoder=(5, 1, 160, 2, "f16"), seed=4),
    dict(name="w96h3-112p14-f16", tower=dict(image_size=112, patch_size=14, hidden=96, heads=3, ffn=192, blocks=2,
         projector_hidden=96, projection=64, epsilon=1e-6), type="f16", decoder=(4, 2, 128, 2, "f16"), seed=5),
    dict(name="w24h3-84p12-eps1e-4", tower=dict(image_size=84, patch_size=12, hidden=24, heads=3, ffn=48, blocks=2,
         projector_hidden=48, projection=48, epsilon=1e-4, embed_scale=0.01), type="f32", decoder=(3, 1, 96, 2, "f32"), seed=6, todays_names=True),
]

VOCAB = 320
PREFIX, SUFFIX = 4, 3


# MARK: - Files

def write_png(path, pixels):
    """8-bit RGB PNG, filter 0 on every row, no interlace."""
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def tower_shape(case):
    t = dict(case["tower"])
    t.pop("embed_scale", None)
    shape = TowerShape(**{k: v for k, v in t.items()})
    shape.scale = 1.0 / np.sqrt(shape.hidden)
    return shape


def bf16_exact(values):
    """The nearest values that BF16 holds exactly (round to nearest even), as F32."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def write_tower(path, case, position_order=None, for_llama_cpp=False, epsilon=None):
    """The case's tower; `position_order[r]` names the row of the LLaVA position table that row r of the
    written table holds (None: the table as is). `epsilon` replaces the case's.

    An F32 patch convolution runs in F16 in llama.cpp (ggml_conv_2d rounds the unfolded pixels to F16,
    then multiplies them by the kernel rounded to F16 as well), a BF16 one in F32. So unless the tower is
    F16, its kernel holds BF16-exact values, stored F32 in the file Loom reads and BF16 in the one
    llama.cpp reads (`for_llama_cpp`): the same numbers, multiplied in F32 by both."""
    embed_scale = case["tower"].get("embed_scale")
    exact_kernel = case["type"] != "f16"

    def transform(name, values):
        if embed_scale is not None and name in ("v.patch_embd.weight", "v.class_embd", "v.position_embd.weight"):
            values = values * (embed_scale / (0.02 if name == "v.class_embd" else tower_shape(case).scale))
        if exact_kernel and name == "v.patch_embd.weight":
            values = bf16_exact(values)
        if position_order is not None and name == "v.position_embd.weight":
            values = values[position_order]
        return values

    from gguf import GGMLQuantizationType
    shape = tower_shape(case)
    if epsilon is not None:
        shape.epsilon = epsilon
    types = {"v.patch_embd.weight": GGMLQuantizationType.BF16} if exact_kernel and for_llama_cpp else None
    return vit.write_mmproj(path, shape, case["type"], seed=1000 + case["seed"], name=case["name"],
                            description="random tower for the vision parity tests", transform=transform,
                            log=lambda *a, **k: None, tensor_types=types)


def smollm_tokenizer():
    from gguf import GGUFReader
    r = GGUFReader(os.path.join(SHARED, "tiny-llava", "tiny-llama-f32.gguf"))

    def strings(key):
        f = r.fields[key]
        return [bytes(f.parts[i]).decode("utf-8") for i in f.data]

    tokens = strings("tokenizer.ggml.tokens")[:VOCAB]
    kept = set(tokens)
    types = [int(r.fields["tokenizer.ggml.token_type"].parts[i][0]) for i in r.fields["tokenizer.ggml.token_type"].data][:VOCAB]
    merges = [m for m in strings("tokenizer.ggml.merges")
              if all(p in kept for p in m.split(" ")) and m.replace(" ", "") in kept]
    return tokens, types, merges


def write_decoder(path, width, heads, kv_heads, ffn, layers, type_name, seed):
    from gguf import GGMLQuantizationType, GGUFWriter, quants
    tokens, types, merges = smollm_tokenizer()
    rng = np.random.default_rng(seed)
    head_dim = width // heads
    w = GGUFWriter(path, "llama")
    w.add_name(os.path.basename(path)[:-5])
    w.add_description("random LLaMA decoder for the vision parity tests (seeded)")
    w.add_file_type({"f32": 0, "f16": 1, "q8_0": 7}[type_name])
    w.add_context_length(512)
    w.add_embedding_length(width)
    w.add_block_count(layers)
    w.add_feed_forward_length(ffn)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(VOCAB)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_pad_token_id(2)
    w.add_add_bos_token(False)
    w.add_add_space_prefix(False)

    def matrix(name, rows, cols, scale):
        values = (rng.standard_normal((rows, cols), dtype=np.float32) * scale).astype(np.float32)
        if type_name == "q8_0" and cols % 32 == 0 and name != "token_embd.weight":
            w.add_tensor(name, quants.quantize(values, GGMLQuantizationType.Q8_0), raw_dtype=GGMLQuantizationType.Q8_0)
        elif type_name == "f16" and name != "token_embd.weight":
            w.add_tensor(name, values.astype(np.float16))
        else:
            w.add_tensor(name, values)

    def norm(name, n):
        w.add_tensor(name, (1.0 + rng.standard_normal(n, dtype=np.float32) * 0.1).astype(np.float32))

    matrix("token_embd.weight", VOCAB, width, 1.0)
    for i in range(layers):
        b = f"blk.{i}."
        norm(b + "attn_norm.weight", width)
        matrix(b + "attn_q.weight", width, width, 1.0 / np.sqrt(width))
        matrix(b + "attn_k.weight", kv_heads * head_dim, width, 1.0 / np.sqrt(width))
        matrix(b + "attn_v.weight", kv_heads * head_dim, width, 1.0 / np.sqrt(width))
        matrix(b + "attn_output.weight", width, width, 1.0 / np.sqrt(width))
        norm(b + "ffn_norm.weight", width)
        matrix(b + "ffn_gate.weight", ffn, width, 1.0 / np.sqrt(width))
        matrix(b + "ffn_up.weight", ffn, width, 1.0 / np.sqrt(width))
        matrix(b + "ffn_down.weight", width, ffn, 1.0 / np.sqrt(ffn))
    norm("output_norm.weight", width)
    # Large logits, so that the top two are seldom within the tests' 0.05 of each other.
    matrix("output.weight", VOCAB, width, 8.0 / np.sqrt(width))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# MARK: - llama.cpp

class LlamaCpp:
    def __init__(self, lib_path):
        os.environ["LLAMA_CPP_LIB_PATH"] = lib_path
        os.environ["MTMD_CPP_LIB"] = lib_path
        import llama_cpp
        import llama_cpp.mtmd_cpp as mtmd
        self.l, self.m = llama_cpp, mtmd
        llama_cpp.llama_backend_init()
        self._quiet = llama_cpp.llama_log_callback(lambda level, text, data: None)
        llama_cpp.llama_log_set(self._quiet, None)
        mtmd.mtmd_log_set(self._quiet, None)
        mtmd.mtmd_helper_log_set(self._quiet, None)

    def load_decoder(self, path):
        l = self.l
        mp = l.llama_model_default_params()
        model = l.llama_model_load_from_file(path.encode(), mp)
        if not model:
            raise SystemExit(f"llama.cpp could not load {path}")
        return model

    def context(self, model):
        l = self.l
        cp = l.llama_context_default_params()
        cp.n_ctx, cp.n_batch, cp.n_ubatch = 512, 512, 512
        cp.n_threads = cp.n_threads_batch = 2
        cp.flash_attn_type = self.l.LLAMA_FLASH_ATTN_TYPE_DISABLED
        ctx = l.llama_init_from_model(model, cp)
        if not ctx:
            raise SystemExit("llama.cpp could not make a context")
        return ctx

    def encode(self, model, mmproj, pixels):
        """llama.cpp's image embeddings (n_patches × width) for `pixels` (S × S × 3 uint8)."""
        m = self.m
        params = m.mtmd_context_params_default()
        params.use_gpu = False
        params.n_threads = 2
        params.warmup = False
        params.print_timings = False
        params.flash_attn_type = self.l.LLAMA_FLASH_ATTN_TYPE_DISABLED
        ctx = m.mtmd_init_from_file(mmproj.encode(), model, params)
        if not ctx:
            raise SystemExit(f"libmtmd could not load {mmproj}")
        try:
            h, w, _ = pixels.shape
            data = (ctypes.c_uint8 * pixels.size).from_buffer_copy(np.ascontiguousarray(pixels).tobytes())
            bitmap = m.mtmd_bitmap_init(w, h, data)
            chunks = m.mtmd_input_chunks_init()
            text = m.mtmd_input_text()
            marker = m.mtmd_default_marker()
            text.text = marker
            if hasattr(text, "text_len"):
                text.text_len = len(marker)
            text.add_special = False
            text.parse_special = False
            bitmaps = (m.mtmd_bitmap_p_ctypes * 1)(bitmap)
            if m.mtmd_tokenize(ctx, chunks, ctypes.byref(text), bitmaps, 1) != 0:
                raise SystemExit("mtmd_tokenize failed")
            image = None
            for i in range(m.mtmd_input_chunks_size(chunks)):
                chunk = m.mtmd_input_chunks_get(chunks, i)
                if m.mtmd_input_chunk_get_type(chunk) == m.MTMD_INPUT_CHUNK_TYPE_IMAGE:
                    image = chunk
            n = m.mtmd_input_chunk_get_n_tokens(image)
            if m.mtmd_encode_chunk(ctx, image) != 0:
                raise SystemExit("mtmd_encode_chunk failed")
            width = self.l.llama_model_n_embd(model)
            out = m.mtmd_get_output_embd(ctx)
            embd = np.ctypeslib.as_array(out, shape=(n * width,)).copy().reshape(n, width)
            m.mtmd_input_chunks_free(chunks)
            m.mtmd_bitmap_free(bitmap)
            return embd
        finally:
            m.mtmd_free(ctx)

    def generate(self, model, prefix, embd, suffix, steps):
        """Greedy tokens and top-two logit gaps after prefix tokens, embedding rows, suffix tokens."""
        l = self.l
        ctx = self.context(model)
        try:
            vocab = l.llama_vocab_n_tokens(l.llama_model_get_vocab(model))
            pos = 0

            def decode_tokens(tokens):
                nonlocal pos
                batch = l.llama_batch_init(len(tokens), 0, 1)
                for i, t in enumerate(tokens):
                    batch.token[i] = t
                    batch.pos[i] = pos + i
                    batch.n_seq_id[i] = 1
                    batch.seq_id[i][0] = 0
                    batch.logits[i] = i == len(tokens) - 1
                batch.n_tokens = len(tokens)
                if l.llama_decode(ctx, batch) != 0:
                    raise SystemExit("llama_decode failed")
                l.llama_batch_free(batch)
                pos += len(tokens)

            def decode_rows(rows):
                nonlocal pos
                n, width = rows.shape
                batch = l.llama_batch_init(n, width, 1)
                flat = np.ascontiguousarray(rows, dtype=np.float32).ravel()
                ctypes.memmove(batch.embd, flat.ctypes.data, flat.nbytes)
                for i in range(n):
                    batch.pos[i] = pos + i
                    batch.n_seq_id[i] = 1
                    batch.seq_id[i][0] = 0
                    batch.logits[i] = False
                batch.n_tokens = n
                if l.llama_decode(ctx, batch) != 0:
                    raise SystemExit("llama_decode (embeddings) failed")
                l.llama_batch_free(batch)
                pos += n

            decode_tokens(prefix)
            decode_rows(embd)
            decode_tokens(suffix)
            tokens, gaps = [], []
            for _ in range(steps):
                logits = np.ctypeslib.as_array(l.llama_get_logits_ith(ctx, -1), shape=(vocab,)).copy()
                top = np.argsort(-logits, kind="stable")[:2]
                tokens.append(int(top[0]))
                gaps.append(float(logits[top[0]] - logits[top[1]]))
                decode_tokens([int(top[0])])
            return tokens, gaps
        finally:
            l.llama_free(ctx)


# MARK: - The class position

def patch_major(pixels, patch):
    """(S, S, 3) → (n, patch, patch, 3), patches in raster order."""
    s = pixels.shape[0]
    side = s // patch
    return pixels.reshape(side, patch, side, patch, 3).transpose(0, 2, 1, 3, 4).reshape(side * side, patch, patch, 3)


def from_patches(patches, s):
    n, p = patches.shape[0], patches.shape[1]
    side = s // p
    return patches.reshape(side, side, p, p, 3).transpose(0, 2, 1, 3, 4).reshape(s, s, 3)


def encode_stock(cpp, model, case, pixels, tmp):
    """llama.cpp's embedding of the very file Loom reads, however the library orders the class position."""
    path = os.path.join(tmp, case["name"] + "-stock.gguf")
    write_tower(path, case)
    return cpp.encode(model, path, pixels)


def encode_llava(cpp, model, case, pixels, tmp, class_last, epsilon=None):
    """llama.cpp's embedding of LLaVA's tower (class position first), whatever order the library uses."""
    def write(path, order):
        write_tower(path, case, order, for_llama_cpp=True, epsilon=epsilon)

    path = os.path.join(tmp, case["name"] + "-plain.gguf")
    write(path, None)
    if not class_last:
        return cpp.encode(model, path, pixels)
    n = (case["tower"]["image_size"] // case["tower"]["patch_size"]) ** 2
    # The library's row r < n is an image patch, row n the class; it adds position row r to row r and
    # keeps rows 1…n. Run A: patches in place; patch r must get LLaVA position r + 1, the class 0.
    a_path = os.path.join(tmp, case["name"] + "-a.gguf")
    write(a_path, [r + 1 for r in range(n)] + [0])
    a = cpp.encode(model, a_path, pixels)  # row k: patch k + 1
    # Run B: patch p moved to slot p + 1 (the last to slot 0), positions moved with them.
    patches = patch_major(pixels, case["tower"]["patch_size"])
    moved = np.roll(patches, 1, axis=0)  # slot r holds patch r − 1
    b_path = os.path.join(tmp, case["name"] + "-b.gguf")
    write(b_path, [((r - 1) % n) + 1 for r in range(n)] + [0])
    b = cpp.encode(model, b_path, from_patches(moved, case["tower"]["image_size"]))  # row k: patch k
    out = np.concatenate([b[: n - 1], a[n - 2: n - 1]], axis=0)
    return out


def relative_l2(a, b):
    return float(np.linalg.norm(a.astype(np.float64) - b) / np.linalg.norm(b.astype(np.float64)))


def write_with_todays_names(source, path):
    """A copy of `source` with each block's ffn_down and ffn_up names exchanged, as today's converters
    name them (ffn_up hidden → FFN); data and ggml shapes unchanged."""
    from gguf import GGUFReader, GGUFWriter, GGUFValueType
    r = GGUFReader(source)
    w = GGUFWriter(path, "clip")
    for key, field in r.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        kind = field.types[0]
        if kind == GGUFValueType.ARRAY:
            w.add_array(key, list(field.contents()))
        else:
            w.add_key_value(key, field.contents(), kind)
    for t in r.tensors:
        name = t.name
        if ".ffn_down." in name:
            name = name.replace(".ffn_down.", ".ffn_up.")
        elif ".ffn_up." in name:
            name = name.replace(".ffn_up.", ".ffn_down.")
        w.add_tensor(name, np.array(t.data), raw_shape=list(reversed([int(x) for x in t.shape])), raw_dtype=t.tensor_type)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def class_order(cpp):
    """Which order the library puts the class embedding in, from the shared tiny-llava reference."""
    ref = json.load(open(os.path.join(SHARED, "tiny-llava", "reference.json")))
    c = ref["cases"][0]
    s = 56
    pixels = np.fromfile(os.path.join(SHARED, "tiny-llava", c["pixels_file"]), dtype=np.uint8).reshape(s, s, 3)
    expected = np.fromfile(os.path.join(SHARED, "tiny-llava", c["embd_file"]), dtype="<f4").reshape(-1, 64)
    model = cpp.load_decoder(os.path.join(SHARED, "tiny-llava", "tiny-llama-f32.gguf"))
    plain = cpp.encode(model, os.path.join(SHARED, "tiny-llava", "tiny-mmproj-f32.gguf"), pixels)
    cpp.l.llama_model_free(model)
    error = np.abs(plain - expected).max() / np.abs(expected).max()
    return "first" if error < 1e-3 else "last", float(error)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lib-path", default=os.environ.get("LLAMA_CPP_LIB_PATH"),
                        help="folder with libmtmd.so, libllama.so, libggml*.so (default $LLAMA_CPP_LIB_PATH)")
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "EngineTests", "Data", "clip-parity"))
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--only", help="one case's name")
    args = parser.parse_args()
    if not args.lib_path or not os.path.exists(os.path.join(args.lib_path, "libmtmd.so")):
        raise SystemExit("give the folder of a llama.cpp build with libmtmd.so: --lib-path or LLAMA_CPP_LIB_PATH")
    os.makedirs(args.out, exist_ok=True)
    cpp = LlamaCpp(os.path.abspath(args.lib_path))
    order, order_error = class_order(cpp)
    print(f"llama.cpp puts the class embedding {order} (plain run vs the shared reference: {order_error:.2e})")

    manifest = {"generator": "scripts/make-clip-reference.py", "class_order": order, "flash_attention": False, "steps": args.steps, "cases": []}
    written = set()
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            if args.only and case["name"] != args.only:
                continue
            t = tower_shape(case)
            heads, kv_heads, ffn, layers, dtype = case["decoder"]
            decoder = f"dec-w{t.projection}-h{heads}kv{kv_heads}-ffn{ffn}-l{layers}-{dtype}.gguf"
            decoder_path = os.path.join(args.out, decoder)
            if decoder not in written:
                written.add(decoder)
                write_decoder(decoder_path, t.projection, heads, kv_heads, ffn, layers, dtype,
                              seed=int(hashlib.sha256(decoder.encode()).hexdigest()[:8], 16))
            mmproj = case["name"] + "-mmproj.gguf"
            types = write_tower(os.path.join(args.out, mmproj), case)
            rng = np.random.default_rng(2000 + case["seed"])
            pixels = rng.integers(0, 256, size=(t.image_size, t.image_size, 3), dtype=np.uint8)
            write_png(os.path.join(args.out, case["name"] + ".png"), pixels)

            model = cpp.load_decoder(decoder_path)
            embd = encode_llava(cpp, model, case, pixels, tmp, order == "last")
            embd.astype("<f4").tofile(os.path.join(args.out, case["name"] + "-embd.f32"))
            prompt_rng = np.random.default_rng(3000 + case["seed"])
            prefix = [int(x) for x in prompt_rng.integers(17, VOCAB, PREFIX)]
            suffix = [int(x) for x in prompt_rng.integers(17, VOCAB, SUFFIX)]
            tokens, gaps = cpp.generate(model, prefix, embd, suffix, args.steps)
            # What llama.cpp does with the file as it is (its class order, its F16 convolution).
            stock = encode_stock(cpp, model, case, pixels, tmp)
            stock_tokens, _ = cpp.generate(model, prefix, stock, suffix, args.steps)
            # How much the epsilon matters: the same tower with 1e-5 (the common value) instead.
            other_epsilon = 1e-5 if t.epsilon != 1e-5 else 1e-6
            other = encode_llava(cpp, model, case, pixels, tmp, order == "last", epsilon=other_epsilon)
            cpp.l.llama_model_free(model)
            if case.get("todays_names"):
                # The same tower with today's MLP names: llama.cpp must read it as the same tower.
                renamed = case["name"] + "-mmproj-todays-names.gguf"
                write_with_todays_names(os.path.join(args.out, mmproj), os.path.join(args.out, renamed))
                model = cpp.load_decoder(decoder_path)
                same = encode_stock(cpp, model, case, pixels, tmp)
                renamed_stock = cpp.encode(model, os.path.join(args.out, renamed), pixels)
                cpp.l.llama_model_free(model)
                if not np.array_equal(same, renamed_stock):
                    raise SystemExit(f"{renamed}: llama.cpp reads it differently from {mmproj}")
            entry = {
                "name": case["name"], "mmproj": mmproj, "decoder": decoder, "image": case["name"] + ".png",
                "embd_file": case["name"] + "-embd.f32", "patches": int(embd.shape[0]), "width": int(embd.shape[1]),
                "tower": {"image_size": t.image_size, "patch_size": t.patch_size, "hidden": t.hidden, "heads": t.heads,
                          "ffn": t.ffn, "blocks": t.blocks, "epsilon": t.epsilon, "mean": t.mean, "std": t.std,
                          "use_gelu": t.use_gelu, "projector_hidden": t.projector_hidden, "projection": t.projection,
                          "type": case["type"], "matrix_types": sorted(set(types.values()))},
                "decoder_shape": {"heads": heads, "kv_heads": kv_heads, "ffn": ffn, "layers": layers, "type": dtype},
                "prefix_ids": prefix, "suffix_ids": suffix, "generated_ids": tokens,
                "gaps": [round(g, 6) for g in gaps],
                "epsilon_check": {"epsilon": other_epsilon, "relative_l2": relative_l2(other, embd)},
                "stock_llama_cpp": {"relative_l2": relative_l2(stock, embd), "generated_ids": stock_tokens},
            }
            if case.get("todays_names"):
                entry["mmproj_todays_names"] = renamed
            manifest["cases"].append(entry)
            print(f"{case['name']}: {embd.shape[0]}×{embd.shape[1]}, |embd| ≤ {np.abs(embd).max():.3g}, "
                  f"tokens {tokens[:8]}…, smallest gap {min(gaps):.3g}")
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
