import LoomProtocol
import Testing

@Suite struct WireReaderTests {
    @Test func varintsRoundTripAtEveryLengthBoundary() throws {
        let cases: [(UInt64, Int)] = [
            (0, 1), (127, 1), (128, 2), (16383, 2), (16384, 3), (UInt64(UInt32.max), 5), (UInt64(Int.max), 9),
            (UInt64(Int.max) + 1, 10), (UInt64.max, 10),
        ]
        for (value, length) in cases {
            var writer = WireWriter()
            writer.writeUInt(value)
            #expect(writer.bytes.count == length)
            var reader = WireReader(writer.bytes)
            #expect(try reader.readUInt("v") == value)
            try reader.finish()
        }
    }

    @Test func nonMinimalVarintIsAccepted() throws {
        var reader = WireReader([0x80, 0x80, 0x00])
        #expect(try reader.readUInt("v") == 0)
    }

    @Test func varintPastSixtyFourBitsOverflows() {
        let tenthByteTooBig: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x02]
        let elevenBytes: [UInt8] = Array(repeating: 0x80, count: 10) + [0x00]
        for bytes in [tenthByteTooBig, elevenBytes] {
            var reader = WireReader([7] + bytes)
            _ = try? reader.readUInt("skip")
            #expect(throws: WireError.varintOverflow(field: "v", offset: 1)) { try reader.readUInt("v") }
        }
    }

    @Test func truncatedVarintNamesFieldAndOffset() {
        var reader = WireReader([0x81])
        #expect(throws: WireError.truncated(field: "count", offset: 0)) { try reader.readUInt("count") }
    }

    @Test func negativeIntIsWrittenSoTheReaderRejectsIt() {
        var writer = WireWriter()
        writer.writeInt(-1)
        var reader = WireReader(writer.bytes)
        #expect(throws: WireError.valueOutOfRange(field: "n", value: UInt64.max)) { try reader.readInt("n") }
    }

    @Test func tokenIdsCoverAllOfInt32AndNoMore() throws {
        var writer = WireWriter()
        for value: Int32 in [Int32.min, -1, 0, Int32.max] { writer.writeInt32(value) }
        writer.writeUInt(1 << 32)
        var reader = WireReader(writer.bytes)
        for value: Int32 in [Int32.min, -1, 0, Int32.max] { #expect(try reader.readInt32("t") == value) }
        #expect(throws: WireError.valueOutOfRange(field: "t", value: 1 << 32)) { try reader.readInt32("t") }
    }

    @Test func nonFiniteNumbersAreRejected() {
        for value in [Float.nan, .infinity, -.infinity] {
            var writer = WireWriter()
            writer.writeBool(true)
            writer.writeFloat(value)
            var reader = WireReader(writer.bytes)
            _ = try? reader.readBool("b")
            #expect(throws: WireError.nonFinite(field: "temperature", offset: 1)) { try reader.readFloat("temperature") }
        }
        var writer = WireWriter()
        writer.writeDouble(.nan)
        var reader = WireReader(writer.bytes)
        #expect(throws: WireError.nonFinite(field: "ms", offset: 0)) { try reader.readDouble("ms") }
    }

    @Test func floatsAndFixedIntsAreLittleEndian() throws {
        var writer = WireWriter()
        writer.writeFloat(1)
        writer.writeFixed64(0x0102_0304_0506_0708)
        #expect(writer.bytes == [0x00, 0x00, 0x80, 0x3F, 8, 7, 6, 5, 4, 3, 2, 1])
        var reader = WireReader(writer.bytes)
        #expect(try reader.readFloat("f") == 1)
        #expect(try reader.readFixed64("x") == 0x0102_0304_0506_0708)
    }

    @Test func boolOtherThanZeroOrOneIsRejected() {
        var reader = WireReader([2])
        #expect(throws: WireError.unknownEnumValue(field: "ignore_eos", value: 2)) { try reader.readBool("ignore_eos") }
    }

    @Test func absurdStringLengthIsOverLimitBeforeAnyAllocation() {
        var writer = WireWriter()
        writer.writeUInt(1 << 60)
        var reader = WireReader(writer.bytes)
        #expect(throws: WireError.overLimit(field: "model", value: 1 << 60, limit: 256)) { try reader.readName("model") }
    }

    @Test func stringLongerThanTheBytesLeftIsTruncation() {
        var reader = WireReader([5, 0x61, 0x62])
        #expect(throws: WireError.truncated(field: "model", offset: 0)) { try reader.readName("model") }
    }

    @Test(arguments: [
        [0xC0, 0x80],  // overlong NUL
        [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
        [0xFF],
        [0x61, 0xE2, 0x82],  // cut inside a character
    ] as [[UInt8]])
    func invalidUTF8IsRejected(_ bytes: [UInt8]) {
        var reader = WireReader([0x00, UInt8(bytes.count)] + bytes)
        _ = try? reader.readName("empty")
        #expect(throws: WireError.invalidUTF8(field: "text", offset: 1)) { try reader.readText("text") }
    }

    @Test func listCountIsCheckedAgainstLimitThenBytesLeft() {
        var overLimit = WireReader([17])
        #expect(throws: WireError.overLimit(field: "stop", value: 17, limit: 16)) {
            try overLimit.readList("stop", limit: 16) { (reader: inout WireReader) throws(WireError) in try reader.readName("stop") }
        }
        var short = WireReader([3, 0, 0])
        #expect(throws: WireError.truncated(field: "stop", offset: 0)) {
            try short.readList("stop", limit: 16) { (reader: inout WireReader) throws(WireError) in try reader.readName("stop") }
        }
    }

    @Test func trailingBytesAreReported() throws {
        var reader = WireReader([1, 2, 3])
        _ = try reader.readUInt("a")
        #expect(throws: WireError.trailingBytes(count: 2, offset: 1)) { try reader.finish() }
    }
}
