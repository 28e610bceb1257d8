import Engine
import Testing
import TestSupport

/// The streaming detokenizer never splits a character across deltas.
@Suite(.requires(.sharedFixtures)) struct TokenizerStreamingTests {
    static let multiByteText = "Emoji: 😀👍🏽🇫🇷 東京は日本の首都です。 café — naïve ✓"

    /// Token ids that stand for exactly one byte each (byte-level BPE letters, or `<0xXX>` tokens).
    private func singleByteTokens(_ tokenizer: Tokenizer) -> [UInt8: Int32] {
        var map: [UInt8: Int32] = [:]
        for id in Int32(0)..<Int32(tokenizer.vocabularySize) {
            let bytes = tokenizer.tokenBytes(id)
            if bytes.count == 1, map[bytes[0]] == nil || tokenizer.tokenKind(id) == .byte { map[bytes[0]] = id }
        }
        return map
    }

    @Test(arguments: ["bpe", "spm"])
    func byteByByteNeverYieldsAPartialCharacter(vocabulary: String) throws {
        let tokenizer = vocabulary == "bpe" ? try TokenizerFixtures.smol() : try TokenizerFixtures.sentencePiece()
        let byteTokens = singleByteTokens(tokenizer)
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        var deltas: [String] = []
        var heldBack = 0
        for byte in Self.multiByteText.utf8 {
            let id = try #require(byteTokens[byte], "no single-byte token for \(byte)")
            let delta = stream.append(id)
            if delta.isEmpty {
                heldBack += 1
                #expect(!stream.pendingBytes.isEmpty)
            }
            #expect(!delta.unicodeScalars.contains("\u{FFFD}"), "delta split a character: \(delta.debugDescription)")
            deltas.append(delta)
        }
        #expect(stream.flush() == "")
        #expect(deltas.joined() == Self.multiByteText)
        #expect(heldBack > 20)
    }

    @Test func streamingRealTokensMatchesDecoding() throws {
        let tokenizer = try TokenizerFixtures.smol()
        let ids = tokenizer.encode(Self.multiByteText, parseSpecial: false)
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        let deltas = ids.map { stream.append($0) } + [stream.flush()]
        #expect(deltas.joined() == tokenizer.decode(ids))
        #expect(deltas.allSatisfy { !$0.unicodeScalars.contains("\u{FFFD}") })
    }

    @Test func flushReleasesAnUnfinishedCharacter() throws {
        let tokenizer = try TokenizerFixtures.smol()
        let byteTokens = singleByteTokens(tokenizer)
        var stream = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(stream.append(try #require(byteTokens[UInt8(ascii: "a")])) == "a")
        #expect(stream.append(try #require(byteTokens[0xF0])) == "")
        #expect(stream.append(try #require(byteTokens[0x9F])) == "")
        #expect(stream.pendingBytes == [0xF0, 0x9F])
        #expect(stream.flush() == "\u{FFFD}")
        #expect(stream.pendingBytes.isEmpty)
    }

    @Test func specialTokensStreamOnlyWhenRendered() throws {
        let tokenizer = try TokenizerFixtures.smol()
        var hidden = StreamingDetokenizer(tokenizer: tokenizer)
        var shown = StreamingDetokenizer(tokenizer: tokenizer, renderSpecial: true)
        #expect([1, 4093, 2].map { hidden.append($0) } == ["", "user", ""])
        #expect([1, 4093, 2].map { shown.append($0) } == ["<|im_start|>", "user", "<|im_end|>"])
    }
}
