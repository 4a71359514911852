import CareplanCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Why a call was not answered: there is no connection now, or the answer did not come in time.
enum LinkFailure: Error, Equatable {
    case lost
    case deadline
}

/// One connection to the server, driven from plain (never event-loop) threads through postgres-nio's futures,
/// that never blocks for ever. A query sent on a connection the server has closed never completes (the spike,
/// design 14), so every call first checks `isClosed`, then waits with a deadline; either failing, or the
/// connection failing, marks the link lost: from then on calls fail at once, and a background thread
/// reconnects every second until the server answers again.
final class PostgresLink: Sendable {
    enum State { case connected(PostgresConnection), lost, closed }

    let location: PostgresLocation
    let configuration: PostgresConnection.Configuration
    private let state: Mutex<State>
    private let reconnecting = Mutex(false)
    /// Run on each new connection, the first included, before anyone else uses it (the engine's session checks).
    private let onConnect: @Sendable (PostgresLink, PostgresConnection) throws -> Void
    /// Postgres-nio's own log says nothing careplan needs, and a query's text may hold patient data: discarded.
    static let silent = Logger(label: "careplan.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects in the foreground (the only connect that does): a server that cannot be reached is an error here.
    init(_ location: PostgresLocation, onConnect: @escaping @Sendable (PostgresLink, PostgresConnection) throws -> Void) throws {
        self.location = location
        configuration = try location.configuration()
        self.onConnect = onConnect
        state = Mutex(.lost)
        let connection = try connect(timeout: Double(location.connectTimeout) + 1)
        state.withLock { $0 = .connected(connection) }
    }

    var isLost: Bool { state.withLock { if case .lost = $0 { true } else { false } } }

    /// The connection, or `LinkFailure.lost` at once when there is none (or the server has closed it).
    func connection() throws -> PostgresConnection {
        let current: PostgresConnection? = state.withLock { if case .connected(let c) = $0 { c } else { nil } }
        guard let current else { throw LinkFailure.lost }
        if current.isClosed { markLost(current); throw LinkFailure.lost }
        return current
    }

    /// One statement on the current connection: its rows and command tag, or an error (the server's, or
    /// `LinkFailure`) within `deadline` seconds.
    func query(_ query: PostgresQuery, deadline: Double) throws -> PostgresQueryResult {
        try self.query(query, on: connection(), deadline: deadline)
    }

    /// One statement on `connection` (a transaction's), answered within `deadline` seconds.
    func query(_ query: PostgresQuery, on connection: PostgresConnection, deadline: Double) throws -> PostgresQueryResult {
        try answer(send(query, on: connection), on: connection, deadline: deadline)
    }

    /// Sends a statement without waiting for its answer (statements sent together are answered in order).
    func send(_ query: PostgresQuery, on connection: PostgresConnection) throws -> EventLoopFuture<PostgresQueryResult> {
        if connection.isClosed { markLost(connection); throw LinkFailure.lost }
        return connection.query(query, logger: Self.silent)
    }

    /// The answer to a statement sent on `connection`; the connection is marked lost when the answer says it is gone.
    func answer(_ future: EventLoopFuture<PostgresQueryResult>, on connection: PostgresConnection, deadline: Double) throws -> PostgresQueryResult {
        do {
            return try Self.wait(future, seconds: deadline)
        } catch {
            if Self.meansGone(error) || connection.isClosed { markLost(connection) }
            throw error
        }
    }

    /// The one place that waits for a future: with a deadline, never a bare `wait()`.
    static func wait<T: Sendable>(_ future: EventLoopFuture<T>, seconds: Double) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let answered = DispatchSemaphore(value: 0)
        future.whenComplete { result in
            outcome.withLock { $0 = result }
            answered.signal()
        }
        guard answered.wait(timeout: .now() + seconds) == .success, let result = outcome.withLock({ $0 }) else {
            throw LinkFailure.deadline
        }
        return try result.get()
    }

    /// Whether an error means the connection is gone (rather than a statement refused).
    static func meansGone(_ error: any Error) -> Bool {
        if error is LinkFailure { return true }
        guard let e = error as? PSQLError else { return false }
        switch e.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
             .messageDecodingFailure, .unexpectedBackendMessage:
            return true
        case .server:
            let state = e.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        default:
            return false
        }
    }

    /// Forgets `connection` (closing it, without waiting) and starts reconnecting in the background.
    func markLost(_ connection: PostgresConnection) {
        let wasCurrent = state.withLock { state -> Bool in
            guard case .connected(let c) = state, c === connection else { return false }
            state = .lost
            return true
        }
        guard wasCurrent else { return }
        Self.drop(connection)    // its answer is not awaited: a closed connection may never give one
        startReconnecting()
    }

    private func startReconnecting() {
        let start = reconnecting.withLock { running -> Bool in
            if running { return false }
            running = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in
            while isLost {
                if let connection = try? connect(timeout: 3) {
                    let kept = state.withLock { state -> Bool in
                        guard case .lost = state else { return false }
                        state = .connected(connection)
                        return true
                    }
                    if !kept { Self.drop(connection) }
                    break
                }
                Thread.sleep(forTimeInterval: 1)
            }
            reconnecting.withLock { $0 = false }
            if isLost { startReconnecting() }    // lost again between the loop's test and here
        }
        thread.qualityOfService = .background
        thread.name = "careplan-postgres-reconnect"
        thread.start()
    }

    private func connect(timeout: Double) throws -> PostgresConnection {
        var configuration = self.configuration
        configuration.options.connectTimeout = .milliseconds(Int64(timeout * 1000))
        let future = PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                id: 1, logger: Self.silent)
        let connection: PostgresConnection
        do { connection = try Self.wait(future, seconds: timeout + 1) }
        catch {
            // A connection that arrives after the deadline is closed, not leaked.
            future.whenSuccess { Self.drop($0) }
            throw error
        }
        do { try onConnect(self, connection) }
        catch { Self.drop(connection); throw error }
        return connection
    }

    /// Closes a connection without waiting for the answer (a closed connection may never give one).
    /// The connection is kept until it is closed (postgres-nio requires it).
    static func drop(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Closes the connection for good (the store is closed): no reconnecting after this.
    func close() {
        let old = state.withLock { state -> PostgresConnection? in
            defer { state = .closed }
            if case .connected(let c) = state { return c }
            return nil
        }
        if let old { _ = try? Self.wait(old.close() as EventLoopFuture<Void>, seconds: 2) }
    }
}
