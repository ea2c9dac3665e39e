public import Foundation
public import WardenCore

/// The permission audit (issue 14, the seed's "audit service permission configuration
/// regularly"): for each client, the scopes it may have, the scopes its tokens carried within the
/// window (from the audit log's issuance rows: issued, refreshed, exchanged, and the
/// client-credentials rows by the minute), the ones never carried — least-privilege suggestions —
/// and its refusals (at the authorization server: `invalid_scope`, `unauthorized_client`; at the
/// services: `access.refused`); for each service that reported, the scopes its routes require.
/// `warden audit permissions` prints it.
public struct PermissionAudit: Sendable {
    public struct Client: Sendable, Hashable {
        public var clientID: String
        public var allowedScopes: [String]
        public var usedScopes: [String]
        public var unusedScopes: [String]
        public var refusals: Int
    }

    public struct Route: Sendable, Hashable {
        public var route: String
        /// Every scope its requirement mentions.
        public var requiredScopes: [String]
        /// The requirement as written (`all(order.read, any(order.admin, order.audit))`) when it
        /// has alternatives; `nil` when every scope of ``requiredScopes`` is needed.
        public var requirement: String?

        public init(route: String, requiredScopes: [String], requirement: String? = nil) {
            self.route = route
            self.requiredScopes = requiredScopes
            self.requirement = requirement
        }
    }

    public struct Service: Sendable, Hashable {
        public var service: String
        public var routes: [Route]
    }

    public var since: Date
    public var clients: [Client]
    public var services: [Service]

    /// The audit rows it reads: what tokens carried, and what was refused — read apart, each
    /// up to ``maximumRows``, so a flood of refusals never crowds out the issuance rows.
    public static let issuanceEvents = ["token.issued", "token.refreshed", "token.exchanged"]
    public static let refusalEvents = ["token.refused", "access.refused"]

    /// The most rows read of each kind; more are summarized from the first ones only (said in
    /// ``isPartial``).
    public static let maximumRows = 1_000_000
    public var isPartial = false

    public static func run(on store: any AuthorizationStore, since: Date) async throws -> PermissionAudit {
        let issued = try await store.auditEvents(since: since, named: issuanceEvents, limit: maximumRows)
        let refused = try await store.auditEvents(since: since, named: refusalEvents, limit: maximumRows)
        let rows = issued + refused
        var audit = make(clients: try await store.clients(), rows: rows, since: since)
        audit.isPartial = issued.count >= maximumRows || refused.count >= maximumRows
        return audit
    }

    /// The report from the clients and audit rows (no storage: tested directly).
    public static func make(clients records: [ClientRecord], rows: [AuditEvent], since: Date) -> PermissionAudit {
        var used: [String: Set<String>] = [:]
        var refusals: [String: Int] = [:]
        var routes: [String: [String: Set<String>]] = [:]
        var requirements: [String: [String: String]] = [:]
        for row in rows {
            switch row.event {
            case "token.issued", "token.refreshed", "token.exchanged":
                guard row.outcome == "success", let client = row.clientID, let scope = row.scope else { continue }
                used[client, default: []].formUnion(scope.split(separator: " ").map(String.init))
            case "token.refused":
                guard let client = row.clientID, row.outcome == "invalid_scope" || row.outcome == "unauthorized_client" else { continue }
                refusals[client, default: 0] += 1
            case "access.refused":
                // detail: "service S route R[ reason X][ count N][ requirement Q]", R being
                // "METHOD /path" (or a path alone from older services), N how many alike the row
                // stands for, Q a requirement with alternatives.
                let words = (row.detail ?? "").split(separator: " ").map(String.init)
                // The requirement comes last and may hold any scope token ("count" too): the
                // other fields are looked for before it only.
                let requirementAt = words.firstIndex(of: "requirement") ?? words.count
                let fields = words[..<requirementAt]
                let alike = fields.firstIndex(of: "count").flatMap { $0 + 1 < requirementAt ? Int(words[$0 + 1]) : nil } ?? 1
                if let client = row.clientID { refusals[client, default: 0] += max(1, alike) }
                if row.outcome == "insufficient_scope", let s = fields.firstIndex(of: "service"), s + 1 < requirementAt,
                    let r = fields.firstIndex(of: "route"), r + 1 < requirementAt
                {
                    let end = fields[(r + 1)...].firstIndex { $0 == "reason" || $0 == "count" } ?? requirementAt
                    let route = words[(r + 1)..<end].joined(separator: " ")
                    let required = (row.scope ?? "").split(separator: " ").map(String.init)
                    routes[words[s + 1], default: [:]][route, default: []].formUnion(required)
                    if requirementAt + 1 < words.count {
                        requirements[words[s + 1], default: [:]][route] = words[(requirementAt + 1)...].joined(separator: " ")
                    }
                }
            default:
                continue
            }
        }
        let clients = records.sorted { $0.id < $1.id }.map { record in
            let allowed = Set(record.scopes.map(\.rawValue))
            let carried = used[record.id] ?? []
            return Client(
                clientID: record.id, allowedScopes: allowed.sorted(), usedScopes: carried.sorted(),
                unusedScopes: allowed.subtracting(carried).sorted(), refusals: refusals[record.id] ?? 0
            )
        }
        let services = routes.keys.sorted().map { service in
            Service(service: service, routes: routes[service]!.keys.sorted().map {
                Route(route: $0, requiredScopes: routes[service]![$0]!.sorted(), requirement: requirements[service]?[$0])
            })
        }
        return PermissionAudit(since: since, clients: clients, services: services)
    }

    /// `{"since", "partial", "clients": [{"client_id", "allowed_scopes", "used_scopes",
    /// "unused_scopes", "refusals"}], "services": [{"service", "routes": [{"route",
    /// "scopes_required", "requirement" (only when it has alternatives)}]}]}`.
    public var json: JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        return .object([
            "since": .string(AlertRecord.rfc3339(since)),
            "partial": .bool(isPartial),
            "clients": .array(clients.map { client in
                .object([
                    "client_id": .string(client.clientID), "allowed_scopes": strings(client.allowedScopes), "used_scopes": strings(client.usedScopes),
                    "unused_scopes": strings(client.unusedScopes), "refusals": .number(Double(client.refusals)),
                ])
            }),
            "services": .array(services.map { service in
                .object([
                    "service": .string(service.service),
                    "routes": .array(service.routes.map { route in
                        var fields: [String: JSONValue] = ["route": .string(route.route), "scopes_required": strings(route.requiredScopes)]
                        if let requirement = route.requirement { fields["requirement"] = .string(requirement) }
                        return .object(fields)
                    }),
                ])
            }),
        ])
    }
}
