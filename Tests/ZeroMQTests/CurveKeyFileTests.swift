import Foundation
import Testing
import ZeroMQ

@Suite struct CurveKeyFileTests {
    @Test func listsSkipCommentsAndBlankLinesAndNameTheBadLine() throws {
        let a = try CurveKeyPair().publicKey, b = try CurveKeyPair().publicKey
        let text = "# workers of rack 1\n\(a)   # w1\n\n  \(b)\r\n"
        #expect(try CurveKeyFile.keys(in: text, source: "list") == [a, b])
        #expect(throws: CurveKeyFileError.malformed("list", line: 2)) {
            try CurveKeyFile.keys(in: "\(a)\nnot-a-key\n", source: "list")
        }
        // 40 characters, but not Z85 (the quote is not in its alphabet).
        let forty = String(repeating: "\"", count: 40)
        #expect(throws: CurveKeyFileError.malformed("list", line: 1)) { try CurveKeyFile.keys(in: forty, source: "list") }
        #expect(try CurveKeyFile.keys(in: "# nobody yet\n", source: "list").isEmpty)
        #expect(throws: CurveKeyFileError.malformed("list", line: 1)) { try CurveKeyFile.keys(in: "\(a) \(b)", source: "list") }
        // '#' is a Z85 digit (though never the first of a key): a key holding one is still a key.
        var found: String?
        for _ in 0..<1000 where found == nil {
            let key = try CurveKeyPair().publicKey
            if key.contains("#") { found = key }
        }
        let hashKey = try #require(found)
        #expect(try CurveKeyFile.keys(in: "\(hashKey) # has a hash\n#comment\n", source: "list") == [hashKey])
    }

    @Test func aWrittenPairReadsBackWithTheSecretPrivate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pair = try CurveKeyPair()
        let paths = try CurveKeyFile.write(pair, to: directory, name: "w1")
        #expect(paths.publicKey.hasSuffix("/w1.pub") && paths.secretKey.hasSuffix("/w1.key"))
        #expect(try CurveKeyFile.readKey(at: paths.secretKey) == pair.secretKey)
        #expect(try CurveKeyFile.readKeys(at: paths.publicKey) == [pair.publicKey])
        #expect(try CurveKeyPair(secretKey: CurveKeyFile.readKey(at: paths.secretKey)) == pair)
        let mode = try FileManager.default.attributesOfItem(atPath: paths.secretKey)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Never overwritten.
        #expect(throws: CurveKeyFileError.self) { try CurveKeyFile.write(try CurveKeyPair(), to: directory, name: "w1") }
        #expect(try CurveKeyFile.readKey(at: paths.secretKey) == pair.secretKey)
    }

    @Test func aKeyIsGivenAsZ85OrAsAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pair = try CurveKeyPair()
        let paths = try CurveKeyFile.write(pair, to: directory, name: "c")
        #expect(try CurveKeyFile.key(fileOrZ85: pair.publicKey) == pair.publicKey)
        #expect(try CurveKeyFile.key(fileOrZ85: paths.publicKey) == pair.publicKey)
        #expect(throws: CurveKeyFileError.unreadable(directory + "/missing")) {
            try CurveKeyFile.key(fileOrZ85: directory + "/missing")
        }
        let two = directory + "/two"
        try "\(pair.publicKey)\n\(pair.publicKey)\n".write(toFile: two, atomically: true, encoding: .utf8)
        #expect(throws: CurveKeyFileError.notOneKey(two, found: 2)) { try CurveKeyFile.readKey(at: two) }
    }
}
