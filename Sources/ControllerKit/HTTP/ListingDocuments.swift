import LoomProtocol

/// `GET /v1/models`: OpenAI's list of models, those of live workers.
struct ModelList: Encodable {
    let object = "list"
    let data: [Model]

    /// One model, as `GET /v1/models/{id}` answers it too: OpenAI's fields (`created` is when this
    /// controller started), the context length (`context_length`, and vLLM's `max_model_len`) and
    /// what it takes in (`input_modalities`: text, and image when its workers have a vision tower).
    struct Model: Encodable {
        let id: String
        let object = "model"
        let created: Int
        let ownedBy = "loom"
        let contextLength: Int
        let multimodal: Bool

        var inputModalities: [String] { multimodal ? ["text", "image"] : ["text"] }

        enum CodingKeys: String, CodingKey {
            case id, object, created, multimodal
            case ownedBy = "owned_by", maxModelLen = "max_model_len", contextLength = "context_length"
            case inputModalities = "input_modalities"
        }

        init(_ model: ModelInfo, created: Int) {
            id = model.name
            self.created = created
            contextLength = model.contextLength
            multimodal = model.multimodal
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(object, forKey: .object)
            try container.encode(created, forKey: .created)
            try container.encode(ownedBy, forKey: .ownedBy)
            try container.encode(contextLength, forKey: .contextLength)
            try container.encode(contextLength, forKey: .maxModelLen)
            try container.encode(inputModalities, forKey: .inputModalities)
            try container.encode(multimodal, forKey: .multimodal)
        }
    }

    init(_ models: [ModelInfo], created: Int) {
        data = models.map { Model($0, created: created) }
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
