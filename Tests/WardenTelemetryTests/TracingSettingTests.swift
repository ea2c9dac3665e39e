import Testing
import WardenTelemetry

/// Issue 16: tracing is off unless the standard OpenTelemetry variables ask for it; what Warden's
/// build cannot do is refused with a message, not a crash.
@Suite struct TracingSettingTests {
    @Test func offUnlessAnEndpointOrTheOTLPExporterIsNamed() throws {
        #expect(try TracingSetting(environment: [:]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_SERVICE_NAME": "x", "OTEL_EXPORTER_OTLP_ENDPOINT": "  "]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]) == .otlp(protocolName: "http/protobuf"))
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1/traces", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"])
            == .otlp(protocolName: "http/json"))
        #expect(try TracingSetting(environment: ["OTEL_TRACES_EXPORTER": "otlp"]) == .otlp(protocolName: "http/protobuf"))
        // The traces-specific protocol wins over the general one.
        #expect(try TracingSetting(environment: ["OTEL_TRACES_EXPORTER": "OTLP", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                                                 "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"]) == .otlp(protocolName: "http/json"))
    }

    @Test func switchedOffExplicitly() throws {
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "TRUE"]) == .off)
    }

    @Test func whatThisBuildCannotDoIsRefusedWithAMessage() {
        #expect(throws: TracingSettingError("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf or http/json (OTLP over HTTP)")) {
            try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        }
        #expect(throws: TracingSettingError("OTEL_TRACES_EXPORTER=console is not supported: use otlp (or none)")) {
            try TracingSetting(environment: ["OTEL_TRACES_EXPORTER": "console"])
        }
    }
}

/// A review (issue 16): what swift-otel would stop the process at, spin at, or lose every span to
/// is refused with a message naming the variable; the common `tracecontext,baggage` is narrowed.
@Suite struct TracingSettingRefusalTests {
    static let on = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]

    func setting(_ extra: [String: String]) throws(TracingSettingError) -> TracingSetting {
        try TracingSetting(environment: Self.on.merging(extra) { $1 })
    }

    @Test func propagatorsSwiftOTelCannotRunAreRefusedAndBaggageIsDropped() throws {
        #expect(try TracingSetting.propagators(["OTEL_PROPAGATORS": "tracecontext,baggage"]) == "tracecontext")
        #expect(try TracingSetting.propagators(["OTEL_PROPAGATORS": " baggage "]) == "none")
        #expect(try TracingSetting.propagators(["OTEL_PROPAGATORS": "tracecontext"]) == nil)
        #expect(try TracingSetting.propagators([:]) == nil)
        for name in ["b3", "b3multi", "jaeger", "xray", "ottrace", "tracecontext,B3"] {
            #expect(throws: TracingSettingError.self) { try setting(["OTEL_PROPAGATORS": name]) }
        }
        #expect(try setting(["OTEL_PROPAGATORS": "tracecontext,baggage"]) == .otlp(protocolName: "http/protobuf"))
    }

    @Test func samplersSwiftOTelCannotRunAreRefused() throws {
        for sampler in ["jaeger_remote", "parentbased_jaeger_remote", "xray"] {
            #expect(throws: TracingSettingError.self) { try setting(["OTEL_TRACES_SAMPLER": sampler]) }
        }
        #expect(try setting(["OTEL_TRACES_SAMPLER": "parentbased_traceidratio"]) == .otlp(protocolName: "http/protobuf"))
    }

    @Test func batchingThatWouldSpinOrNeverStopIsRefused() throws {
        let refused: [[String: String]] = [
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "0"], ["OTEL_BSP_SCHEDULE_DELAY": "0"], ["OTEL_BSP_MAX_QUEUE_SIZE": "0"],
            ["OTEL_BSP_SCHEDULE_DELAY": "fast"], ["OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "200"],
        ]
        for values in refused {
            #expect(throws: TracingSettingError.self, "\(values)") { try setting(values) }
        }
        #expect(try setting(["OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_BSP_MAX_QUEUE_SIZE": "100"]) == .otlp(protocolName: "http/protobuf"))
    }

    @Test func endpointsThatAreNoURLAndNonBooleansAreRefused() throws {
        for endpoint in ["not a url", "127.0.0.1:4318", "ftp://x", "http://"] {
            #expect(throws: TracingSettingError.self, "\(endpoint)") { try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint]) }
        }
        #expect(throws: TracingSettingError.self) { try setting(["OTEL_SDK_DISABLED": "1"]) }
        // The message names the variable that was read.
        #expect(throws: TracingSettingError("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc is not supported: use http/protobuf or http/json (OTLP over HTTP)")) {
            try setting(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"])
        }
    }
}
