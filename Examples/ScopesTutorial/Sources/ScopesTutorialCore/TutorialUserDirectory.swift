import HummingbirdBcrypt
import WardenCore

/// The tutorial's two users, passwords checked with bcrypt (HummingbirdBcrypt).
public struct TutorialUserDirectory: Sendable {
    private let users: [String: TutorialUser]
    /// Checked when the user does not exist, so an unknown name costs as much as a wrong password.
    private let decoyHash: String

    /// `cost` should be the work factor of the users' hashes, so a miss costs the same as a hit.
    public init(users: [TutorialUser], cost: UInt8 = 12) {
        self.users = Dictionary(uniqueKeysWithValues: users.map { ($0.username, $0) })
        self.decoyHash = Bcrypt.hash("decoy-password-never-matches", cost: cost)
    }

    /// johndoe / secret (active) and alice / secretalice (disabled), as in FastAPI's tutorial.
    /// `cost` is bcrypt's work factor (12 by default; tests may lower it).
    public static func seeded(cost: UInt8 = 12) -> TutorialUserDirectory {
        let everything: ScopeSet = [.me, .items]
        return TutorialUserDirectory(users: [
            TutorialUser(
                username: "johndoe", email: "johndoe@example.com", fullName: "John Doe", disabled: false,
                passwordHash: Bcrypt.hash("secret", cost: cost), allowedScopes: everything
            ),
            TutorialUser(
                username: "alice", email: "alicechains@example.com", fullName: "Alice Chains", disabled: true,
                passwordHash: Bcrypt.hash("secretalice", cost: cost), allowedScopes: everything
            ),
        ], cost: cost)
    }

    public func user(named username: String) -> TutorialUser? { users[username] }

    /// The user if `password` is theirs; `nil` otherwise (unknown users included, in similar time).
    public func authenticate(username: String, password: String) -> TutorialUser? {
        guard let user = users[username] else {
            _ = Bcrypt.verify(password, hash: decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: user.passwordHash) ? user : nil
    }
}
