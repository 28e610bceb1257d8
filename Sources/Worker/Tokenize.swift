import ArgumentParser

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Prints the token ids of a text as a JSON array.")
    func run() throws { throw ValidationError("tokenize is not built yet") }
}
