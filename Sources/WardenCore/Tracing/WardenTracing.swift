public import Tracing

/// Where Warden's libraries meet swift-distributed-tracing (issue 16). The process turns tracing
/// on (`WardenTelemetry.TracingBootstrap`, or a test's task-local tracer); Warden's types look
/// for the tracer once, when they are made, and with none do exactly what they did before.
///
/// What goes on a span: routes, statuses, client ids, key ids, outcomes and refusal reasons —
/// **never** a token, a secret, a code, a query string, a header, a `sub` or a `jti`.
public enum WardenTracing {
    /// The tracer in effect here (task-local first, then the process's), or `nil` when it is
    /// swift-distributed-tracing's no-op one.
    public static var activeTracer: (any Tracer)? {
        let tracer = InstrumentationSystem.tracer
        return tracer is NoOpTracer ? nil : tracer
    }

    /// Sets string attributes on this task's current span (a request's, when a request tracing
    /// middleware made one). Without tracing: one task-local read; the attributes are not even
    /// made.
    @inlinable
    public static func annotateCurrentSpan(_ attributes: @autoclosure () -> KeyValuePairs<String, String>) {
        guard let context = InstrumentationContext.current else { return }
        annotate(context, attributes())
    }

    @usableFromInline
    static func annotate(_ context: InstrumentationContext, _ attributes: KeyValuePairs<String, String>) {
        guard let span = InstrumentationSystem.tracer.activeSpan(identifiedBy: context) else { return }
        span.updateAttributes { spanAttributes in
            for (key, value) in attributes { spanAttributes[key] = value }
        }
    }
}
