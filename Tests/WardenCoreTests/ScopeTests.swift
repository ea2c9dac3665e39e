import Testing
import WardenCore

@Suite struct ScopeTests {
    @Test(arguments: ["me", "items", "users:read", "https://www.googleapis.com/auth/drive", "!#[]~"])
    func acceptsScopeTokens(value: String) throws {
        #expect(try Scope(validating: value).rawValue == value)
    }

    @Test(arguments: ["", "a b", "quote\"", "back\\slash", "tab\t", "é", "new\nline"])
    func refusesInvalidScopeTokens(value: String) {
        #expect(throws: InvalidScopeError.self) { try Scope(validating: value) }
    }

    @Test func parsesSpaceDelimitedList() throws {
        let set = try ScopeSet(parsing: "me items me")
        #expect(set == ["items", "me"])
        #expect(set.description == "items me")
        #expect(try ScopeSet(parsing: "").isEmpty)
        let line = "scope=me items&x=1"
        #expect(try ScopeSet(parsing: line.dropFirst(6).prefix(8)) == ["items", "me"])
    }

    @Test(arguments: [" ", " me", "me ", "me  items", "me\titems", "me \"x\"", "me\u{7F}", "mé"])
    func refusesListsOutsideTheGrammar(value: String) {
        #expect(throws: InvalidScopeError.self) { try ScopeSet(parsing: value) }
    }

    @Test func allOfNeedsEveryScope() {
        let requirement = ScopeRequirement.allOf("me", "items")
        #expect(requirement.isSatisfied(by: ["me", "items", "extra"]))
        #expect(!requirement.isSatisfied(by: ["me"]))
        #expect(ScopeRequirement.none.isSatisfied(by: []))
    }

    @Test func anyOfAndNestingCompose() {
        let requirement = ScopeRequirement.anyOf(.allOf("admin"), .allOf("me", "items"))
        #expect(requirement.isSatisfied(by: ["admin"]))
        #expect(requirement.isSatisfied(by: ["me", "items"]))
        #expect(!requirement.isSatisfied(by: ["me"]))
        #expect(requirement.mentionedScopes == ["admin", "me", "items"])
        #expect(requirement.alternatives == [["admin"], ["items", "me"]])

        let nested = ScopeRequirement.allOf("read").adding(requirement)
        #expect(nested.isSatisfied(by: ["read", "admin"]))
        #expect(!nested.isSatisfied(by: ["admin"]))
        #expect(nested.alternatives == [["admin", "read"], ["items", "me", "read"]])
    }

    @Test func addingAllOfRequirementsUnitesThem() {
        let group = ScopeRequirement.allOf("me")
        let route = group.adding(.allOf("items"))
        #expect(route == .allOf("items", "me"))
        #expect(route.alternatives == [["items", "me"]])
    }
}

/// `ScopeSet.isSubset(of:)` compares small sets one by one (issue 16) and hashes larger ones:
/// the same answers on both sides of the limits, against `Set`'s own.
@Suite struct ScopeSetSubsetTests {
    @Test func smallAndLargeSetsAnswerAsSetDoes() throws {
        var generator = SplitMix64(seed: 16)
        let pool = (0..<24).map { Scope(stringLiteral: "scope\($0).read") }
        for _ in 0..<2_000 {
            let required = ScopeSet(pool.filter { _ in generator.next() % 5 == 0 }.prefix(Int(generator.next() % 7)))
            let granted = ScopeSet(pool.filter { _ in generator.next() % 3 != 0 }.prefix(Int(generator.next() % 24)))
            #expect(required.isSubset(of: granted) == required.scopes.isSubset(of: granted.scopes))
        }
        #expect(ScopeSet().isSubset(of: ScopeSet()))
        #expect(!ScopeSet(["orders.read"]).isSubset(of: ScopeSet(["orders.readx", "Orders.read"])))
    }

    /// The wire form: sorted, single spaces, for none, one and many scopes, as the plain
    /// sort-and-join it replaced would write it.
    @Test func theWireFormIsSortedAndSpaceSeparated() throws {
        #expect(ScopeSet().description == "")
        #expect(ScopeSet(["orders.read"]).description == "orders.read")
        #expect(ScopeSet(["b", "a"]).description == "a b")
        var random = SplitMix64(seed: 16)
        for _ in 0..<200 {
            let names = (0..<Int(random.next() % 9)).map { _ in "s\(random.next() % 40)" + (random.next() % 2 == 0 ? "" : ":Read") }
            let set = ScopeSet(try names.map { try Scope(validating: $0) })
            #expect(set.description == Set(names).sorted().joined(separator: " "))
            #expect(try ScopeSet(parsing: set.description) == set)
        }
    }
}
