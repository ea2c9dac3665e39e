import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import Testing
import WardenExecutor

/// `FlushConsolidationHandler` (issue 16): flushes asked for while the loop runs its tasks leave
/// as one, after them; nothing written is held back by a close or a removal; and a real server
/// with it answers whole — keep-alive, a streamed body, `Connection: close`.
@Suite struct FlushConsolidationHandlerTests {
    /// Counts the flushes that reach the socket's side of the pipeline.
    final class FlushCounter: ChannelOutboundHandler {
        typealias OutboundIn = NIOAny
        var flushes = 0
        func flush(context: ChannelHandlerContext) {
            flushes += 1
            context.flush()
        }
    }

    func channel() throws -> (EmbeddedChannel, FlushCounter) {
        let counter = FlushCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(FlushConsolidationHandler())
        return (channel, counter)
    }

    @Test func flushesOfOnePassLeaveAsOneAfterIt() throws {
        let (channel, counter) = try channel()
        for part in ["head", "body", "end"] {
            channel.write(ByteBuffer(string: part), promise: nil)
            channel.flush()
        }
        // Held: nothing has left yet.
        #expect(counter.flushes == 0)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 1)
        let written = try (0..<3).map { _ in try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } }
        #expect(written == ["head", "body", "end"])
        // The next pass owes its own flush.
        channel.write(ByteBuffer(string: "next"), promise: nil)
        channel.flush()
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 2)
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "next")
        _ = try channel.finish()
    }

    @Test func aWriterFlushingInATightLoopIsHeldBackNoFurtherThanTheBound() throws {
        let (channel, counter) = try channel()
        for index in 0..<300 {
            channel.write(ByteBuffer(string: "\(index)"), promise: nil)
            channel.flush()
        }
        // The 256th flush went on at once; the 44 after it wait for the loop.
        #expect(counter.flushes == 1)
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 2)
        var read = 0
        while try channel.readOutbound(as: ByteBuffer.self) != nil { read += 1 }
        #expect(read == 300)
        _ = try channel.finish()
    }

    /// On the socket's side: passes a flush on, then tells the pipeline it is writable again
    /// (as a socket that drained does), once.
    final class DrainingSocket: ChannelOutboundHandler {
        typealias OutboundIn = NIOAny
        var drained = false
        func flush(context: ChannelHandlerContext) {
            context.flush()
            guard !drained else { return }
            drained = true
            context.fireChannelWritabilityChanged()
        }
    }

    /// At the application's end: writes and flushes more when told it may.
    final class WriterWokenByWritability: ChannelInboundHandler {
        typealias InboundIn = NIOAny
        func channelWritabilityChanged(context: ChannelHandlerContext) {
            context.writeAndFlush(NIOAny(ByteBuffer(string: "more")), promise: nil)
        }
    }

    @Test func aFlushAskedForFromWithinThePassedOneIsOwedAnew() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(DrainingSocket())
        try channel.pipeline.syncOperations.addHandler(FlushConsolidationHandler())
        try channel.pipeline.syncOperations.addHandler(WriterWokenByWritability())
        channel.write(ByteBuffer(string: "first"), promise: nil)
        channel.flush()
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "first")
        // Written from within the first flush: sent by the flush it was owed, not lost.
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "more")
        _ = try channel.finish()
    }

    @Test func aCloseSendsWhatWasWrittenFirst() throws {
        let (channel, counter) = try channel()
        channel.write(ByteBuffer(string: "last words"), promise: nil)
        channel.flush()
        let closed = channel.close()
        #expect(counter.flushes == 1)
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "last words")
        channel.embeddedEventLoop.run()
        try closed.wait()
        // The queued task found nothing owed.
        #expect(counter.flushes == 1)
    }

    @Test func removingItSendsWhatWasOwed() throws {
        let (channel, counter) = try channel()
        channel.write(ByteBuffer(string: "owed"), promise: nil)
        channel.flush()
        let handler = try channel.pipeline.syncOperations.handler(type: FlushConsolidationHandler.self)
        let removed = channel.pipeline.syncOperations.removeHandler(handler)
        channel.embeddedEventLoop.run()
        try removed.wait()
        #expect(counter.flushes == 1)
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "owed")
        _ = try channel.finish()
    }

    @Test(.timeLimit(.minutes(1))) func aServerWithItAnswersWhole() async throws {
        let router = Router()
        router.get("hello/{n}") { _, context in "hello \(context.parameters.get("n") ?? "")" }
        // 1 MiB in 64 parts, each written (and flushed) by itself.
        router.get("stream") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in
                for part in 0..<64 { try await writer.write(ByteBuffer(repeating: UInt8(part), count: 16 * 1024)) }
                try await writer.finish(nil)
            })
        }
        let app = Application(router: router, server: .http1(configuration: .init(additionalChannelHandlers: [FlushConsolidationHandler()])))
        try await app.test(.live) { client in
            // Keep-alive: one connection, one request after another.
            for n in 0..<200 {
                try await client.execute(uri: "/hello/\(n)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "hello \(n)")
                }
            }
            try await client.execute(uri: "/stream", method: .get) { response in
                #expect(response.body.readableBytes == 64 * 16 * 1024)
                let bytes = Array(buffer: response.body)
                let part = 16 * 1024
                guard bytes.count == 64 * part else { return }
                let inOrder = (0..<64).allSatisfy { (index: Int) -> Bool in
                    bytes[index * part] == UInt8(index) && bytes[(index + 1) * part - 1] == UInt8(index)
                }
                #expect(inOrder)
            }
            // The server closes after this answer: the answer is sent whole first.
            try await client.execute(uri: "/hello/last", method: .get, headers: [.connection: "close"]) { response in
                #expect(String(buffer: response.body) == "hello last")
            }
        }
    }
}
