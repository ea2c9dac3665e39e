public import WardenCore

extension AccessTokenVerifier {
    /// Why the verifier refuses `token` now, `nil` when it accepts it: for tests and probes
    /// that wait for a revocation or an expiry to take effect.
    public func refusal(of token: String) async -> TokenVerificationError.Reason? {
        do {
            _ = try await verify(token)
            return nil
        } catch {
            return error.reason
        }
    }
}
