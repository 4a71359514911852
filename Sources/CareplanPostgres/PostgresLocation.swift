import CareplanCore
import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store is, resolved as libpq resolves it: the address's own fields first, then the PG*
/// environment, then the defaults; the password from the address, PGPASSWORD or the password file (~/.pgpass).
/// Printing it (description, debugDescription, dump) shows `redacted`: never the password.
public struct PostgresLocation: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable, Comparable {
        case disable, allow, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
        public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    /// A host name or address, or (starting with "/") the folder holding the server's Unix socket.
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var password: String?
    public var sslMode: SSLMode
    /// The certificate authorities to trust: a file, "system" (the system's roots), or nil (none found).
    public var sslRootCert: String?
    public var connectTimeout: Int
    /// `-c name=value` settings from `options` or PGOPTIONS, sent at connection (search_path among them).
    public var settings: [Setting]
    /// What the person opening the store should read (a password in the address, an unverified server, an open pgpass).
    public var warnings: [String]

    public struct Setting: Sendable, Equatable { public var name: String; public var value: String }

    public var isSocket: Bool { host.hasPrefix("/") }
    public var socketPath: String { "\(host)/.s.PGSQL.\(port)" }
    public var searchPath: String? { settings.last { $0.name == "search_path" }?.value }
    /// Names this store among others (the audit anchor's file name): host:port/database/schema.
    public var identity: String { "\(host):\(port)/\(database)/\(searchPath ?? "public")" }

    /// The address to show in messages, logs and audit details: everything but the password.
    public var redacted: String {
        var query: [String] = []
        let hostPart: String
        if isSocket { hostPart = ""; query.append("host=\(Self.encoded(host))"); query.append("port=\(port)") }
        else { hostPart = (host.contains(":") ? "[\(host)]" : Self.encoded(host)) + ":\(port)" }
        if sslMode != .prefer { query.append("sslmode=\(sslMode.rawValue)") }
        if !settings.isEmpty {
            query.append("options=" + Self.encoded(settings.map { "-c \($0.name)=\($0.value)" }.joined(separator: " ")))
        }
        return "postgres://\(Self.encoded(user))@\(hostPart)/\(Self.encoded(database))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The server asked for a password and none was sent: why, with the password file's warning when it was set
    /// aside (open to others), since that is then the cause (warnings are otherwise shown only after opening).
    public var noPasswordFound: String {
        let setAside = warnings.filter { $0.hasPrefix("the password file") }
        return "the database server wants a password for \(user) and none was found: "
            + (setAside.isEmpty ? "put it in ~/.pgpass (mode 0600) or PGPASSWORD" : setAside.joined(separator: "; "))
    }

    /// Whether the server is on this machine (a socket or a loopback address): nothing crosses a network.
    public var isLocal: Bool {
        if isSocket || host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    static func encoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~/")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

extension PostgresLocation: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { redacted }
    public var debugDescription: String { redacted }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted], displayStyle: .struct) }
}

// MARK: - Resolving an address

/// What resolving an address reads from the machine, given as arguments so that the rules are tested without one.
public struct PostgresSurroundings: Sendable {
    public var environment: [String: String]
    /// The operating-system account (libpq's default user).
    public var userName: String
    public var home: String
    public var exists: @Sendable (String) -> Bool
    /// A file's text and permission bits, or nil when it cannot be read (missing).
    public var read: @Sendable (String) -> (text: String, mode: UInt16, isRegular: Bool)?

    public init(environment: [String: String], userName: String, home: String,
                exists: @escaping @Sendable (String) -> Bool,
                read: @escaping @Sendable (String) -> (text: String, mode: UInt16, isRegular: Bool)?) {
        self.environment = environment; self.userName = userName; self.home = home; self.exists = exists; self.read = read
    }

    /// This process's environment, account and files.
    public static var current: PostgresSurroundings {
        let environment = ProcessInfo.processInfo.environment
        let account = getpwuid(geteuid())
        let userName = account.flatMap { String(validatingCString: $0.pointee.pw_name) } ?? environment["USER"] ?? "careplan"
        let home = environment["HOME"] ?? account.flatMap { String(validatingCString: $0.pointee.pw_dir) } ?? "/"
        return PostgresSurroundings(
            environment: environment, userName: userName, home: home,
            exists: { FileManager.default.fileExists(atPath: $0) },
            read: { path in
                var info = stat()
                guard stat(path, &info) == 0 else { return nil }
                let regular = (info.st_mode & S_IFMT) == S_IFREG
                let text = regular ? (try? String(contentsOfFile: path, encoding: .utf8)) : ""
                return text.map { ($0, UInt16(info.st_mode & 0o7777), regular) }
            })
    }
}

