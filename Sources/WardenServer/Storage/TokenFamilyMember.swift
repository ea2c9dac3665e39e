/// Something single-use issued within a token family (a code, a refresh token): replaying it
/// revokes the family.
public protocol TokenFamilyMember: Sendable {
    var familyID: String { get }
    var subject: String { get }
}

extension RefreshTokenRecord: TokenFamilyMember {}
extension AuthorizationCodeRecord: TokenFamilyMember {}
