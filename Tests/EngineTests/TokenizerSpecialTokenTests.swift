import Engine
import Testing
import TestSupport

/// Special ids, end-of-generation, special-token parsing and rendering, BOS/EOS insertion.
@Suite(.requires(.sharedFixtures)) struct TokenizerSpecialTokenTests {
    @Test func smolLM2SpecialTokens() throws {
        let t = try TokenizerFixtures.smol()
        #expect(t.model == .bytePair)
        #expect(t.vocabularySize == 49152)
        #expect((t.bos, t.eos, t.eot, t.unknown) == (1, 2, 2, 0))
        #expect(!t.addBOS && !t.addEOS && !t.addSpacePrefix)
        #expect(t.endOfGeneration == [0, 2])  // <|endoftext|>, <|im_end|>
        #expect(t.isEndOfGeneration(2) && t.isEndOfGeneration(0))
        #expect(!t.isEndOfGeneration(1) && !t.isEndOfGeneration(504) && !t.isEndOfGeneration(-1))
        #expect(t.id(forSpecial: "<|im_start|>") == 1)
        #expect(t.id(forSpecial: "<|im_end|>") == 2)
        #expect(t.id(forSpecial: "user") == nil)  // an ordinary token
        #expect(t.tokenKind(1) == .control && t.tokenKind(4093) == .normal)
        #expect(t.tokenText(198) == "Ċ" && t.tokenText(38699) == "ĠHello" && t.tokenText(49152) == nil)
    }

    @Test func sentencePieceSpecialTokens() throws {
        let t = try TokenizerFixtures.sentencePiece()
        #expect(t.model == .sentencePiece)
        #expect(t.vocabularySize == 32000)
        #expect((t.bos, t.eos, t.unknown) == (1, 2, 0))
        #expect(t.eot == nil)
        #expect(t.addBOS && !t.addEOS && t.addSpacePrefix)
        #expect(t.endOfGeneration == [2])
        #expect(t.id(forSpecial: "</s>") == 2)
        #expect(t.id(forSpecial: "<unk>") == 0)
        #expect(t.tokenKind(13) == .byte)
    }

    @Test func controlTokensAreMatchedOnlyWhenParsingSpecial() throws {
        let t = try TokenizerFixtures.smol()
        #expect(t.encode("<|im_start|>user", parseSpecial: true) == [1, 4093])
        let plain = t.encode("<|im_start|>user", parseSpecial: false)
        #expect(!plain.contains(1) && plain.count > 2)
        #expect(t.decode(plain) == "<|im_start|>user")
    }

    @Test func sentencePieceAddsASpaceAfterEverySpecialToken() throws {
        let t = try TokenizerFixtures.sentencePiece()
        #expect(t.encode("<s>Hello</s>Hello", parseSpecial: true) == [1, 15043, 2, 15043])
        #expect(t.encode("Hello", parseSpecial: false, addSpecial: true) == [1, 15043])
        #expect(t.encode("", parseSpecial: false, addSpecial: true) == [1])
        #expect(t.encode("", parseSpecial: false) == [])
    }

    @Test func specialTokensRenderOnlyWhenAsked() throws {
        let t = try TokenizerFixtures.smol()
        #expect(t.tokenBytes(2) == [])
        #expect(t.tokenBytes(2, renderSpecial: true) == Array("<|im_end|>".utf8))
        #expect(t.decode([1, 4093, 198]) == "user\n")
        #expect(t.decode([1, 4093, 198], renderSpecial: true) == "<|im_start|>user\n")
        #expect(t.tokenBytes(-1) == [] && t.tokenBytes(49152) == [])

        let spm = try TokenizerFixtures.sentencePiece()
        #expect(spm.tokenBytes(13) == [0x0A])  // <0x0A>
        #expect(spm.tokenBytes(0) == [] && spm.tokenBytes(0, renderSpecial: true) == Array("<unk>".utf8))
        #expect(spm.tokenBytes(15043) == Array(" Hello".utf8))
    }

    @Test func sentencePieceDecodingStripsOnlyTheFirstPiecesSpace() throws {
        let t = try TokenizerFixtures.sentencePiece()
        #expect(t.decode([15043, 3186]) == "Hello world")
        #expect(t.decode([29871, 15043, 3186]) == " Hello world")
        // As llama_detokenize without remove_special: the (empty) BOS piece takes the strip.
        #expect(t.decode([1, 15043]) == " Hello")
    }
}