extension PostgresLocation {
    /// The default folder of the server's Unix socket on Debian, and libpq's.
    public static let defaultSocketFolder = "/var/run/postgresql"
    public static let defaultConnectTimeout = 5

    /// Whether a --store value names a PostgreSQL store rather than a file: its scheme, in any case (schemes
    /// are), even mistyped after the colon, so that `postgresql:/user:pw@host/db` is refused as an address and
    /// never becomes a file whose name holds the password.
    public static func isAddress(_ value: String) -> Bool {
        let start = value.prefix(11).lowercased()
        return start.hasPrefix("postgres:") || start.hasPrefix("postgresql:")
    }

    /// Resolves a postgres:// or postgresql:// address as libpq would; refuses, with a sentence, what it cannot take.
    public static func resolve(_ address: String, in surroundings: PostgresSurroundings = .current) throws -> PostgresLocation {
        do { return try resolveFields(address, in: surroundings) } catch StoreError.cannotOpen where URLFields.mayHoldUnencodedPassword(address) {
            // Whatever part was refused may be a piece of the password: nothing of it is shown.
            throw StoreError.cannotOpen(URLFields.encodePassword)
        }
    }

    static func resolveFields(_ address: String, in surroundings: PostgresSurroundings) throws -> PostgresLocation {
        let fields = try URLFields(address)
        let env = surroundings.environment
        func pick(_ field: String?, _ variable: String) -> String? {
            if let field, !field.isEmpty { return field }
            if let value = env[variable], !value.isEmpty { return value }
            return nil
        }
        var warnings: [String] = []
        let host = pick(fields.host, "PGHOST")
            ?? (surroundings.exists(defaultSocketFolder) ? defaultSocketFolder : "localhost")
        let portText = pick(fields.port, "PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw StoreError.cannotOpen("the port in the store's address is not a number from 1 to 65535: \(portText)")
        }
        let user = pick(fields.user, "PGUSER") ?? surroundings.userName
        let database = pick(fields.database, "PGDATABASE") ?? user
        let modeText = pick(fields.sslMode, "PGSSLMODE") ?? "prefer"
        guard let sslMode = SSLMode(rawValue: modeText) else {
            throw StoreError.cannotOpen("sslmode \(modeText) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let defaultRoot = "\(surroundings.home)/.postgresql/root.crt"
        let sslRootCert = pick(fields.sslRootCert, "PGSSLROOTCERT") ?? (surroundings.exists(defaultRoot) ? defaultRoot : nil)
        let timeoutText = pick(fields.connectTimeout, "PGCONNECT_TIMEOUT")
        var connectTimeout = defaultConnectTimeout
        if let timeoutText {
            guard let seconds = Int(timeoutText), seconds > 0 else {
                throw StoreError.cannotOpen("connect_timeout is a whole number of seconds, 1 or more (careplan never waits for ever): \(timeoutText)")
            }
            connectTimeout = max(seconds, 2)    // libpq's floor
        }
        let settings = try parseOptions(pick(fields.options, "PGOPTIONS") ?? "")

        var password: String?
        if let given = fields.password {
            password = given
            warnings.append("the password is in the store's address: use ~/.pgpass or PGPASSWORD")
        } else if let variable = env["PGPASSWORD"], !variable.isEmpty {
            password = variable
        } else {
            let file = pick(nil, "PGPASSFILE") ?? "\(surroundings.home)/.pgpass"
            if let read = surroundings.read(file) {
                if !read.isRegular {
                    warnings.append("the password file \(file) is not a plain file: it is ignored")
                } else if read.mode & 0o077 != 0 {
                    warnings.append("the password file \(file) may be read by others, so it is ignored: make it readable by you alone (chmod 0600)")
                } else {
                    // libpq matches a socket in its default folder as "localhost".
                    let matchHost = host == defaultSocketFolder ? "localhost" : host
                    password = passwordFromFile(read.text, host: matchHost, port: port, database: database, user: user)
                }
            }
        }
        var location = PostgresLocation(host: host, port: port, user: user, database: database, password: password,
                                        sslMode: sslMode, sslRootCert: sslRootCert, connectTimeout: connectTimeout,
                                        settings: settings, warnings: warnings)
        if !location.isLocal && location.sslMode < .verifyCA {
            location.warnings.append("the server \(host) is not verified (sslmode=\(sslMode.rawValue)): anyone on the network between could read or change what is sent; use sslmode=verify-full")
        }
        return location
    }

    /// The first line of a password file (host:port:database:user:password, `*` for any, `\` escaping `:` and `\`) that matches.
    public static func passwordFromFile(_ text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            if line.hasPrefix("#") { continue }
            var fields: [String] = [""], escaped = false
            for c in line {
                if escaped { fields[fields.count - 1].append(c); escaped = false }
                else if c == "\\" { escaped = true }
                else if c == ":" && fields.count < 5 { fields.append("") }
                else if c == ":" { break }    // libpq ends the password at an unescaped colon
                else { fields[fields.count - 1].append(c) }
            }
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// libpq's `options`: `-c name=value` or `--name=value`, separated by spaces (a backslash keeps a space).
    static func parseOptions(_ text: String) throws -> [Setting] {
        var words: [String] = [], word = "", escaped = false, inWord = false
        for c in text {
            if escaped { word.append(c); escaped = false; inWord = true }
            else if c == "\\" { escaped = true; inWord = true }
            else if c.isWhitespace { if inWord { words.append(word); word = ""; inWord = false } }
            else { word.append(c); inWord = true }
        }
        if inWord { words.append(word) }
        var settings: [Setting] = []
        var rest = words[...]
        while let word = rest.popFirst() {
            let pair: String
            if word == "-c", let next = rest.popFirst() { pair = next }
            else if word.hasPrefix("-c") && word.count > 2 { pair = String(word.dropFirst(2)) }
            else if word.hasPrefix("--") { pair = String(word.dropFirst(2)) }
            else { throw StoreError.cannotOpen("the store's options take -c name=value settings only, not \(word)") }
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw StoreError.cannotOpen("the store's options take -c name=value settings only, not \(pair)")
            }
            settings.append(Setting(name: String(pair[..<equals]).replacingOccurrences(of: "-", with: "_"),
                                    value: String(pair[pair.index(after: equals)...])))
        }
        return settings
    }
}

/// The parts of a postgres:// address, percent-decoded; query parameters override the parts before them, as in libpq.
struct URLFields {
    var user, password, host, port, database, sslMode, sslRootCert, connectTimeout, options: String?

    static let encodePassword = "the store's address has an @ after its first /: a /, @, ? or % in the user name or password "
        + "must be written %2F, %40, %3F or %25 (better: put the password in ~/.pgpass, mode 0600, and leave it out of the address)"

    /// The text after the scheme, from `://` on (nil when the scheme is not followed by `://`).
    static func afterScheme(_ address: String) -> Substring? {
        guard PostgresLocation.isAddress(address), let colon = address.firstIndex(of: ":"), address[colon...].hasPrefix("://") else { return nil }
        return address[address.index(colon, offsetBy: 3)...]
    }

    /// An @ after the first /: the user information holds a / (or a ? and then a /), so some of the password
    /// was read as host, port, database or setting.
    static func mayHoldUnencodedPassword(_ address: String) -> Bool {
        guard let rest = afterScheme(address), let slash = rest.firstIndex(of: "/") else { return false }
        return rest[slash...].contains("@")
    }

    init(_ address: String) throws {
        guard var rest = Self.afterScheme(address) else {
            throw StoreError.cannotOpen("a PostgreSQL store's address starts with postgres:// or postgresql:// (two slashes)")
        }
        // The user information ends at the last @ before the first /, as libpq reads it (a ? in a password is kept).
        if let at = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)].lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decoded(userInfo[..<colon], in: "user name")
                password = try Self.decoded(userInfo[userInfo.index(after: colon)...], in: "password")
            } else {
                user = try Self.decoded(userInfo, in: "user name")
            }
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") { query = rest[rest.index(after: mark)...]; rest = rest[..<mark] }
        if rest.contains("@") { throw StoreError.cannotOpen(Self.encodePassword) }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            database = try Self.decoded(rest[rest.index(after: slash)...], in: "database name")
        }
        if authority.contains(",") { throw StoreError.cannotOpen("careplan connects to one server: the address names several hosts") }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw StoreError.cannotOpen("the address's [IPv6] host has no closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
            else if !after.isEmpty { throw StoreError.cannotOpen("unexpected text after the address's host: \(after)") }
        } else if let colon = authority.lastIndex(of: ":") {
            host = try Self.decoded(authority[..<colon], in: "host")
            port = String(authority[authority.index(after: colon)...])
        } else {
            host = try Self.decoded(authority, in: "host")
        }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]), value = try Self.decoded(parts.count > 1 ? parts[1] : "", in: "setting \(name)")
            switch name {
            case "host": host = value
            case "port": port = value
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "sslmode": sslMode = value
            case "sslrootcert": sslRootCert = value
            case "connect_timeout": connectTimeout = value
            case "options": options = value
            case "application_name": break    // careplan names itself
            default: throw StoreError.cannotOpen("careplan does not take the setting \(name) in a store's address")
            }
        }
    }

    /// The text never goes into the message: it may be the password.
    static func decoded(_ s: Substring, in part: String) throws -> String {
        guard let text = String(s).removingPercentEncoding else {
            throw StoreError.cannotOpen("the store's address has a broken %-escape in its \(part)")
        }
        return text
    }
}

