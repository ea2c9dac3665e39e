/// A store that can tell a node, as they happen, about changes other nodes made (PostgreSQL
/// LISTEN/NOTIFY). The table stays the source of truth: a missed notification only delays a
/// change until the next poll, never loses it.
public protocol StoreChangeNotifier: Sendable {
    /// Reports each change until the task is cancelled; reconnects by itself.
    func followChanges(_ onChange: @escaping @Sendable (StoreChange) -> Void) async
}
