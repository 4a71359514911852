import CareplanCore
import Crypto
import Foundation
import Synchronization

/// The secret that keys the audit chain and the kiosk codes, and the anchor of the chain's head. Both live
/// outside the store's folder, so whoever can write (or copy, or restore) the store alone can neither
/// recompute the chain after changing it nor remove its newest entries unnoticed, nor read kiosk codes back.
public final class AuditKeeper: Sendable {
    /// The key file: `$CAREPLAN_AUDIT_KEY`, else `$XDG_CONFIG_HOME/careplan/audit.key`, else `~/.config/careplan/audit.key`.
    public let keyPath: String?
    /// The anchor of this store's head, beside the key: one file per store path, so stores do not share one.
    public let anchorPath: String?
    let key = Mutex<SymmetricKey?>(nil)
    /// Set when a write appended an entry, so the anchor is moved on once the write has committed.
    let appended = Mutex(false)
    /// The moved test clock's today (`useTestClock`), said in every entry appended meanwhile; nil for the real clock.
    let testClock = Mutex<String?>(nil)

    /// A keeper with a key of its own that is never written anywhere: for stores in memory.
    public init() {
        keyPath = nil
        anchorPath = nil
        key.withLock { $0 = SymmetricKey(size: .bits256) }
    }

    /// The keeper of the store file at `storePath` (its anchor named by the file's real path).
    public convenience init(keyPath: String, storePath: String) {
        self.init(keyPath: keyPath, storeIdentity: URL(fileURLWithPath: storePath).resolvingSymlinksInPath().path)
    }

    /// The keeper of the store `storeIdentity` names (a file's real path, a server's `postgres://host:port/db#schema`):
    /// each store, and each host's view of a server's store, has its own anchor beside the key.
    public init(keyPath: String, storeIdentity: String) {
        self.keyPath = keyPath
        let name = SHA256.hash(data: Data(storeIdentity.utf8)).prefix(8).hex
        anchorPath = URL(fileURLWithPath: keyPath).deletingLastPathComponent().appendingPathComponent("audit-\(name).anchor").path
    }

    /// Why `keyPath` cannot key the store at `storePath`, or nil. It must be a full path (a relative one would
    /// make a key wherever careplan happens to start, perhaps beside the store; 64 hex digits are a key, not
    /// the path of one), and not in the store's own folder: a key copied, backed up or restored with the store
    /// guards nothing. (A folder below it is allowed: a store in the home folder has the default key below it.)
    public static func placementProblem(keyPath: String, storePath: String) -> String? {
        let named = "CAREPLAN_AUDIT_KEY is the full path of the audit key's file (e.g. /home/nurse/.config/careplan/audit.key)"
        if keyPath.count == 64, Data(hex: keyPath) != nil {
            return "the audit key was given as 64 hexadecimal digits: \(named), not the key itself. Nothing was opened"
        }
        guard keyPath.hasPrefix("/") else {
            return "the audit key path `\(keyPath)` is relative: \(named) starting with /. Nothing was opened"
        }
        func resolved(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        let storeFolder = resolved(URL(fileURLWithPath: storePath).deletingLastPathComponent().path)
        let keyFolder = resolved(URL(fileURLWithPath: keyPath).deletingLastPathComponent().path)
        if keyFolder == storeFolder {
            return "the audit key \(keyPath) would sit beside the store (in \(storeFolder)): \(named), and it must not sit beside the store, "
                + "or whoever can copy or restore the store has its key too. Keep it in a folder of its own (the default is ~/.config/careplan). Nothing was opened"
        }
        return nil
    }

    public static func defaultKeyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["CAREPLAN_AUDIT_KEY"], !path.isEmpty { return path }
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { base = xdg }
        else { base = (environment["HOME"] ?? NSHomeDirectory()) + "/.config" }
        return base + "/careplan/audit.key"
    }

    func mac(_ data: Data) throws -> String {
        guard let key = key.withLock({ $0 }) else { throw StoreError.cannotOpen("the audit key is not loaded") }
        return Data(HMAC<SHA256>.authenticationCode(for: data, using: key)).hex
    }

    /// Reads the key, creating it (0600, in a folder careplan makes 0700) only when `mayCreate`: a store whose
    /// trail is already keyed must get its own key back, not a new one that would break its chain.
    /// Returns a warning when the key file can be read by others.
    func load(mayCreate: Bool) throws -> String? {
        guard let keyPath else { return nil }
        let fm = FileManager.default
        if !fm.fileExists(atPath: keyPath) {
            guard mayCreate else {
                throw StoreError.cannotOpen("this store's audit trail is kept with a key that is not at \(keyPath). Put the key back "
                                            + "from your backup, or set CAREPLAN_AUDIT_KEY to where it is; a new key would break the trail")
            }
            try create(keyPath)
        }
        guard let text = try? String(contentsOfFile: keyPath, encoding: .utf8),
              let bytes = Data(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw StoreError.cannotOpen("\(keyPath) is not a careplan audit key (64 hexadecimal digits)")
        }
        key.withLock { $0 = SymmetricKey(data: bytes) }
        var info = stat()
        if stat(keyPath, &info) == 0, info.st_mode & 0o077 != 0 {
            return "the audit key \(keyPath) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): make it owner-only (chmod 600)"
        }
        return nil
    }