// MARK: - TLS

extension PostgresLocation {
    /// How sslmode is carried out, as libpq does: whether TLS is tried or required, and what is verified.
    public struct TLSPlan: Sendable, Equatable {
        public enum Use: Sendable { case never, ifOffered, always }
        public enum Check: Sendable { case nothing, certificate, certificateAndName }
        public var use: Use
        public var check: Check
        /// A certificate file, or nil for the system's roots (only read when something is checked).
        public var roots: String?
    }

    public func tlsPlan() throws -> TLSPlan {
        if isSocket { return TLSPlan(use: .never, check: .nothing, roots: nil) }    // libpq never uses TLS on a socket
        let roots = sslRootCert == "system" ? nil : sslRootCert
        switch sslMode {
        case .disable: return TLSPlan(use: .never, check: .nothing, roots: nil)
        case .allow, .prefer: return TLSPlan(use: .ifOffered, check: .nothing, roots: nil)
        case .require:
            // libpq's require verifies the certificate (as verify-ca) when a root certificate file is there.
            return TLSPlan(use: .always, check: sslRootCert == nil ? .nothing : .certificate, roots: roots)
        case .verifyCA, .verifyFull:
            guard sslRootCert != nil else {
                throw StoreError.cannotOpen("sslmode=\(sslMode.rawValue) needs the certificate authorities to trust: give sslrootcert=FILE (or sslrootcert=system), or put them in ~/.postgresql/root.crt")
            }
            return TLSPlan(use: .always, check: sslMode == .verifyCA ? .certificate : .certificateAndName, roots: roots)
        }
    }

