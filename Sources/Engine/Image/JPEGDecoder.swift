import CTurboJPEG

/// JPEG to the RGB pixels Pillow's `Image.open(...).convert("RGB")` gives, through TurboJPEG (the
/// `tj*` API of libjpeg-turbo 2.1, which catches libjpeg's longjmp itself).
///
/// Pillow is built on libjpeg-turbo too, with the same defaults (accurate integer IDCT, fancy
/// upsampling): on every test image the pixels are Pillow 13's exactly. Other decoders (llama.cpp's
/// stb_image) differ by the rounding of their IDCT and chroma upsampling.
enum JPEGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws(ImageError) -> RGBImage {
        guard let base = bytes.baseAddress, let handle = tjInitDecompress() else {
            throw .corrupt(.jpeg, reason: "the JPEG decoder could not start")
        }
        defer { tjDestroy(handle) }
        let session = TurboJPEGSession(
            handle: handle, data: base.assumingMemoryBound(to: UInt8.self), size: UInt(bytes.count))

        let header = try session.readHeader()
        try limits.check(.jpeg, width: header.width, height: header.height)
        let pixelCount = header.width * header.height
        guard header.isCMYK else {
            let pixels = try [UInt8].filled(count: pixelCount * 3) { out throws(ImageError) in
                try session.decompress(into: out, header, format: TJPF_RGB)
            }
            return RGBImage(checkedWidth: header.width, height: header.height, pixels: pixels)
        }
        // libjpeg cannot convert CMYK to RGB; decode to CMYK and convert as Pillow does.
        let cmyk = try [UInt8].filled(count: pixelCount * 4) { out throws(ImageError) in
            try session.decompress(into: out, header, format: TJPF_CMYK)
        }
        return RGBImage(checkedWidth: header.width, height: header.height, pixels: rgb(fromAdobeCMYK: cmyk))
    }

    /// Pillow reads every CMYK (and YCCK) JPEG as Adobe-inverted ("CMYK;I": C = 255 − stored) and
    /// converts with `cmyk2rgb`: R = (255 − K) − (C × (255 − K)) / 255 in its rounded integer form.
    private static func rgb(fromAdobeCMYK cmyk: [UInt8]) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { out, initialized in
            cmyk.withUnsafeBufferPointer { input in
                for pixel in 0..<pixelCount {
                    let notBlack = Int(input[pixel * 4 + 3])  // 255 − K, with K = 255 − stored
                    for channel in 0..<3 {
                        let ink = 255 - Int(input[pixel * 4 + channel])
                        out[pixel * 3 + channel] = UInt8(clamping: notBlack - mulDiv255(ink, notBlack))
                    }
                }
            }
            initialized = pixelCount * 3
        }
    }

    /// a × b / 255 rounded, as Pillow's MULDIV255 computes it.
    private static func mulDiv255(_ a: Int, _ b: Int) -> Int {
        let t = a * b + 128
        return ((t >> 8) + t) >> 8
    }
}

private struct JPEGHeader {
    let width: Int
    let height: Int
    let isCMYK: Bool
}

/// One TurboJPEG handle over one buffer, turning its status codes into `ImageError`s.
private struct TurboJPEGSession {
    let handle: tjhandle
    let data: UnsafePointer<UInt8>
    let size: UInt

    /// libjpeg's warning when it runs out of data (it then pads the image with grey and goes on).
    static let prematureEnd = "Premature end of JPEG file"

    func readHeader() throws(ImageError) -> JPEGHeader {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = tjDecompressHeader3(handle, data, size, &width, &height, &subsampling, &colorspace)
        // A header that fails, or holds no frame, after libjpeg warned has run out of data.
        if status != 0 { throw warned ? .truncated(.jpeg) : failure(message) }
        guard width > 0, height > 0 else {
            throw warned ? .truncated(.jpeg) : .corrupt(.jpeg, reason: "the data holds no image")
        }
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        return JPEGHeader(width: Int(width), height: Int(height), isCMYK: isCMYK)
    }

    /// Decompresses the whole image into `out`, `format`'s bytes a pixel.
    ///
    /// The first attempt stops at the first warning, so that its message is still the one TurboJPEG
    /// holds: a premature end is a truncated file. Other warnings (corrupt entropy data, stray bytes
    /// between markers) leave a usable image that Pillow accepts, so the image is decoded again to
    /// the end; that pass fails only if a fatal error replaces the warning's message.
    func decompress(into out: UnsafeMutableBufferPointer<UInt8>, _ header: JPEGHeader, format: TJPF)
        throws(ImageError)
    {
        guard let target = out.baseAddress else { return }
        let run = { (flags: Int32) in
            tjDecompress2(
                handle, data, size, target, Int32(header.width), 0, Int32(header.height),
                Int32(format.rawValue), flags)
        }
        if run(TJFLAG_STOPONWARNING) == 0 { return }
        let firstMessage = message
        guard warned else { throw failure(firstMessage) }
        if firstMessage == Self.prematureEnd { throw .truncated(.jpeg) }
        if run(0) == 0 || message == firstMessage { return }
        throw failure(message)
    }

    private var warned: Bool { tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) }

    private var message: String { tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error" }

    private func failure(_ message: String) -> ImageError {
        if message.hasPrefix("Empty JPEG image") { return .zeroSize(.jpeg) }
        if message.hasPrefix("Unsupported") { return .unsupported(.jpeg, reason: message) }
        return .corrupt(.jpeg, reason: message)
    }
}
