#!/usr/bin/env python3
"""Writes the small images in Tests/ImageTestData/ and Pillow's answers for them.

Pillow is the reference: LLaVA-1.5 decodes with `Image.open(...).convert("RGB")` and resizes with
`resize((S, S), Image.BICUBIC)`. For every image this writes `<name>.rgb`, Pillow's decode as HWC
uint8 RGB; for every resize case `<name>.rgb` holds Pillow's output.

PNGs are written by hand (zlib + struct) so that every colour type, bit depth, tRNS, gAMA and Adam7
interlacing can be covered; JPEGs by Pillow, or by the system's libturbojpeg (ctypes) for what Pillow
cannot write (YCCK, 4:4:0 and 4:1:1 chroma).

Usage: pip install pillow==13.0.0 numpy; python3 scripts/make-image-testdata.py
"""
import ctypes
import ctypes.util
import io
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ImageTestData"
# convert("RGB") of a palette image with tRNS warns that RGBA would keep the alpha: RGB is the point.
warnings.filterwarnings("ignore", "Palette images with Transparency")

CLIP_BACKGROUND = (122, 116, 104)  # int(255 * m) for CLIP's image_mean, as in the fixtures
SIZE = 56  # clip.vision.image_size of the fixtures' mmproj


def pattern(width, height, seed, noise=12):
    """A deterministic picture with gradients, 1-2 px stripes and a disc (antialiasing matters), plus
    a little noise (none for big images, which must stay small as PNG)."""
    y, x = np.mgrid[0:height, 0:width]
    rng = np.random.default_rng(seed)
    r = (x * 255 // max(width - 1, 1)) ^ ((y // 2) % 2 * 96)
    g = (y * 255 // max(height - 1, 1)) ^ ((x % 3 == 0) * 200)
    disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (min(width, height) * 0.3) ** 2
    b = np.where(disc, 230, (x + y) * 7 % 256)
    rgb = np.stack([r, g, b], -1).astype(np.int64)
    rgb += rng.integers(-noise, noise + 1, rgb.shape)
    return np.clip(rgb, 0, 255).astype(np.uint8)


# MARK: PNG writer

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples, depth):
    """One scanline's samples (ints) packed at `depth` bits, big-endian as PNG wants."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    per_byte = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        byte = 0
        group = list(samples[i:i + per_byte]) + [0] * (per_byte - len(samples[i:i + per_byte]))
        for s in group:
            byte = (byte << depth) | int(s)
        out.append(byte)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(samples, depth, color_type, extra=b"", interlace=False, ihdr_size=None):
    """samples: (H, W, channels) integers. extra: chunks before IDAT (PLTE, tRNS, gAMA)."""
    height, width, _ = samples.shape
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                raw += b"".join(b"\0" + pack_row(row.reshape(-1), depth) for row in sub)
    else:
        raw = b"".join(b"\0" + pack_row(row.reshape(-1), depth) for row in samples)
    w, h = ihdr_size or (width, height)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# MARK: JPEG through the system's TurboJPEG (what Pillow cannot write)

TJPF_RGB, TJPF_CMYK = 0, 11
TJSAMP_444, TJSAMP_440, TJSAMP_411 = 0, 4, 5


def turbojpeg_compress(pixels, pixel_format, subsampling, quality=90):
    tj = ctypes.CDLL(ctypes.util.find_library("turbojpeg"))
    tj.tjInitCompress.restype = ctypes.c_void_p
    handle = ctypes.c_void_p(tj.tjInitCompress())
    height, width, _ = pixels.shape
    source = np.ascontiguousarray(pixels)
    out = ctypes.POINTER(ctypes.c_ubyte)()
    size = ctypes.c_ulong(0)
    status = tj.tjCompress2(handle, source.ctypes.data_as(ctypes.c_void_p), width, 0, height, pixel_format,
                            ctypes.byref(out), ctypes.byref(size), subsampling, quality, 0)
    assert status == 0, "tjCompress2 failed"
    data = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(handle)
    return data


def pillow_jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


# MARK: Output

def write_decode_case(name, data):
    (OUT / name).write_bytes(data)
    decoded = Image.open(io.BytesIO(data)).convert("RGB")
    stem = name.rsplit(".", 1)[0]
    (OUT / f"{stem}.rgb").write_bytes(np.asarray(decoded).tobytes())
    print(f"{name}: {decoded.size[0]}x{decoded.size[1]}, {len(data)} bytes")


def expand2square(image, background):
    """LLaVA-1.5's llava/mm_utils.py, verbatim in behaviour."""
    width, height = image.size
    if width == height:
        return image
    side = max(width, height)
    result = Image.new(image.mode, (side, side), background)
    result.paste(image, (0, (width - height) // 2) if width > height else ((height - width) // 2, 0))
    return result


def write_resize_case(name, source_png, size, llava):
    """Pillow's bicubic resize of a PNG (decoded exactly by both sides) to `size`, after LLaVA's
    expand2square when `llava`."""
    image = Image.open(OUT / source_png).convert("RGB")
    if llava:
        image = expand2square(image, CLIP_BACKGROUND)
    resized = image.resize(size, Image.BICUBIC)
    (OUT / f"{name}.rgb").write_bytes(np.asarray(resized).tobytes())
    print(f"{name}: {source_png} -> {size}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    photo = pattern(64, 48, 1)

    # JPEG: progressive, grayscale, CMYK (Pillow writes Adobe-inverted), YCCK, every chroma layout.
    write_decode_case("progressive_64x48.jpg", pillow_jpeg(Image.fromarray(photo), quality=90, progressive=True))
    write_decode_case("gray_40x30.jpg", pillow_jpeg(Image.fromarray(photo[:30, :40, 1]), quality=90))
    write_decode_case("cmyk_32x24.jpg", pillow_jpeg(Image.fromarray(photo[:24, :32]).convert("CMYK"), quality=95))
    cmyk = np.concatenate([255 - photo[:24, :32], photo[:24, :32, :1] // 2], -1)
    write_decode_case("ycck_32x24.jpg", turbojpeg_compress(cmyk, TJPF_CMYK, TJSAMP_444, 95))
    write_decode_case("subsampled422_33x17.jpg", pillow_jpeg(Image.fromarray(photo[:17, :33]), quality=90, subsampling=1))
    write_decode_case("subsampled440_33x17.jpg", turbojpeg_compress(photo[:17, :33], TJPF_RGB, TJSAMP_440))
    write_decode_case("subsampled411_33x17.jpg", turbojpeg_compress(photo[:17, :33], TJPF_RGB, TJSAMP_411))

    # PNG: what Pillow's convert("RGB") makes of each colour type and depth.
    rng = np.random.default_rng(7)
    h, w = 11, 13
    wide16 = rng.integers(0, 65536, (h, w, 4))
    wide16[0, :4] = [[0, 255, 256, 65535]] * 4  # around Pillow's clip of 16-bit grey at 255
    gamma_linear = chunk(b"gAMA", struct.pack(">I", 100000))  # Pillow ignores gamma; so must we
    write_decode_case("rgb16_gamma_13x11.png", png_bytes(wide16[..., :3], 16, 2, gamma_linear))
    write_decode_case("rgba16_13x11.png", png_bytes(wide16, 16, 6))
    write_decode_case("gray16_13x11.png", png_bytes(wide16[..., :1], 16, 0))
    write_decode_case("grayalpha16_13x11.png", png_bytes(wide16[..., :2], 16, 4))
    byte = rng.integers(0, 256, (h, w, 4))
    byte[..., 3] = rng.choice([0, 128, 255], (h, w))  # colour under transparent pixels must survive
    write_decode_case("rgba8_13x11.png", png_bytes(byte, 8, 6))
    write_decode_case("grayalpha8_13x11.png", png_bytes(byte[..., :2], 8, 4))
    write_decode_case("gray8_trns_13x11.png", png_bytes(byte[..., :1], 8, 0, chunk(b"tRNS", struct.pack(">H", int(byte[0, 0, 0])))))
    for depth in (1, 2, 4):
        write_decode_case(f"gray{depth}_13x11.png", png_bytes(rng.integers(0, 1 << depth, (h, w, 1)), depth, 0))
    palette = rng.integers(0, 256, 16 * 3).astype(np.uint8).tobytes()
    alphas = bytes([0, 64, 128, 255, 0])
    write_decode_case("palette4_trns_13x11.png", png_bytes(rng.integers(0, 16, (h, w, 1)), 4, 3,
                                                         chunk(b"PLTE", palette) + chunk(b"tRNS", alphas)))
    # Indices past the palette's end: libpng and Pillow both give black.
    write_decode_case("palette8_short_13x11.png", png_bytes(rng.integers(0, 24, (h, w, 1)), 8, 3, chunk(b"PLTE", palette)))
    write_decode_case("rgb8_trns_interlaced_13x11.png", png_bytes(byte[..., :3], 8, 2,
                                                                chunk(b"tRNS", struct.pack(">HHH", 1, 2, 3)), interlace=True))
    write_decode_case("palette2_interlaced_13x11.png", png_bytes(rng.integers(0, 4, (h, w, 1)), 2, 3,
                                                               chunk(b"PLTE", palette[:12]), interlace=True))

    # Decompression bomb and empty header: valid chunks, absurd sizes, next to no data.
    (OUT / "bomb_100000x100000.png").write_bytes(png_bytes(np.zeros((1, 1, 3), int), 8, 2, ihdr_size=(100000, 100000)))
    (OUT / "zero_width.png").write_bytes(png_bytes(np.zeros((1, 1, 3), int), 8, 2, ihdr_size=(0, 1)))

    # Resize: sources are PNGs (decoded exactly by both sides), references are Pillow's resize.
    for name, (width, height), noise in [("upscale_20x30", (20, 30), 12), ("downscale_1000x700", (1000, 700), 0),
                                         ("plain_37x23", (37, 23), 12)]:
        Image.fromarray(pattern(width, height, width, noise)).save(OUT / f"{name}.png", optimize=True)
    write_resize_case("upscale_20x30.llava56", "upscale_20x30.png", (SIZE, SIZE), llava=True)
    write_resize_case("downscale_1000x700.llava56", "downscale_1000x700.png", (SIZE, SIZE), llava=True)
    write_resize_case("plain_37x23.to50x11", "plain_37x23.png", (50, 11), llava=False)  # vertical pass first
    write_resize_case("plain_37x23.to37x60", "plain_37x23.png", (37, 60), llava=False)  # horizontal pass skipped
    write_resize_case("plain_37x23.to9x23", "plain_37x23.png", (9, 23), llava=False)  # vertical pass skipped


if __name__ == "__main__":
    main()
