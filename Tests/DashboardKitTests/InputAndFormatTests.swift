@testable import DashboardKit
import Testing

@Suite("Keys, formats and glyphs")
struct InputAndFormatTests {
    @Test func keysAreDecodedAndEscapeSequencesSkipped() {
        #expect(Key.decode(Array("q".utf8)) == [.quit])
        #expect(Key.decode([0x03]) == [.quit])
        #expect(Key.decode(Array("sh?x".utf8)) == [.cycleSort, .toggleHelp, .toggleHelp])
        // Arrow up, F4 (ESC O S) and a modified arrow: none is a key, the 's' after them is.
        #expect(Key.decode(Array("\u{1B}[A\u{1B}OS\u{1B}[1;5Hs".utf8)) == [.cycleSort])
    }

    @Test func durationsAreShort() {
        #expect(Format.duration(milliseconds: 850) == "850ms")
        #expect(Format.duration(milliseconds: 3250) == "3.2s")
        #expect(Format.duration(milliseconds: 42_000) == "42s")
        #expect(Format.duration(milliseconds: 245_000) == "4m05s")
        #expect(Format.duration(milliseconds: 3_723_000) == "1h02m")
        #expect(Format.duration(milliseconds: 273_600_000) == "3d04h")
    }

    @Test func ratesAreShort() {
        #expect(Format.rate(0) == "0.0")
        #expect(Format.rate(12.34) == "12.3")
        #expect(Format.rate(456.4) == "456")
        #expect(Format.rate(12_345) == "12.3k")
        #expect(Format.rate(.nan) == "0.0")
    }

    @Test func glyphsFollowTheLocale() {
        #expect(Glyphs.forEnvironment(["LANG": "en_US.UTF-8"]) == .unicode)
        #expect(Glyphs.forEnvironment(["LC_ALL": "C", "LANG": "en_US.UTF-8"]) == .ascii)
        #expect(Glyphs.forEnvironment([:]) == .ascii)
    }

    @Test func clippingKeepsStyles() {
        let line = StyledLine([Span("abc", .bold), Span("def", .bad)]).clipped(to: 4)
        #expect(line.spans == [Span("abc", .bold), Span("d", .bad)])
    }
}
