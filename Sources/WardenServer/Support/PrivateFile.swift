import Foundation

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

    /// Creates `path` with mode 0600 holding `contents`, all or nothing: written and synced
    /// under a temporary name first, then linked into place (`link` fails if `path` exists, so
    /// nothing is overwritten and a crash never leaves a half-written file at `path`). Fails
    /// with ``Failure/exists`` when something — a file, or a symbolic link, dangling or not —
    /// is at `path` already.
    package static func create(_ path: String, contents: [UInt8]) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(temporary) }
        try writeNew(temporary, contents: contents)
        guard link(temporary, path) == 0 else { throw failure("cannot create \(path)") }
    }

    private static func writeNew(_ path: String, contents: [UInt8]) throws(Failure) {
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

    /// Creates `path` empty with mode 0600 when nothing is there; leaves an existing file (or a
    /// symbolic link to one) as it is. For a SQLite database: SQLite gives its `-wal` and `-shm`
    /// files the database's mode. A dangling symbolic link is refused: SQLite would create its
    /// target with the umask's mode.
    package static func createIfMissing(_ path: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if descriptor >= 0 {
            defer { close(descriptor) }
            guard fchmod(descriptor, 0o600) == 0 else { throw failure("cannot set the mode of \(path)") }
            return
        }
        guard errno == EEXIST else {
            let code = errno
            let directory = (path as NSString).deletingLastPathComponent
            switch code {
            case ENOENT:
                throw Failure(description: "cannot create \(path): the directory \(directory.isEmpty ? "." : directory) does not exist; create it or choose another path", exists: false)
            case EACCES, EPERM:
                throw Failure(description: "cannot create \(path): permission denied in \(directory.isEmpty ? "." : directory) (running as uid \(getuid()))", exists: false)
            default:
                errno = code
                throw failure("cannot create \(path)")
            }
        }
        // `access` follows the link: ENOENT for a dangling one. (No `struct stat` here: on Linux
        // its members belong to whichever module imported it first, and a clean build under
        // MemberImportVisibility can refuse them where an incremental one did not.)
        guard access(path, F_OK) == 0 else {
            throw Failure(description: "\(path) is a symbolic link to nothing; remove it or point it at the database", exists: false)
        }
    }

    /// Whether the file at `path` can be read or written by others than its owner.
    package static func isReadableByOthers(_ path: String) -> Bool {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber else { return false }
        return mode.intValue & 0o077 != 0
    }

    private static func failure(_ what: String) -> Failure {
        let code = errno
        return Failure(description: "\(what): \(String(cString: strerror(code)))", exists: code == EEXIST)
    }
}
