import ArgumentParser
import Engine

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Prints the token ids of a text as a JSON array (works on vocabulary-only files too).")

    @Option(help: "Path to a GGUF file with a tokenizer.") var model: String
    @Flag(help: "Parse control tokens such as <|im_start|> in the text.") var special = false
    @Argument(help: "The text to tokenize.") var text: String

    func run() throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(path: model))
        let ids = tokenizer.encode(text, parseSpecial: special)
        print("[" + ids.map(String.init).joined(separator: ",") + "]")
    }
}
