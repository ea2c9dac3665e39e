import ArgumentParser
import Foundation
import WardenCore

/// `--json` for scripts; readable text otherwise.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func print(_ value: JSONValue, text: @autoclosure () -> String) {
        if json {
            Swift.print(String(decoding: value.serialized(), as: UTF8.self))
        } else {
            Swift.print(text())
        }
    }
}
