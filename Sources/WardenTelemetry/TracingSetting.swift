import Foundation

/// Whether, and how, a Warden process exports traces: decided from the standard OpenTelemetry
/// variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
/// **off unless one asks for it** — an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER=otlp`. Issue 16.
///
/// swift-otel reads the same variables itself once tracing is on (endpoint, protocol, headers,
/// service name, batching). This refuses, with a message naming the variable, what would stop
/// the process inside swift-otel (`fatalError`: gRPC without its trait, the B3, Jaeger, X-Ray and
/// OT propagators, the Jaeger and X-Ray samplers) or make it spin or never stop (a batch of 0,
/// a schedule of 0 ms), and what would lose every span quietly (an endpoint that is no URL).
public enum TracingSetting: Equatable, Sendable {
    case off
    /// OTLP over HTTP, `http/protobuf` (the default) or `http/json`.
    case otlp(protocolName: String)

    public init(environment: [String: String]) throws(TracingSettingError) {
        let read = Self.reader(environment)
        switch read("OTEL_SDK_DISABLED")?.lowercased() {
        case "true":
            self = .off
            return
        case nil, "false":
            break
        case let other?:
            throw TracingSettingError("OTEL_SDK_DISABLED=\(other) is not a boolean: use true or false")
        }
        let endpointName = read("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != nil ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT"
        let endpoint = read(endpointName)
        switch read("OTEL_TRACES_EXPORTER")?.lowercased() {
        case "none":
            self = .off
            return
        case nil:
            guard endpoint != nil else {
                self = .off
                return
            }
        case "otlp":
            break
        case let other?:
            throw TracingSettingError("OTEL_TRACES_EXPORTER=\(other) is not supported: use otlp (or none)")
        }
        if let endpoint {
            guard let url = URLComponents(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = url.host, !host.isEmpty
            else {
                throw TracingSettingError("\(endpointName) must be an http:// or https:// URL with a host (e.g. http://collector:4318)")
            }
        }
        let protocolVariable = read("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") != nil ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL"
        let protocolName = read(protocolVariable) ?? "http/protobuf"
        guard protocolName == "http/protobuf" || protocolName == "http/json" else {
            throw TracingSettingError("\(protocolVariable)=\(protocolName) is not supported: use http/protobuf or http/json (OTLP over HTTP)")
        }
        if let sampler = read("OTEL_TRACES_SAMPLER"), ["jaeger_remote", "parentbased_jaeger_remote", "xray"].contains(sampler.lowercased()) {
            throw TracingSettingError("OTEL_TRACES_SAMPLER=\(sampler) is not supported: use always_on, always_off, traceidratio or their parentbased_ forms")
        }
        _ = try Self.propagators(environment)
        try Self.checkBatching(read)
        self = .otlp(protocolName: protocolName)
    }

    /// What `OTEL_PROPAGATORS` should say for swift-otel: `nil` to leave it; otherwise the list
    /// without `baggage` (not supported by swift-otel 1.6, which stops the process at it; the
    /// specification's default `tracecontext,baggage` is common, so it is narrowed, not refused).
    /// The B3, Jaeger, X-Ray and OT propagators are refused.
    public static func propagators(_ environment: [String: String]) throws(TracingSettingError) -> String? {
        guard let list = reader(environment)("OTEL_PROPAGATORS") else { return nil }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let unsupported = names.first(where: { ["b3", "b3multi", "jaeger", "xray", "ottrace"].contains($0.lowercased()) }) {
            throw TracingSettingError("OTEL_PROPAGATORS=\(list): \(unsupported) is not supported; use tracecontext (W3C Trace Context)")
        }
        guard names.contains(where: { $0.lowercased() == "baggage" }) else { return nil }
        let kept = names.filter { $0.lowercased() != "baggage" }
        return kept.isEmpty ? "none" : kept.joined(separator: ",")
    }

    /// The batch span processor's numbers (`OTEL_BSP_*`): whole numbers, a schedule of at least
    /// 10 ms, a queue and a batch of at least 1, the batch no larger than the queue.
    static func checkBatching(_ read: (String) -> String?) throws(TracingSettingError) {
        func number(_ name: String, atLeast minimum: Int) throws(TracingSettingError) -> Int? {
            guard let text = read(name) else { return nil }
            guard let value = Int(text), value >= minimum else {
                throw TracingSettingError("\(name)=\(text) must be a whole number of at least \(minimum)")
            }
            return value
        }
        _ = try number("OTEL_BSP_SCHEDULE_DELAY", atLeast: 10)
        _ = try number("OTEL_BSP_EXPORT_TIMEOUT", atLeast: 1)
        let queue = try number("OTEL_BSP_MAX_QUEUE_SIZE", atLeast: 1) ?? 2048
        let batch = try number("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", atLeast: 1) ?? min(512, queue)
        guard batch <= queue else {
            throw TracingSettingError("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\(batch) must not exceed OTEL_BSP_MAX_QUEUE_SIZE=\(queue)")
        }
    }

    /// A variable's value without surrounding spaces; nil when unset or blank.
    static func reader(_ environment: [String: String]) -> (String) -> String? {
        { name in
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
    }
}
