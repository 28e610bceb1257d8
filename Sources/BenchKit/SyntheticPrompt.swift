import LoomProtocol
/// Random prompts of about `inputTokens` tokens: short common English words, each one token with
/// its leading space in a byte-level BPE vocabulary such as SmolLM2's. Each request and turn gets
/// its own words, so requests share no prefix but the system prompt, when one is asked for.
public enum SyntheticPrompt {
    static let words = """
        time year people way day man thing woman life child world school state family student group country \
        problem hand part place case week company system program question work government number night point \
        home water room mother area money story fact month lot right study book eye job word business issue side \
        kind head house service friend father power hour game line end member law car city community name \
        president team minute idea kid body information back parent face others level office door health person \
        art war history party result change morning reason research girl guy moment air teacher force education
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    public static func make(inputTokens: Int, using random: inout SplitMix64) -> String {
        (0..<max(1, inputTokens)).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
    }
}
