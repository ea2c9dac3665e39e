import Synchronization

/// A protected route's name as refusals report it (issue 14: `GET /orders/:id`): known only once
/// Vapor has registered the route under its groups' path, after its handler was made.
final class ReportedRouteName: Sendable {
    private let name: Mutex<String>

    init(_ name: String) { self.name = Mutex(name) }

    var value: String {
        get { name.withLock { $0 } }
        set { name.withLock { $0 = newValue } }
    }
}
