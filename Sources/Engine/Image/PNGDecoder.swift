import CPNG

/// PNG to the RGB pixels Pillow's `Image.open(...).convert("RGB")` gives, through libpng (driven by
/// the C function in CPNG's `png_rgb_reader.h`): palettes expanded, low bit depths scaled to 8 bits,
/// 16-bit samples cut to their high byte, alpha and tRNS dropped without compositing, gAMA ignored.
enum PNGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws(ImageError) -> RGBImage {
        // The size is checked from IHDR before libpng allocates anything.
        let header = try PNGHeader(bytes)
        try limits.check(.png, width: header.width, height: header.height)
        // Pillow opens 16-bit greyscale as mode "I;16", whose conversion to RGB clips each sample at
        // 255 instead of keeping its high byte: those samples come out of libpng whole.
        let clipsGrey16 = header.bitDepth == 16 && header.colorType == PNGHeader.greyscale
        let pixelCount = header.width * header.height
        let decoded = try [UInt8].filled(count: pixelCount * (clipsGrey16 ? 6 : 3)) { out throws(ImageError) in
            try readRGB(bytes, keep16: clipsGrey16, into: out)
        }
        let pixels = clipsGrey16 ? clippedAt255(bigEndian16: decoded) : decoded
        return RGBImage(checkedWidth: header.width, height: header.height, pixels: pixels)
    }

    private static func readRGB(_ bytes: UnsafeRawBufferPointer, keep16: Bool, into out: UnsafeMutableBufferPointer<UInt8>)
        throws(ImageError)
    {
        guard let data = bytes.baseAddress, let target = out.baseAddress else { return }
        var result = loom_png_result()
        let status = loom_png_decode_rgb(
            data.assumingMemoryBound(to: UInt8.self), bytes.count, keep16 ? 1 : 0, target, out.count, &result)
        switch Int(status) {
        case LOOM_PNG_OK: return
        case LOOM_PNG_TRUNCATED: throw .truncated(.png)
        default: throw .corrupt(.png, reason: message(of: &result))
        }
    }

    private static func message(of result: inout loom_png_result) -> String {
        withUnsafeBytes(of: &result.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Pillow's `I16_RGB`: a 16-bit sample above 255 becomes 255, others keep their value.
    private static func clippedAt255(bigEndian16 samples: [UInt8]) -> [UInt8] {
        let count = samples.count / 2
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            for index in 0..<count {
                out[index] = samples[2 * index] == 0 ? samples[2 * index + 1] : 255
            }
            initialized = count
        }
    }
}

/// The fields of IHDR, which the PNG specification places right after the signature.
private struct PNGHeader {
    static let greyscale = 0

    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: Int

    init(_ bytes: UnsafeRawBufferPointer) throws(ImageError) {
        // signature (8), chunk length (4), "IHDR" (4), width (4), height (4), bit depth, colour type...
        guard bytes.count >= 26 else { throw .truncated(.png) }
        guard bytes.prefix(8).elementsEqual(ImageFormat.pngSignature) else {
            throw .corrupt(.png, reason: "the PNG signature is damaged")
        }
        guard bytes[12..<16].elementsEqual("IHDR".utf8) else {
            throw .corrupt(.png, reason: "the first chunk is not IHDR")
        }
        func bigEndian32(at offset: Int) -> Int {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        width = bigEndian32(at: 16)
        height = bigEndian32(at: 20)
        bitDepth = Int(bytes[24])
        colorType = Int(bytes[25])
    }
}
