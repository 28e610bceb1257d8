public enum ChatTemplateError: Error, Equatable, CustomStringConvertible {
    case unknownName(String)

    public var description: String {
        switch self {
        case .unknownName(let name):
            "unknown chat template '\(name)' (known: \(ChatTemplate.Style.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
