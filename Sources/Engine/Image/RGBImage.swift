/// An 8-bit RGB image: `height` rows of `width` pixels, each pixel 3 bytes R, G, B (HWC, row-major).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// (height, width, 3)
    public let pixels: [UInt8]

    /// Nil unless both sides are positive and `pixels` holds exactly width × height × 3 bytes.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard let count = Self.byteCount(width: width, height: height), count == pixels.count else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of one colour; nil unless both sides are positive.
    public init?(width: Int, height: Int, filledWith colour: (red: UInt8, green: UInt8, blue: UInt8)) {
        guard let count = Self.byteCount(width: width, height: height) else { return nil }
        var pixels = [UInt8](repeating: 0, count: count)
        for index in stride(from: 0, to: count, by: 3) {
            pixels[index] = colour.red
            pixels[index + 1] = colour.green
            pixels[index + 2] = colour.blue
        }
        self.init(checkedWidth: width, height: height, pixels: pixels)
    }

    /// For code that has already checked the sizes.
    init(checkedWidth width: Int, height: Int, pixels: [UInt8]) {
        assert(pixels.count == width * height * 3)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// width × height × 3, or nil if a side is not positive or the product overflows.
    static func byteCount(width: Int, height: Int) -> Int? {
        guard width > 0, height > 0 else { return nil }
        let (area, areaOverflow) = width.multipliedReportingOverflow(by: height)
        let (bytes, bytesOverflow) = area.multipliedReportingOverflow(by: 3)
        return areaOverflow || bytesOverflow ? nil : bytes
    }
}
