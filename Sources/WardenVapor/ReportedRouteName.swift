import Synchronization
import Vapor

/// A protected route's name as refusals report it (issue 14: `GET /orders/{id}`): known only once
/// Vapor has registered the route under its groups' path, after its handler was made.
final class ReportedRouteName: Sendable {
    private let name: Mutex<String>

    init(_ name: String) { self.name = Mutex(name) }

    /// `/orders/{id}`: parameters as Hummingbird writes them, so both adapters' routes read the
    /// same in the permission audit.
    static func path(_ components: [PathComponent]) -> String {
        "/" + components.map { component in
            if case .parameter(let name) = component { return "{\(name)}" }
            return component.description
        }.joined(separator: "/")
    }

    var value: String {
        get { name.withLock { $0 } }
        set { name.withLock { $0 = newValue } }
    }
}
