public import Testing
public import WardenServer

extension AuthorizationStoreConformance {
    /// One check of the suite: a name (shown as the test case's argument) and what it does to a
    /// fresh store.
    public struct Check: Sendable, CustomTestStringConvertible {
        public let name: String
        let body: @Sendable (any AuthorizationStore) async throws -> Void

        public var testDescription: String { name }

        /// Runs the check against `store`, which must be new and empty.
        public func run(on store: any AuthorizationStore) async throws {
            try await body(store)
        }
    }
}
