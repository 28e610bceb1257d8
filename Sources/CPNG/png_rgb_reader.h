// Decodes a PNG held in memory to 8-bit RGB the way Pillow's `convert("RGB")` does, with libpng's
// full API. libpng reports errors by longjmp; the setjmp target is in this C function, so the jump
// never crosses a Swift frame.
//
// Why not the simplified png_image API: it gamma-corrects by the file's gAMA chunk, scales 16-bit
// samples to 8 bits with rounding, and composites alpha onto a background. Pillow (the reference
// decoder of LLaVA-1.5) ignores gAMA, keeps the high byte of 16-bit samples and drops alpha as is.
#ifndef LOOM_PNG_RGB_READER_H
#define LOOM_PNG_RGB_READER_H

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { LOOM_PNG_OK = 0, LOOM_PNG_TRUNCATED = 1, LOOM_PNG_CORRUPT = 2 };

/// What went wrong. Lives in the caller's memory: after a longjmp, locals of the function that
/// called setjmp and changed since are indeterminate.
typedef struct {
    int status;
    char message[160];
} loom_png_result;

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    loom_png_result *result;
} loom_png_source;

static void loom_png_fail(png_structp png, png_const_charp message) {
    loom_png_result *result = ((loom_png_source *)png_get_error_ptr(png))->result;
    if (result->status == LOOM_PNG_OK) result->status = LOOM_PNG_CORRUPT;
    snprintf(result->message, sizeof result->message, "%s", message);
    png_longjmp(png, 1);
}

// Warnings (bad ancillary chunks, stray data after the image) are what Pillow tolerates too.
static void loom_png_ignore_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void loom_png_read_bytes(png_structp png, png_bytep out, size_t count) {
    loom_png_source *source = (loom_png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) {
        source->result->status = LOOM_PNG_TRUNCATED;
        png_error(png, "the data ends before the image does");
    }
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static int loom_png_out_of_memory(loom_png_result *result) {
    result->status = LOOM_PNG_CORRUPT;
    snprintf(result->message, sizeof result->message, "out of memory");
    return result->status;
}

/// Decodes `data` into `out`: RGB, 3 bytes a pixel, or 6 (16-bit big-endian samples) when
/// `keep_16` and the file is 16-bit. `out_size` must be exactly the decoded size. Returns a
/// LOOM_PNG_* status, also left in `result` with a message saying what went wrong.
__attribute__((noinline)) static int loom_png_decode_rgb(
    const uint8_t *data, size_t size, int keep_16, uint8_t *out, size_t out_size, loom_png_result *result)
{
    *result = (loom_png_result){LOOM_PNG_OK, ""};
    loom_png_source source = {data, size, 0, result};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, loom_png_fail,
                                             loom_png_ignore_warning);
    if (png == NULL) return loom_png_out_of_memory(result);
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return loom_png_out_of_memory(result);
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return result->status;
    }
    // The caller has already bounded the pixel count; let libpng accept any size the format allows.
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_read_fn(png, &source, loom_png_read_bytes);
    png_read_info(png, info);

    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (bit_depth < 8 && (color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16 && !keep_16) png_set_strip_16(png);  // keeps the high byte, as Pillow does
    png_set_strip_alpha(png);  // drops alpha and tRNS; never composites
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row_bytes = png_get_rowbytes(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if (row_bytes * height != out_size) png_error(png, "the image data does not match its header");
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < height; y++) png_read_row(png, out + y * row_bytes, NULL);
    }
    // The end of the file (IEND, trailing chunks) is not read: Pillow does not need it either.
    png_destroy_read_struct(&png, &info, NULL);
    return LOOM_PNG_OK;
}

#endif
