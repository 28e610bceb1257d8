#!/usr/bin/env python3
"""Writes a random LLaVA mmproj GGUF at a real CLIP shape (for benchmarks) or at any shape.

Shapes (`--shape`):
- `vit-b16` (default): CLIP ViT-B/16 at 224 px (196 patches + CLS, hidden 768, 12 heads, FFN 3072, 13
  blocks of which LLaVA runs 12).
- `clip-l-336`: LLaVA-1.5's tower, CLIP ViT-L/14 at 336 px (576 patches + CLS, hidden 1024, 16 heads,
  FFN 4096, 24 blocks of which LLaVA runs 23).
Both with LLaVA's two-layer MLP projector to `--projection` wide (default 576, SmolLM2-135M's width;
4096 for a 7B decoder), quick-GELU, CLIP's image mean and std, layer-norm epsilon 1e-5. Metadata and
tensor names, order and ggml shapes mirror ../shared/fixtures/tiny-llava/tiny-mmproj-f32.gguf.

Every part of the shape can be set on its own, starting from `--shape`: --image-size, --patch-size,
--hidden, --heads, --ffn, --blocks, --epsilon, --mean R G B, --std R G B, --projector-hidden (mm.0's
outputs; default the projection), --projection (mm.2's outputs), --activation gelu|quick-gelu
(`clip.use_gelu`), --scale (standard deviation of the random matrices).

Types (`--type`):
- f32: everything F32.
- f16, bf16: matrices, the position embedding and the patch convolution in that type, vectors F32, as
  llama.cpp's converter writes them.
- q8_0, q4_0, q4_1, q5_0, q5_1: as llama.cpp's CLIP quantizer turns an F32 file into one: a tensor is
  quantized when its name ends in "weight", it has two dimensions and its rows (ggml ne[0]) are longer
  than one block; everything else stays F32 (the patch convolution has four dimensions; class
  embedding, biases and norms are vectors). A row whose length is not a whole number of blocks cannot
  be quantized (llama.cpp would abort): such a tensor stays F32 here, and the script says so.

Needs the `gguf` and `numpy` Python packages. Files are ~350 MB (ViT-B F32) to ~600 MB (CLIP-L F16):
keep them out of git. The default path is ~/.cache/loom/bench/SHAPE-mmproj-TYPE[-pPROJECTION].gguf
(SHAPE gets "-custom" when a shape flag changes it):
    scripts/make-vit-mmproj.py
    scripts/make-vit-mmproj.py --shape clip-l-336 --type q8_0
    scripts/make-vit-mmproj.py out.gguf --image-size 84 --patch-size 14 --hidden 48 --heads 6 --ffn 96 --blocks 4 --projection 96
"""
import argparse
import os
import sys
from dataclasses import dataclass, field, replace

import numpy as np
from gguf import GGMLQuantizationType, GGUFWriter, quants

SHAPES = {
    # name: image size, patch size, hidden, heads, FFN, blocks
    "vit-b16": (224, 16, 768, 12, 3072, 13),
    "clip-l-336": (336, 14, 1024, 16, 4096, 24),
}
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]

# --type: ggml type of the matrices, general.file_type (llama_ftype) of the file
TYPES = {
    "f32": (GGMLQuantizationType.F32, 0),
    "f16": (GGMLQuantizationType.F16, 1),
    "q4_0": (GGMLQuantizationType.Q4_0, 2),
    "q4_1": (GGMLQuantizationType.Q4_1, 3),
    "q8_0": (GGMLQuantizationType.Q8_0, 7),
    "q5_0": (GGMLQuantizationType.Q5_0, 8),
    "q5_1": (GGMLQuantizationType.Q5_1, 9),
    "bf16": (GGMLQuantizationType.BF16, 32),
}
QUANTIZED = {"q8_0", "q4_0", "q4_1", "q5_0", "q5_1"}


