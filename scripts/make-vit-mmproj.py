#!/usr/bin/env python3
"""Writes a random LLaVA mmproj GGUF at a real CLIP shape, for benchmarks.

Shapes (`--shape`):
- `vit-b16` (default): CLIP ViT-B/16 at 224 px (196 patches + CLS, hidden 768, 12 heads, FFN 3072, 13
  blocks of which LLaVA runs 12).
- `clip-l-336`: LLaVA-1.5's tower, CLIP ViT-L/14 at 336 px (576 patches + CLS, hidden 1024, 16 heads,
  FFN 4096, 24 blocks of which LLaVA runs 23).
Both with LLaVA's two-layer MLP projector to `--projection` wide (default 576, SmolLM2-135M's width;
4096 for a 7B decoder), quick-GELU, CLIP's image mean and std. Metadata and tensor names, order and ggml
shapes mirror ../shared/fixtures/tiny-llava/tiny-mmproj-f32.gguf. With --type f16, matrices and the
patch convolution are F16 and vectors stay F32, as llama.cpp's converter does.

Needs the `gguf` and `numpy` Python packages. Files are ~350 MB (ViT-B F32) to ~600 MB (CLIP-L F16):
keep them out of git. The default path is ~/.cache/loom/bench/SHAPE-mmproj-TYPE[-pPROJECTION].gguf:
    scripts/make-vit-mmproj.py
    scripts/make-vit-mmproj.py --shape clip-l-336 --type f16
"""
import argparse
import os

import numpy as np
from gguf import GGUFWriter

SHAPES = {
    # name: image size, patch size, hidden, heads, FFN, blocks
    "vit-b16": (224, 16, 768, 12, 3072, 13),
    "clip-l-336": (336, 14, 1024, 16, 4096, 24),
}
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", help="output file (default ~/.cache/loom/bench/SHAPE-mmproj-TYPE.gguf)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="vit-b16")
    parser.add_argument("--type", choices=["f32", "f16"], default="f32", help="type of the matrices")
    parser.add_argument("--projection", type=int, default=576, help="the decoder's width")
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    IMAGE_SIZE, PATCH_SIZE, HIDDEN, HEADS, FFN, BLOCKS = SHAPES[args.shape]
    PROJECTION = args.projection
    suffix = "" if PROJECTION == 576 else f"-p{PROJECTION}"
    path = args.path or os.path.expanduser(f"~/.cache/loom/bench/{args.shape}-mmproj-{args.type}{suffix}.gguf")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    rng = np.random.default_rng(args.seed)
    matrix_type = np.float16 if args.type == "f16" else np.float32

    def matrix(*shape, scale=0.02):
        """A weight of numpy shape `shape` (ggml order reversed): F16 with --type f16."""
        return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(matrix_type)

    def vector(n, mean=0.0, scale=0.02):
        return (mean + rng.standard_normal(n, dtype=np.float32) * scale).astype(np.float32)

    w = GGUFWriter(path, "clip")
    w.add_name(f"{args.shape}-random")
    w.add_description(f"image encoder for LLaVA (random {args.shape} shape, seeded, for benchmarks)")
    w.add_file_type(1 if args.type == "f16" else 0)
    w.add_bool("clip.has_text_encoder", False)
    w.add_bool("clip.has_vision_encoder", True)
    w.add_bool("clip.has_llava_projector", True)
    w.add_string("clip.projector_type", "mlp")
    w.add_uint32("clip.vision.image_size", IMAGE_SIZE)
    w.add_uint32("clip.vision.patch_size", PATCH_SIZE)
    w.add_uint32("clip.vision.embedding_length", HIDDEN)
    w.add_uint32("clip.vision.feed_forward_length", FFN)
    w.add_uint32("clip.vision.projection_dim", PROJECTION)
    w.add_uint32("clip.vision.attention.head_count", HEADS)
    w.add_float32("clip.vision.attention.layer_norm_epsilon", 1e-5)
    w.add_uint32("clip.vision.block_count", BLOCKS)
    w.add_array("clip.vision.image_mean", IMAGE_MEAN)
    w.add_array("clip.vision.image_std", IMAGE_STD)
    w.add_bool("clip.use_gelu", False)

    positions = (IMAGE_SIZE // PATCH_SIZE) ** 2 + 1
    w.add_tensor("v.patch_embd.weight", matrix(HIDDEN, 3, PATCH_SIZE, PATCH_SIZE))
    w.add_tensor("v.class_embd", vector(HIDDEN))
    w.add_tensor("v.position_embd.weight", matrix(positions, HIDDEN))
    w.add_tensor("v.pre_ln.weight", vector(HIDDEN, mean=1.0))
    w.add_tensor("v.pre_ln.bias", vector(HIDDEN))
    for i in range(BLOCKS):
        b = f"v.blk.{i}."
        w.add_tensor(b + "ln1.weight", vector(HIDDEN, mean=1.0))
        w.add_tensor(b + "ln1.bias", vector(HIDDEN))
        for name in ("attn_q", "attn_k", "attn_v", "attn_out"):
            w.add_tensor(b + name + ".weight", matrix(HIDDEN, HIDDEN))
            w.add_tensor(b + name + ".bias", vector(HIDDEN))
        w.add_tensor(b + "ln2.weight", vector(HIDDEN, mean=1.0))
        w.add_tensor(b + "ln2.bias", vector(HIDDEN))
        # llama.cpp's names: ffn_down is the first MLP matrix (hidden → FFN), ffn_up the second.
        w.add_tensor(b + "ffn_down.weight", matrix(FFN, HIDDEN))
        w.add_tensor(b + "ffn_down.bias", vector(FFN))
        w.add_tensor(b + "ffn_up.weight", matrix(HIDDEN, FFN))
        w.add_tensor(b + "ffn_up.bias", vector(HIDDEN))
    w.add_tensor("mm.0.weight", matrix(PROJECTION, HIDDEN))
    w.add_tensor("mm.0.bias", vector(PROJECTION))
    w.add_tensor("mm.2.weight", matrix(PROJECTION, PROJECTION))
    w.add_tensor("mm.2.bias", vector(PROJECTION))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(path)


if __name__ == "__main__":
    main()
