#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files only their owner may read, from the first byte: created with `open(O_CREAT | O_EXCL,
/// 0600)` and `fchmod`-ed to exactly 0600 whatever the umask, before anything is written. (The
/// master key was written through Foundation, which creates a temporary file with the umask's
/// mode, renames it, then changes the mode: a window in which others could read it.)
package enum PrivateFile {
    /// What went wrong, with `errno`'s text.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        /// The file was there already (`EEXIST`): someone else created it first.
        package let exists: Bool
    }

    /// Creates `path` with mode 0600 and writes `contents`, synced to disk. Fails if the file
    /// exists (never follows or overwrites).
    package static func create(_ path: String, contents: [UInt8]) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create \(path)") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw failure("cannot set the mode of \(path)") }
        var written = 0
        while written < contents.count {
            let result = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write \(path)")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot sync \(path)") }
    }

    /// Creates `path` empty with mode 0600 when it does not exist; leaves an existing file as it
    /// is. For a SQLite database: SQLite gives its `-wal` and `-shm` files the database's mode.
    package static func createIfMissing(_ path: String) throws(Failure) {
        do {
            try create(path, contents: [])
        } catch where error.exists {
            return
        }
    }

    private static func failure(_ what: String) -> Failure {
        let code = errno
        return Failure(description: "\(what): \(String(cString: strerror(code)))", exists: code == EEXIST)
    }
}