@dataclass
class TowerShape:
    image_size: int
    patch_size: int
    hidden: int
    heads: int
    ffn: int
    blocks: int
    projection: int = 576
    projector_hidden: int = 0  # 0: the projection
    epsilon: float = 1e-5
    mean: list = field(default_factory=lambda: list(IMAGE_MEAN))
    std: list = field(default_factory=lambda: list(IMAGE_STD))
    use_gelu: bool = False
    scale: float = 0.02

    @staticmethod
    def named(name):
        image, patch, hidden, heads, ffn, blocks = SHAPES[name]
        return TowerShape(image, patch, hidden, heads, ffn, blocks)


def write_mmproj(path, shape, type_name="f32", seed=1234, name="random", description=None, log=print, transform=None,
                 tensor_types=None):
    """Writes a random mmproj file of `shape` with matrices of `type_name`; returns the tensor types.
    `transform(name, values)`, when given, may change each tensor's F32 values before they are stored;
    `tensor_types` ({name: GGMLQuantizationType}) sets the type of named tensors."""
    s = shape
    if s.image_size % s.patch_size or s.hidden % s.heads:
        raise SystemExit(f"image size {s.image_size} must be a multiple of the patch {s.patch_size}, "
                         f"hidden {s.hidden} of the heads {s.heads}")
    projector_hidden = s.projector_hidden or s.projection
    matrix_type, file_type = TYPES[type_name]
    rng = np.random.default_rng(seed)
    types = {}

    w = GGUFWriter(path, "clip")

    def add(tensor_name, values, is_matrix):
        """Adds a tensor of numpy shape `values.shape` (ggml order reversed) in the type --type gives it."""
        if transform is not None:
            values = transform(tensor_name, values)
        values = np.ascontiguousarray(values, dtype=np.float32)
        qtype = GGMLQuantizationType.F32
        if is_matrix and type_name in ("f16", "bf16"):
            qtype = matrix_type
        elif type_name in QUANTIZED and tensor_name.endswith("weight") and values.ndim == 2:
            block = quants.GGML_QUANT_SIZES[matrix_type][0]
            row = values.shape[-1]
            if row > block and row % block == 0:
                qtype = matrix_type
            elif row > block:
                log(f"{tensor_name}: rows of {row} are not whole {block}-value blocks: kept F32", file=sys.stderr)
        qtype = (tensor_types or {}).get(tensor_name, qtype)
        types[tensor_name] = qtype.name
        if qtype == GGMLQuantizationType.F32:
            w.add_tensor(tensor_name, values)
        elif qtype == GGMLQuantizationType.F16:
            w.add_tensor(tensor_name, values.astype(np.float16))
        else:
            w.add_tensor(tensor_name, quants.quantize(values, qtype), raw_dtype=qtype)

    def matrix(tensor_name, *numpy_shape):
        add(tensor_name, rng.standard_normal(numpy_shape, dtype=np.float32) * s.scale, True)

    def vector(tensor_name, n, mean=0.0, scale=0.02):
        add(tensor_name, mean + rng.standard_normal(n, dtype=np.float32) * scale, False)

    w.add_name(name)
    w.add_description(description or f"image encoder for LLaVA ({name}, random, seeded)")
    w.add_file_type(file_type)
    if type_name in QUANTIZED:
        w.add_quantization_version(2)
    w.add_bool("clip.has_text_encoder", False)
    w.add_bool("clip.has_vision_encoder", True)
    w.add_bool("clip.has_llava_projector", True)
    w.add_string("clip.projector_type", "mlp")
    w.add_uint32("clip.vision.image_size", s.image_size)
    w.add_uint32("clip.vision.patch_size", s.patch_size)
    w.add_uint32("clip.vision.embedding_length", s.hidden)
    w.add_uint32("clip.vision.feed_forward_length", s.ffn)
    w.add_uint32("clip.vision.projection_dim", s.projection)
    w.add_uint32("clip.vision.attention.head_count", s.heads)
    w.add_float32("clip.vision.attention.layer_norm_epsilon", s.epsilon)
    w.add_uint32("clip.vision.block_count", s.blocks)
    w.add_array("clip.vision.image_mean", [float(x) for x in s.mean])
    w.add_array("clip.vision.image_std", [float(x) for x in s.std])
    w.add_bool("clip.use_gelu", bool(s.use_gelu))

    H, F = s.hidden, s.ffn
    positions = (s.image_size // s.patch_size) ** 2 + 1
    matrix("v.patch_embd.weight", H, 3, s.patch_size, s.patch_size)
    vector("v.class_embd", H)
    matrix("v.position_embd.weight", positions, H)
    vector("v.pre_ln.weight", H, mean=1.0)
    vector("v.pre_ln.bias", H)
    for i in range(s.blocks):
        b = f"v.blk.{i}."
        vector(b + "ln1.weight", H, mean=1.0)
        vector(b + "ln1.bias", H)
        for part in ("attn_q", "attn_k", "attn_v", "attn_out"):
            matrix(b + part + ".weight", H, H)
            vector(b + part + ".bias", H)
        vector(b + "ln2.weight", H, mean=1.0)
        vector(b + "ln2.bias", H)
        # llama.cpp's names: ffn_down is the first MLP matrix (hidden → FFN), ffn_up the second.
        matrix(b + "ffn_down.weight", F, H)
        vector(b + "ffn_down.bias", F)
        matrix(b + "ffn_up.weight", H, F)
        vector(b + "ffn_up.bias", H)
    matrix("mm.0.weight", projector_hidden, H)
    vector("mm.0.bias", projector_hidden)
    matrix("mm.2.weight", s.projection, projector_hidden)
    vector("mm.2.bias", s.projection)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return types


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", help="output file (default ~/.cache/loom/bench/SHAPE-mmproj-TYPE.gguf)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="vit-b16", help="the shape the flags below start from")
    parser.add_argument("--type", choices=list(TYPES), default="f32", help="type of the matrices")
    parser.add_argument("--projection", type=int, default=576, help="the decoder's width (mm.2's outputs)")
    parser.add_argument("--projector-hidden", type=int, help="mm.0's outputs (default: the projection)")
    parser.add_argument("--image-size", type=int)
    parser.add_argument("--patch-size", type=int)
    parser.add_argument("--hidden", type=int, help="the tower's width")
    parser.add_argument("--heads", type=int)
    parser.add_argument("--ffn", type=int)
    parser.add_argument("--blocks", type=int, help="encoder blocks in the file (LLaVA runs all but the last)")
    parser.add_argument("--epsilon", type=float, help="layer-norm epsilon (default 1e-5)")
    parser.add_argument("--mean", type=float, nargs=3, metavar=("R", "G", "B"), help="image mean (default CLIP's)")
    parser.add_argument("--std", type=float, nargs=3, metavar=("R", "G", "B"), help="image std (default CLIP's)")
    parser.add_argument("--activation", choices=["quick-gelu", "gelu"], default="quick-gelu",
                        help="the encoder MLP's activation (clip.use_gelu)")
    parser.add_argument("--scale", type=float, default=0.02, help="standard deviation of the random matrices")
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()

    shape = TowerShape.named(args.shape)
    overrides = {k: v for k, v in {
        "image_size": args.image_size, "patch_size": args.patch_size, "hidden": args.hidden,
        "heads": args.heads, "ffn": args.ffn, "blocks": args.blocks, "epsilon": args.epsilon,
        "mean": args.mean, "std": args.std, "projector_hidden": args.projector_hidden,
    }.items() if v is not None}
    custom = bool(overrides) or args.activation != "quick-gelu" or args.scale != 0.02
    shape = replace(shape, projection=args.projection, use_gelu=args.activation == "gelu", scale=args.scale, **overrides)
    suffix = "" if args.projection == 576 else f"-p{args.projection}"
    shape_name = args.shape + ("-custom" if custom else "")
    path = args.path or os.path.expanduser(f"~/.cache/loom/bench/{shape_name}-mmproj-{args.type}{suffix}.gguf")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_mmproj(path, shape, args.type, args.seed, name=f"{shape_name}-random",
                 description=f"image encoder for LLaVA (random {shape_name} shape, seeded, for benchmarks)")
    print(path)


if __name__ == "__main__":
    main()
