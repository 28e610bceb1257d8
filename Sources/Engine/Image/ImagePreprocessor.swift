/// LLaVA-1.5's image preprocessing (`llava/mm_utils.py` with Hugging Face's `CLIPImageProcessor`):
/// 1. `expand2square`: the image centred on a square of side max(W, H), offset (W − H) / 2 down or
///    (H − W) / 2 across, filled with int(255 × mean) per channel;
/// 2. Pillow's bicubic resize of that square to `imageSize` × `imageSize` (`pixels`);
/// 3. x / 255, then (x − mean) / std per channel, laid out planar (3, S, S) for the vision encoder.
///
/// The square is never made: the resize folds the padding in (see `BicubicResampler`), so an
/// elongated image costs what its own pixels cost. Immutable, so one preprocessor serves every thread.
public struct ImagePreprocessor: Sendable {
    /// S, the side of the encoder's input (`clip.vision.image_size`).
    public let imageSize: Int
    /// Per channel R, G, B (`clip.vision.image_mean`, `clip.vision.image_std`).
    public let mean: [Float]
    public let std: [Float]
    /// int(255 × mean) per channel: the colour `expand2square` pads with.
    public let background: [UInt8]

    /// Nil unless `imageSize` is positive and `mean` and `std` hold three finite numbers, std non-zero.
    public init?(imageSize: Int, mean: [Float], std: [Float]) {
        guard imageSize > 0, mean.count == 3, std.count == 3, mean.allSatisfy(\.isFinite),
            std.allSatisfy({ $0.isFinite && $0 != 0 })
        else { return nil }
        self.imageSize = imageSize
        self.mean = mean
        self.std = std
        // Python's int() truncates toward zero; the mean is a float32 widened to a double.
        background = mean.map { UInt8(clamping: Int(255 * Double($0))) }
    }

    /// The preprocessing an mmproj file asks for.
    public init(mmproj file: GGUFFile) throws(GGUFError) {
        let numbers = { (value: GGUFValue) -> [Float]? in value.array?.compactMap(\.float) }
        let size = try file.int(GGUFKey.visionImageSize)
        let mean = try file.require(GGUFKey.visionImageMean, numbers)
        let std = try file.require(GGUFKey.visionImageStd, numbers)
        guard let preprocessor = ImagePreprocessor(imageSize: size, mean: mean, std: std) else {
            throw GGUFError(
                file.path,
                "\(GGUFKey.visionImageSize) (\(size)), \(GGUFKey.visionImageMean) (\(mean)) or "
                    + "\(GGUFKey.visionImageStd) (\(std)) is not usable: expected a positive size and three numbers each, std non-zero")
        }
        self = preprocessor
    }

    /// Steps 1 and 2: the S × S bytes the encoder sees before normalisation.
    public func pixels(for image: RGBImage) -> RGBImage {
        let side = max(image.width, image.height)
        let canvas = BicubicResampler.Canvas(
            width: side, height: side, left: (side - image.width) / 2, top: (side - image.height) / 2,
            background: background)
        return BicubicResampler.resize(image, on: canvas, width: imageSize, height: imageSize)
    }

    /// Step 3 into `planes`, (3, S, S) floats: plane c holds channel c row by row. `pixels` must be
    /// S × S and `planes` hold 3 × S × S floats.
    public func normalize(_ pixels: RGBImage, into planes: UnsafeMutableBufferPointer<Float>) {
        let area = imageSize * imageSize
        precondition(pixels.width == imageSize && pixels.height == imageSize && planes.count == 3 * area)
        // llama.cpp's arithmetic, (float(x) / 255 − mean) / std, tabulated per channel and byte.
        let table = (0..<3).map { channel in
            (0..<256).map { (Float($0) / 255 - mean[channel]) / std[channel] }
        }
        pixels.pixels.withUnsafeBufferPointer { source in
            for channel in 0..<3 {
                let values = table[channel]
                for index in 0..<area {
                    planes[channel * area + index] = values[Int(source[index * 3 + channel])]
                }
            }
        }
    }

    /// Step 3 as a new (3, S, S) array.
    public func normalized(_ pixels: RGBImage) -> [Float] {
        [Float](unsafeUninitializedCapacity: 3 * imageSize * imageSize) { planes, initialized in
            normalize(pixels, into: planes)
            initialized = planes.count
        }
    }

    /// All three steps.
    public func preprocess(_ image: RGBImage) -> PreprocessedImage {
        let square = pixels(for: image)
        return PreprocessedImage(pixels: square, planes: normalized(square))
    }
}

/// An image ready for the vision encoder.
public struct PreprocessedImage: Sendable, Equatable {
    /// S × S × 3 bytes after padding and resizing, before normalisation.
    public let pixels: RGBImage
    /// (3, S, S) normalised floats, planar: R plane, G plane, B plane, each row-major.
    public let planes: [Float]
}
