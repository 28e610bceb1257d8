import Engine
import Testing

@Suite struct QuantDequantizeTests {
    static let referenceTypes: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]

    @Test(arguments: referenceTypes)
    func matchesGGUFPyBitForBit(type: GGMLType) throws {
        let ref = try QuantTestSupport.reference(type)
        #expect(ref.rows == 4 && ref.cols == 256 && ref.values.count == ref.rows * ref.cols)
        let w = WeightMatrix(type: type, rows: ref.rows, cols: ref.cols, bytes: ref.blocks)
        var out = [Float](repeating: .nan, count: ref.cols)
        for r in 0..<ref.rows {
            out.withUnsafeMutableBufferPointer { w.dequantizeRow(r, into: $0.baseAddress!) }
            let expected = Array(ref.values[r * ref.cols..<(r + 1) * ref.cols])
            let mismatches = (0..<ref.cols).filter { out[$0].bitPattern != expected[$0].bitPattern }
            #expect(mismatches.isEmpty, "\(type) row \(r): \(mismatches.count) values differ, first at \(mismatches.first ?? -1): \(mismatches.first.map { "\(out[$0]) vs \(expected[$0])" } ?? "")")
        }
    }

    @Test func q8BlocksWithoutAReferenceFile() {
        // Q8_1: f16 d, f16 s, 32 × int8; Q8_K: f32 d, 256 × int8, 16 × int16 sums. Value q·d.
        var q8_1: [UInt8] = [0x00, 0x38, 0x00, 0x00]  // d = 0.5
        q8_1 += (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        var q8_K: [UInt8] = withUnsafeBytes(of: Float(0.25).bitPattern.littleEndian, Array.init)
        q8_K += (0..<256).map { UInt8(bitPattern: Int8(truncatingIfNeeded: $0 - 128)) } + [UInt8](repeating: 0, count: 32)
        var out = [Float](repeating: 0, count: 256)
        out.withUnsafeMutableBufferPointer { Dequantize.values(.q8_1, from: q8_1, count: 32, into: $0.baseAddress!) }
        #expect(Array(out[0..<32]) == (0..<32).map { Float($0 - 16) * 0.5 })
        out.withUnsafeMutableBufferPointer { Dequantize.values(.q8_K, from: q8_K, count: 256, into: $0.baseAddress!) }
        #expect(out == (0..<256).map { Float($0 - 128) * 0.25 })
    }

    @Test func halfRowsConvertBothWays() {
        // Every finite half: to float and back is the identity; the row converters agree with Float16.
        let halfs = (0..<UInt16.max).filter { ($0 & 0x7c00) != 0x7c00 }
        var floats = [Float](repeating: 0, count: halfs.count)
        var back = [UInt16](repeating: 0, count: halfs.count)
        Half.convert(halfs, to: &floats, count: halfs.count)
        Half.convert(floats, to: &back, count: halfs.count)
        #expect(back == halfs)
        #expect(floats.indices.allSatisfy { floats[$0].bitPattern == Float(Float16(bitPattern: halfs[$0])).bitPattern })
        // Rounding to nearest even, and overflow to infinity.
        let tricky: [Float] = [1 + 1.0 / 2048, 1 + 3.0 / 2048, 65519, 65520, 1e-8, -2.98e-8, 6e-8]
        var rounded = [UInt16](repeating: 0, count: tricky.count)
        Half.convert(tricky, to: &rounded, count: tricky.count)
        #expect(rounded == tricky.map { Float16($0).bitPattern })
    }
}