    /// Writes a new key whole under a temporary name and links it into place, so two processes creating it
    /// at once both end up with the one that won, never a half-written file.
    private func create(_ path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let previous = umask(0o077)
        defer { umask(previous) }
        do {
            if !FileManager.default.fileExists(atPath: folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            func fail() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            let hex = Array((SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.hex + "\n").utf8)
            let temp = path + ".new-\(getpid())"
            let fd = open(temp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw fail() }
            defer { unlink(temp) }
            let written = write(fd, hex, hex.count) == hex.count && fsync(fd) == 0
            close(fd)
            guard written else { throw fail() }
            if link(temp, path) != 0 && errno != EEXIST { throw fail() }
            let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dir >= 0 { fsync(dir); close(dir) }
        } catch {
            throw StoreError.cannotOpen("cannot create the audit key \(path) (\(error))")
        }
    }

    // MARK: - The anchor

    /// The newest entry known to have been appended: its id (entries are numbered 1, 2, 3... with no gaps) and MAC.
    public struct Anchor: Equatable, Sendable {
        public var entry: Int64
        public var mac: String
    }

    func sealed(_ entry: Int64, _ mac: String) throws -> String {
        let body = "careplan audit anchor 1\nentry \(entry)\nmac \(mac)\n"
        return body + "seal " + (try self.mac(Data(body.utf8))) + "\n"
    }

    /// The anchor file holds two slots of this size, written in turn: a write cut short by a power cut spoils
    /// only the slot being written, and the other still holds the anchor before it (stale, which is no alarm).
    /// Rewriting a slot in place changes no metadata, so its fdatasync costs far less than a new file and a rename.
    static let slotSize = 256

    /// The anchor as written (the newer of its sealed slots), or nil when there is none; throws when the file
    /// holds no slot this key sealed.
    public func readAnchor() throws -> Anchor? {
        guard let anchorPath, let data = FileManager.default.contents(atPath: anchorPath) else { return nil }
        guard let newest = slots(data).compactMap({ $0 }).max(by: { $0.entry < $1.entry }) else { throw AnchorError.notSealed(anchorPath) }
        return newest
    }

    enum AnchorError: Error { case notSealed(String) }

    private func slots(_ data: Data) -> [Anchor?] {
        stride(from: 0, to: 2 * Self.slotSize, by: Self.slotSize).map { offset in
            guard data.count >= offset + Self.slotSize else { return nil }
            let text = String(decoding: data[(data.startIndex + offset)..<(data.startIndex + offset + Self.slotSize)], as: UTF8.self)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\0"))
            let fields = Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let space = line.firstIndex(of: " ") else { return nil }
                return (String(line[..<space]), String(line[line.index(after: space)...]))
            }, uniquingKeysWith: { a, _ in a })
            guard let entry = fields["entry"].flatMap({ Int64($0) }), let mac = fields["mac"], (try? sealed(entry, mac)) == text else { return nil }
            return Anchor(entry: entry, mac: mac)
        }
    }

    /// Moves the anchor on to `entry`, never back: processes appending at once may arrive here in any
    /// order, so under a lock on the file the anchor is replaced only by a newer entry, in the slot not
    /// holding the current one, and synced before the lock is let go.
    /// Nor past evidence: when the anchored entry is no longer in the trail as anchored (`macOf` gives an
    /// entry's MAC), the trail was cut or rewritten, and moving on would hide it once new entries pass it.
    func advanceAnchor(to entry: Int64, mac: String, macOf: (Int64) -> String?) throws {
        guard let anchorPath else { return }
        func fail() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let previous = umask(0o077)
        let fd = open(anchorPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        umask(previous)
        guard fd >= 0 else { throw fail() }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        var buffer = [UInt8](repeating: 0, count: 2 * Self.slotSize)
        let read = pread(fd, &buffer, buffer.count, 0)
        let current = slots(Data(buffer.prefix(max(0, read))))
        var target = 0
        if let newest = current.enumerated().compactMap({ i, a in a.map { (i, $0) } }).max(by: { $0.1.entry < $1.1.entry }) {
            if newest.1.entry >= entry || macOf(newest.1.entry) != newest.1.mac { return }
            target = 1 - newest.0
        }
        var slot = Array(try sealed(entry, mac).utf8)
        slot += [UInt8](repeating: 0, count: Self.slotSize - slot.count)
        guard pwrite(fd, slot, slot.count, off_t(target * Self.slotSize)) == slot.count, fdatasync(fd) == 0 else { throw fail() }
    }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte: how hashes and MACs are stored.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let b = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(b)
            index = next
        }
        self.init(bytes)
    }
}
