import HummingbirdBcrypt
import NIOPosix

/// bcrypt (HummingbirdBcrypt) for user passwords, run on NIO's blocking thread pool so a
/// ~250 ms hash never holds a cooperative-pool thread.
public struct PasswordHashing: Sendable {
    /// bcrypt cost; 12 by default, lower only in tests.
    public var cost: UInt8

    public init(cost: UInt8 = 12) { self.cost = cost }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a random password at this cost, checked against when the user does not exist
    /// so that unknown users take as long as wrong passwords.
    func decoyHash() async throws -> String {
        try await hash(OpaqueToken.generate(bytes: 16))
    }
}
