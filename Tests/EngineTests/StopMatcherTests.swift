import Engine
import Testing

/// Stop strings in streamed text: what `StopMatcher` lets through delta by delta, what it holds back,
/// and where it stops. Only its public API, so it can move to another module.
struct StopMatcherTests {
    /// What feeding `deltas` one by one gives: each outcome up to the first stop, then what `flush`
    /// releases if none came.
    static func stream(_ stops: [String], _ deltas: [String]) -> (outcomes: [StopMatcher.Outcome], flushed: String?) {
        var matcher = StopMatcher(stops)
        var outcomes: [StopMatcher.Outcome] = []
        for delta in deltas {
            let outcome = matcher.feed(delta)
            outcomes.append(outcome)
            if case .stopped = outcome { return (outcomes, nil) }
        }
        return (outcomes, matcher.flush())
    }

    /// All the text the client gets, and whether a stop string ended it.
    static func received(_ stops: [String], _ deltas: [String]) -> (text: String, stopped: Bool) {
        let (outcomes, flushed) = stream(stops, deltas)
        let text = outcomes.map { outcome in
            switch outcome {
            case .text(let text), .stopped(let text): text
            }
        }.joined()
        return (text + (flushed ?? ""), flushed == nil)
    }

    @Test func aStopSplitAcrossDeltasIsHeldBackAndNeverSent() {
        let (outcomes, flushed) = Self.stream(["</s>"], ["Hello", " world<", "/", "s", ">ignored"])
        #expect(outcomes == [.text("Hello"), .text(" world"), .text(""), .text(""), .stopped("")])
        #expect(flushed == nil)
        #expect(Self.stream(["STOP"], ["one STOP two"]).outcomes == [.stopped("one ")])
        #expect(Self.stream(["</s>"], ["ab<", "/s>tail"]).outcomes == [.text("ab"), .stopped("")])
    }

    /// However the text is cut into three deltas, the client gets exactly the text before the stop.
    @Test(arguments: ["</s>", "<|im_end|>", "\n\nUser:"])
    func everyCutGivesTheTextBeforeTheStop(stop: String) {
        let text = Array("Sure, here it is" + stop + " and what comes after")
        for i in 0...text.count {
            for j in i...text.count {
                let deltas = [String(text[..<i]), String(text[i..<j]), String(text[j...])]
                let got = Self.received([stop], deltas)
                #expect(got.text == "Sure, here it is" && got.stopped, "cut at \(i), \(j): \(deltas)")
            }
        }
    }

    @Test func heldTextIsReleasedOnceTheNextDeltaRulesTheStopOut() {
        #expect(Self.stream(["</s>"], ["a</", "p>"]).outcomes == [.text("a"), .text("</p>")])
        // "abcab" is not the stop, but its tail "ab" may start one: only that stays held.
        #expect(Self.stream(["abcd"], ["xab", "cab", "cd"]).outcomes == [.text("x"), .text("abc"), .stopped("")])
        // A stop that starts inside the held text and ends in the next delta.
        #expect(Self.stream(["aab"], ["aa", "a", "b"]).outcomes == [.text(""), .text("a"), .stopped("")])
    }

    @Test func flushReleasesWhatIsHeldAtTheEnd() {
        var matcher = StopMatcher(["</s>"])
        #expect(matcher.feed("The end</") == .text("The end"))
        #expect(matcher.flush() == "</")
        #expect(matcher.flush() == "")
        #expect(matcher.feed("more") == .text("more"))
        #expect(matcher.flush() == "")
    }

    @Test func theEarliestOfSeveralStopsWins() {
        for stops in [["world", "o"], ["o", "world"]] {
            #expect(Self.stream(stops, ["Hello world"]).outcomes == [.stopped("Hell")], "\(stops)")
        }
        #expect(Self.stream(["END", "STOP"], ["a STOP b END"]).outcomes == [.stopped("a ")])
        // Both complete in the same delta; "xyz" starts first.
        #expect(Self.stream(["yz!", "xyz"], ["ab xy", "z!"]).outcomes == [.text("ab "), .stopped("")])
    }

    @Test func aStopThatIsAPrefixOfAnotherEndsFirst() {
        #expect(Self.stream(["</s>extra", "</s>"], ["a</s>extra"]).outcomes == [.stopped("a")])
        #expect(Self.stream(["abc", "ab"], ["xa", "b", "c"]).outcomes == [.text("x"), .stopped("")])
        // Held while it may start either, released when it starts neither.
        #expect(Self.stream(["User", "User:"], ["Us", "ed"]).outcomes == [.text(""), .text("Used")])
    }

    @Test func emptyStopStringsAreIgnored() {
        #expect(StopMatcher([""]).stops.isEmpty)
        #expect(Self.stream([""], ["abc", "<"]).outcomes == [.text("abc"), .text("<")])
        #expect(StopMatcher(["", "x", ""]).stops == ["x"])
        #expect(Self.stream(["", "x"], ["abxc"]).outcomes == [.stopped("ab")])
    }

    @Test func withoutStopsEverythingPassesAtOnce() {
        #expect(Self.stream([], ["<", "/s>", ""]) == ([.text("<"), .text("/s>"), .text("")], ""))
    }

    /// Multi-byte characters: a stop of two characters, each several UTF-8 bytes, held after its first.
    @Test func aStopOfMultiByteCharactersIsHeldAfterItsFirstCharacter() {
        #expect(Self.stream(["é!"], ["caf", "é", "!"]).outcomes == [.text("caf"), .text(""), .stopped("")])
        #expect(Self.stream(["é!"], ["café", "?"]).outcomes == [.text("caf"), .text("é?")])
        #expect(Self.stream(["東京"], ["首都は東", "京です"]).outcomes == [.text("首都は"), .stopped("")])
        #expect(Self.stream(["👍!"], ["ok 👍", "!"]).outcomes == [.text("ok "), .stopped("")])
    }

    /// An emoji of several scalars (a ZWJ sequence, a flag, a skin tone) streams one scalar per delta,
    /// as the detokenizer releases each scalar once its bytes are complete. None of it may reach the
    /// client before the stop is settled.
    @Test(arguments: [
        ["👩", "\u{200D}", "💻"],  // 👩‍💻
        ["🇫", "🇷"],              // 🇫🇷
        ["👍", "🏽"],              // 👍🏽
        ["ok", "👍", "🏽"],        // a longer stop whose last character arrives in pieces
    ])
    func anEmojiStopArrivingScalarByScalarIsHeldBack(pieces: [String]) {
        let stop = pieces.joined()
        let got = Self.received([stop], ["Dev "] + pieces + [" done"])
        #expect(got == ("Dev ", true), "stop \(stop.unicodeScalars.map { String($0.value, radix: 16) })")
    }
}
