import Grammar
import LoomProtocol

/// `tools` and `tool_choice` of a chat request, as OpenAI defines them. Each tool's `parameters`
/// schema is kept as the client wrote it (`RawJSONSpans`), so its properties keep their order.
struct ToolFields {
    var tools: [ToolDefinition] = []
    var choice: ToolChoice = .auto

    enum CodingKeys: String, CodingKey {
        case tools
        case toolChoice = "tool_choice"
    }

    struct Tool: Decodable {
        var type: String
        var function: Function
    }

    struct Function: Decodable {
        var name: String
        var description: String?
        var parameters: AnyJSON?
        var strict: Bool?
    }

    private struct NamedChoice: Decodable {
        var type: String
        var function: Name
        struct Name: Decodable { var name: String }
    }

    /// What a tool's name is made of, as OpenAI allows: ASCII letters, digits, `_` and `-`.
    static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let given = try container.decodeIfPresent([Tool].self, forKey: .tools) ?? []
        let raw = RawJSONSpans(decoder)
        var names: Set<String> = []
        for (index, tool) in given.enumerated() {
            let path = container.codingPath + [CodingKeys.tools]
            guard tool.type == "function" else {
                throw InvalidField(path, "tools[\(index)]: only tools of type 'function' are supported")
            }
            let name = tool.function.name
            guard (1...64).contains(name.count), name.allSatisfy(Self.isNameCharacter) else {
                throw InvalidField(path, "tools[\(index)].function.name must be 1 to 64 letters, digits, '_' or '-'")
            }
            guard names.insert(name).inserted else { throw InvalidField(path, "tools[\(index)]: a second tool named '\(name)'") }
            var parameters = ""
            if tool.function.parameters != nil {
                guard let text = raw?.toolParameters(index) else {
                    throw InvalidField(path, "tools[\(index)].function.parameters must be a JSON Schema object")
                }
                // Compiled here only to be checked: the worker builds the grammar for a required call.
                do {
                    _ = try JSONSchemaGrammar.gbnf(schema: text)
                } catch {
                    throw InvalidField(path, "tools[\(index)].function.parameters: \(error.description)")
                }
                parameters = text
            }
            tools.append(ToolDefinition(name: name, description: tool.function.description ?? "", parameters: parameters))
        }
        guard tools.count <= WireLimits.default.maxTools else {
            throw InvalidField(container.codingPath + [CodingKeys.tools], "at most \(WireLimits.default.maxTools) tools are allowed")
        }
        if container.contains(.toolChoice) {
            let path = container.codingPath + [CodingKeys.toolChoice]
            if let word = try? container.decode(String.self, forKey: .toolChoice) {
                switch word {
                case "auto": choice = .auto
                case "none": choice = .none
                case "required": choice = .required
                default: throw InvalidField(path, "must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": …}}")
                }
            } else if let named = try? container.decode(NamedChoice.self, forKey: .toolChoice), named.type == "function" {
                guard names.contains(named.function.name) else {
                    throw InvalidField(path, "names the function '\(named.function.name)', which is not among the request's tools")
                }
                choice = .function(named.function.name)
            } else {
                throw InvalidField(path, "must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": …}}")
            }
            if choice == .required && tools.isEmpty {
                throw InvalidField(path, "is 'required' but the request has no tools")
            }
        }
    }
}

/// Any JSON value, read and dropped: says a field is there, and tells a list from what is not one.
struct AnyJSON: Decodable {
    init(from _: any Decoder) {}
}