    /// postgres-nio's TLS for this location.
    public func tls() throws -> PostgresConnection.Configuration.TLS {
        let plan = try tlsPlan()
        if plan.use == .never { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch plan.check {
        case .nothing: configuration.certificateVerification = .none
        case .certificate: configuration.certificateVerification = .noHostnameVerification
        case .certificateAndName: configuration.certificateVerification = .fullVerification
        }
        if let roots = plan.roots {
            guard FileManager.default.isReadableFile(atPath: roots) else {
                throw StoreError.cannotOpen("the certificate file \(roots) (sslrootcert) cannot be read")
            }
            configuration.trustRoots = .file(roots)
        }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) }
        catch { throw StoreError.cannotOpen("the certificate file \(plan.roots ?? "of the system") cannot be used: \(error)") }
        return plan.use == .always ? .require(context) : .prefer(context)
    }

    /// careplan's session settings, sent with the connection (no round trip): its name in pg_stat_activity, a
    /// lock wait as long as SQLite's busy timeout, and no session left holding the write lock for ever.
    static let sessionSettings = [("application_name", "careplan"), ("lock_timeout", "10s"),
                                  ("idle_in_transaction_session_timeout", "60s"), ("statement_timeout", "30s")]

    /// postgres-nio's configuration: where, who, TLS, the connect timeout and the startup settings: careplan's,
    /// then the address's options, then synchronous_commit on, which no option may lower ("saved" means on disk).
    public func configuration() throws -> PostgresConnection.Configuration {
        var configuration = isSocket
            ? PostgresConnection.Configuration(unixSocketPath: socketPath, username: user, password: password, database: database)
            : PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: try tls())
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        configuration.options.additionalStartupParameters = Self.sessionSettings + settings.map { ($0.name, $0.value) }
            + [("synchronous_commit", "on")]
        return configuration
    }
}
