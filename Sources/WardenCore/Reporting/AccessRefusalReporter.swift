/// Where a service's refusals go (issue 14). `report` is called on the request's path: it must
/// return at once and never fail — queue, and send in the background
/// (`WardenClient.SecurityEventReporter` sends them to the authorization server).
public protocol AccessRefusalReporter: Sendable {
    func report(_ refusal: AccessRefusal)
}
