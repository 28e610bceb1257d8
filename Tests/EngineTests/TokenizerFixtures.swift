import Engine
import Foundation

/// The shared reference fixtures (`../shared/fixtures` beside the package root) and the tokenizers
/// built from them, each loaded once for all tokenizer and chat-template tests.
enum TokenizerFixtures {
    static let directory = Fixtures.directory

    static func path(_ relative: String) -> String { Fixtures.path(relative) }

    /// LLaMA/Vicuna SentencePiece vocabulary (vocab-only GGUF).
    static let sentencePiecePath = path("ggml-vocab-llama-spm.gguf")
    /// A tiny random model carrying SmolLM2's byte-level BPE vocabulary.
    static let smolVocabularyPath = path("tiny-llava/tiny-llama-f32.gguf")

    private static let sentencePieceResult = Result { try Tokenizer(gguf: GGUFFile(path: sentencePiecePath)) }
    private static let smolResult = Result { try Tokenizer(gguf: GGUFFile(path: smolVocabularyPath)) }

    static func sentencePiece() throws -> Tokenizer { try sentencePieceResult.get() }
    static func smol() throws -> Tokenizer { try smolResult.get() }

    // MARK: tokenizer.json

    struct ExpectedIDs: Decodable, Sendable {
        let plain: [Int32]
        let parseSpecial: [Int32]

        enum CodingKeys: String, CodingKey {
            case plain
            case parseSpecial = "parse_special"
        }
    }

    struct TokenizationCase: Decodable, Sendable {
        let text: String
        let sentencePiece: ExpectedIDs
        let smolLM2: ExpectedIDs

        enum CodingKeys: String, CodingKey {
            case text
            case sentencePiece = "llama-spm"
            case smolLM2 = "smollm2"
        }
    }

    static func tokenizationCases() throws -> [TokenizationCase] {
        struct File: Decodable { let cases: [TokenizationCase] }
        return try decode(File.self, "tokenizer.json").cases
    }

    // MARK: smollm2/reference.json and tiny-llava/reference.json

    struct SmolLM2Prompt: Decodable, Sendable {
        struct Chat: Decodable, Sendable {
            let templatedPrompt: String
            let templatedPromptIDs: [Int32]

            enum CodingKeys: String, CodingKey {
                case templatedPrompt = "templated_prompt"
                case templatedPromptIDs = "templated_prompt_ids"
            }
        }

        let prompt: String
        let llamaTokenizeIDs: [Int32]
        let chat: Chat

        enum CodingKeys: String, CodingKey {
            case prompt, chat
            case llamaTokenizeIDs = "llama_tokenize_ids"
        }
    }

    static func smolLM2Prompts() throws -> [SmolLM2Prompt] {
        struct File: Decodable { let prompts: [SmolLM2Prompt] }
        return try decode(File.self, "smollm2/reference.json").prompts
    }

    struct LLaVACase: Decodable, Sendable {
        let name: String
        let systemPrompt: String
        let userPrompt: String
        let systemIDs: [Int32]
        let userIDs: [Int32]

        enum CodingKeys: String, CodingKey {
            case name = "case"
            case systemPrompt = "system_prompt"
            case userPrompt = "user_prompt"
            case systemIDs = "system_ids"
            case userIDs = "user_ids"
        }
    }

    static func llavaCases() throws -> [LLaVACase] {
        struct File: Decodable { let cases: [LLaVACase] }
        return try decode(File.self, "tiny-llava/reference.json").cases
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ relative: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: directory.appendingPathComponent(relative)))
    }
}
