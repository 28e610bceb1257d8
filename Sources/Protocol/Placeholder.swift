enum LoomProtocolPlaceholder {}
