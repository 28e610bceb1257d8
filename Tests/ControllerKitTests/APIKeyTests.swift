@testable import ControllerKit
import Testing

/// API keys are compared byte for byte over their whole length, whatever differs first.
@Suite("API keys")
struct APIKeyTests {
    @Test func onlyTheWholeKeyIsAccepted() {
        let keys = APIKeys(["sekrit", "another-key"])
        #expect(keys.accepts(Array("sekrit".utf8)) && keys.accepts(Array("another-key".utf8)))
        for wrong in ["", "s", "sekri", "sekrit ", "sekritx", "Sekrit", "another-keY", "another"] {
            #expect(!keys.accepts(Array(wrong.utf8)), "\(wrong.debugDescription) must not pass")
        }
        #expect(!APIKeys([]).accepts([]))
    }

    @Test func equalFoldsLengthAndEveryByte() {
        #expect(APIKeys.equal([1, 2, 3], [1, 2, 3]))
        #expect(!APIKeys.equal([1, 2, 3], [1, 2, 3, 0]), "a trailing zero byte is still a longer key")
        #expect(!APIKeys.equal([1, 2, 3, 0], [1, 2, 3]))
        #expect(!APIKeys.equal([9, 2, 3], [1, 2, 3]) && !APIKeys.equal([1, 2, 9], [1, 2, 3]))
        #expect(APIKeys.equal([], []))
    }
}
