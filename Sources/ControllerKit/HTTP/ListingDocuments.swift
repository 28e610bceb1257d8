import LoomProtocol

/// `GET /v1/models`: OpenAI's list of models, those of live workers.
struct ModelList: Encodable {
    let object = "list"
    let data: [Model]

    struct Model: Encodable {
        let id: String
        let object = "model"
        let created = 0
        let ownedBy = "loom"
        let maxModelLen: Int
        let multimodal: Bool

        enum CodingKeys: String, CodingKey {
            case id, object, created, multimodal
            case ownedBy = "owned_by", maxModelLen = "max_model_len"
        }
    }

    init(_ models: [ModelInfo]) {
        data = models.map { Model(id: $0.name, maxModelLen: $0.contextLength, multimodal: $0.multimodal) }
    }
}

/// `GET /health`.
struct HealthDocument: Encodable {
    let status: String
    let liveWorkers: Int

    enum CodingKeys: String, CodingKey {
        case status
        case liveWorkers = "live_workers"
    }
}
