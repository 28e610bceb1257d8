import COpenBLAS
import CTurboJPEG
import Testing
@testable import Engine

/// The C libraries the engine stands on, called directly: a wrong module map or link line fails here.
struct SystemLibraryTests {
    @Test func sgemmMatchesNaiveProduct() {
        let n = 64
        var random = RandomSource(seed: 1)
        let a = (0..<n * n).map { _ in random.unit() - 0.5 }
        let b = (0..<n * n).map { _ in random.unit() - 0.5 }
        var c = [Float](repeating: 0, count: n * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        var worst: Float = 0
        for i in 0..<n {
            for j in 0..<n {
                var sum: Float = 0
                for k in 0..<n { sum += a[i * n + k] * b[k * n + j] }
                worst = max(worst, abs(sum - c[i * n + j]))
            }
        }
        #expect(worst < 1e-4)
    }

    @Test func turboJPEGRoundTrip() throws {
        let width = 64, height = 48
        // A smooth gradient: JPEG keeps it within a few levels at quality 95.
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 255 / (width - 1))
                pixels[i + 1] = UInt8(y * 255 / (height - 1))
                pixels[i + 2] = 128
            }
        }
        let compressor = try #require(tjInitCompress())
        defer { tjDestroy(compressor) }
        var jpeg: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let rc = tjCompress2(compressor, pixels, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue), &jpeg, &size,
                             Int32(TJSAMP_444.rawValue), 95, 0)
        #expect(rc == 0)
        defer { tjFree(jpeg) }
        let decompressor = try #require(tjInitDecompress())
        defer { tjDestroy(decompressor) }
        var decoded = [UInt8](repeating: 0, count: pixels.count)
        #expect(tjDecompress2(decompressor, jpeg, size, &decoded, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue), 0) == 0)
        let worst = zip(pixels, decoded).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 4)
    }
}
