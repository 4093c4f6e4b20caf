import CPaho
import Glibc
import Provenance

/// Connection and acknowledgement state shared with Paho's callback threads.
final class MQTTConnectionState: @unchecked Sendable {
    struct Fields {
        var connected = false
        var connecting = false
        var everConnected = false
        var lastError = "not connected yet"
        /// The last publication Paho reported on: its token and whether it succeeded.
        var outcome: (token: Int32, succeeded: Bool, code: Int32)?
    }
    private let monitor = Monitor()
    private var fields = Fields()

    /// Changes the fields and wakes a waiting `write`.
    @discardableResult
    func update<T>(_ body: (inout Fields) -> T) -> T {
        monitor.locked {
            let result = body(&fields)
            monitor.broadcast()
            return result
        }
    }

    /// Waits up to `milliseconds` for `condition`; returns the fields then.
    func wait(milliseconds: Int64, until condition: (Fields) -> Bool) -> Fields {
        monitor.locked {
            let deadline = monotonicMilliseconds() + milliseconds
            while !condition(fields) {
                let left = deadline - monotonicMilliseconds()
                if left <= 0 { break }
                monitor.wait(milliseconds: left)
            }
            return fields
        }
    }
}

/// Publishes each chunk as base64(zlib(chunk)) to `⟨topic prefix⟩⟨machine
/// id⟩` with the configured QoS, not retained (`output=mqtt`), through the
/// Paho MQTT C asynchronous client.
///
/// Differences from the original: a broker that is down at start or goes
/// away is not fatal: the sink reconnects with back-off (0.5 s doubling to
/// 5 s) and `write` throws `.retry` meanwhile (the pipeline keeps the chunk
/// and spools the following ones). A chunk handed to Paho and not yet
/// acknowledged when the connection drops is not published again by this
/// sink: Paho keeps it in its session and sends it again after
/// reconnecting, so QoS 1/2 chunks are not duplicated by the recorder. The
/// session is persistent from the first connect (the original asked for a
/// clean session first), so a broker with persistence also remembers the
/// QoS 2 exchanges in flight across its own restart. QoS 0 chunks in flight
/// when the connection drops are lost, as QoS 0 allows. TLS (`ssl://` addresses with CA file,
/// client certificate and key) and the client id are configurable.
public final class MQTTSink: Sink {
    /// The topic published to.
    public let topic: String
    /// The broker address.
    public let address: String
    public var name: String { "mqtt broker \(address)" }
    private let settings: MQTTSettings
    private let clientID: String
    private var client: MQTTAsync?
    private let state = MQTTConnectionState()
    private var pendingToken: MQTTAsync_token = 0
    private var nextAttempt: Int64 = 0
    private var backoffMs: Int64 = 500
    private var lastKeepalive: Int64 = 0
    /// C strings kept alive for Paho.
    private var cStrings: [UnsafeMutablePointer<CChar>] = []

    /// Longest back-off between connection attempts.
    static let maxBackoffMs: Int64 = 5000
    /// How long `write` waits for an acknowledgement before letting the
    /// pipeline check for shutdown.
    static let ackWaitMs: Int64 = 1000

    /// Creates the client and starts the first connection attempt.
    /// - Parameter machineID: the kernel's machine id (topic suffix and default client id).
    /// - Throws: `SystemError` if Paho refuses the address or options.
    public init(settings: MQTTSettings, machineID: UInt32) throws {
        self.settings = settings
        address = settings.address ?? ""
        topic = settings.topic + String(machineID)
        clientID = settings.clientID ?? String(machineID)
        var options = camflow_mqtt_create_options()
        options.MQTTVersion = MQTTVERSION_3_1_1
        options.sendWhileDisconnected = 0
        var handle: MQTTAsync?
        let rc = MQTTAsync_createWithOptions(&handle, address, clientID, MQTTCLIENT_PERSISTENCE_NONE, nil, &options)
        guard rc == MQTTASYNC_SUCCESS, let handle else {
            throw SystemError(path: address, operation: "create an MQTT client for", code: 0,
                              detail: String(cString: MQTTAsync_strerror(rc)))
        }
        client = handle
        let context = Unmanaged.passUnretained(state).toOpaque()
        let cbrc = MQTTAsync_setCallbacks(handle, context, { context, cause in
            guard let context else { return }
            let state = Unmanaged<MQTTConnectionState>.fromOpaque(context).takeUnretainedValue()
            let why = cause.map { String(cString: $0) } ?? "connection lost"
            state.update {
                $0.connected = false
                $0.lastError = why.isEmpty ? "connection lost" : why
            }
            if let cause { MQTTAsync_free(cause) }
        }, { _, topicName, _, message in
            var message = message
            MQTTAsync_freeMessage(&message)
            MQTTAsync_free(topicName)
            return 1
        }, nil)
        if cbrc != MQTTASYNC_SUCCESS {
            throw SystemError(path: address, operation: "set up the MQTT client for", code: 0,
                              detail: String(cString: MQTTAsync_strerror(cbrc)))
        }
        connect()
    }

    deinit {
        close()
        for s in cStrings { free(s) }
    }

    private func keep(_ text: String?) -> UnsafePointer<CChar>? {
        guard let text, let copy = strdup(text) else { return nil }
        cStrings.append(copy)
        return UnsafePointer(copy)
    }

    /// Starts one asynchronous connection attempt.
    private func connect() {
        guard let client else { return }
        var options = camflow_mqtt_connect_options()
        options.keepAliveInterval = Int32(settings.keepAliveSeconds)
        options.cleansession = 0
        options.connectTimeout = 10
        options.retryInterval = 0
        options.automaticReconnect = 0
        options.username = keep(settings.username)
        options.password = keep(settings.password)
        options.context = Unmanaged.passUnretained(state).toOpaque()
        options.onSuccess = { context, _ in
            guard let context else { return }
            Unmanaged<MQTTConnectionState>.fromOpaque(context).takeUnretainedValue().update {
                $0.connected = true
                $0.connecting = false
                $0.everConnected = true
            }
        }
        options.onFailure = { context, response in
            guard let context else { return }
            var why = "connection refused"
            if let response {
                let code = response.pointee.code
                switch code {
                case 4: why = "bad user name or password (CONNACK 4)"
                case 5: why = "not authorised: user name or password refused (CONNACK 5)"
                default:
                    if let message = response.pointee.message {
                        why = String(cString: message) + " \(code)"
                    } else {
                        why = String(cString: MQTTAsync_strerror(code))
                    }
                }
            }
            Unmanaged<MQTTConnectionState>.fromOpaque(context).takeUnretainedValue().update {
                $0.connected = false
                $0.connecting = false
                $0.lastError = why
            }
        }
        // connecting before the call: the callbacks may run before it returns
        state.update { $0.connecting = true }
        var ssl = camflow_mqtt_ssl_options()
        let rc: Int32
        if settings.usesTLS {
            ssl.trustStore = keep(settings.caFile)
            ssl.keyStore = keep(settings.certFile)
            ssl.privateKey = keep(settings.keyFile)  // nil: the key is in cert_file
            ssl.enableServerCertAuth = 1
            ssl.verify = 1
            rc = withUnsafeMutablePointer(to: &ssl) { sslPointer in
                options.ssl = sslPointer
                return MQTTAsync_connect(client, &options)
            }
        } else {
            rc = MQTTAsync_connect(client, &options)
        }
        if rc != MQTTASYNC_SUCCESS {
            state.update {
                $0.connecting = false
                $0.lastError = String(cString: MQTTAsync_strerror(rc))
            }
        }
    }

    /// Whether the client is connected to the broker now.
    public var isConnected: Bool { state.update { $0.connected } }

    /// Starts a new connection attempt when none is running and the back-off allows.
    private func reconnectIfDue() {
        let now = monotonicMilliseconds()
        let connecting = state.update { $0.connecting }
        if !connecting && now >= nextAttempt {
            connect()
            nextAttempt = now + backoffMs
            backoffMs = min(backoffMs * 2, Self.maxBackoffMs)
        }
    }

    /// Reconnects when due and throws `.retry` with the last connection error.
    private func notConnected() throws -> Never {
        reconnectIfDue()
        let lastError = state.update { $0.lastError }
        throw SinkError(.retry, "cannot publish to \(address): \(lastError) (reconnecting)")
    }

    /// `progress` is 0 (not handed to Paho), 1 (handed to Paho, waiting for
    /// its acknowledgement) or the chunk size + 1 (delivered).
    public func write(_ chunk: UnsafeRawBufferPointer, progress: inout Int) throws {
        guard let client else { throw SinkError(.failed, "cannot publish to \(address): the client is closed") }
        guard isConnected else { try notConnected() }
        backoffMs = 500
        if progress == 0 {
            var payload = MQTTPayload.encode(chunk)
            var response = camflow_mqtt_response_options()
            response.context = Unmanaged.passUnretained(state).toOpaque()
            response.onSuccess = { context, data in
                guard let context, let data else { return }
                let token = data.pointee.token
                Unmanaged<MQTTConnectionState>.fromOpaque(context).takeUnretainedValue().update {
                    $0.outcome = (token, true, 0)
                }
            }
            response.onFailure = { context, data in
                guard let context, let data else { return }
                let (token, code) = (data.pointee.token, data.pointee.code)
                Unmanaged<MQTTConnectionState>.fromOpaque(context).takeUnretainedValue().update {
                    $0.outcome = (token, false, code)
                }
            }
            let rc = payload.withUnsafeMutableBytes { bytes -> Int32 in
                var message = camflow_mqtt_message()
                message.payload = bytes.baseAddress
                message.payloadlen = Int32(bytes.count)
                message.qos = Int32(settings.qos)
                message.retained = 0
                return MQTTAsync_sendMessage(client, topic, &message, &response)
            }
            if rc != MQTTASYNC_SUCCESS {
                if rc == MQTTASYNC_DISCONNECTED { state.update { $0.connected = false } }
                throw SinkError(.retry, "cannot publish to \(address): \(String(cString: MQTTAsync_strerror(rc)))")
            }
            pendingToken = response.token
            progress = 1
        }
        let token = pendingToken
        let fields = state.wait(milliseconds: Self.ackWaitMs) { $0.outcome?.token == token || !$0.connected }
        if let outcome = fields.outcome, outcome.token == token {
            guard outcome.succeeded else {
                // Paho gave the message up: publish it again
                progress = 0
                throw SinkError(.retry, "publication to \(address) failed: \(String(cString: MQTTAsync_strerror(outcome.code)))")
            }
        } else if MQTTAsync_isComplete(client, token) != MQTTASYNC_TRUE {
            // still in Paho's session: it sends it again after a reconnection
            throw SinkError(.retry, "no acknowledgement from \(address) yet")
        }
        progress = chunk.count + 1
        publishKeepaliveIfDue()
    }

    /// The original's heartbeat: an empty QoS 0 message to the topic
    /// `keepalive` every 10 s while connected.
    private func publishKeepaliveIfDue() {
        let now = monotonicMilliseconds()
        guard let client, now - lastKeepalive >= 10_000, isConnected else { return }
        lastKeepalive = now
        var message = camflow_mqtt_message()
        message.qos = 0
        message.retained = 0
        var response = camflow_mqtt_response_options()
        _ = MQTTAsync_sendMessage(client, "keepalive", &message, &response)
    }

    /// Publishes the heartbeat when it is due, and reconnects when the
    /// back-off allows, while there is nothing to send.
    public func idle() {
        if isConnected {
            publishKeepaliveIfDue()
        } else {
            reconnectIfDue()
        }
    }

    public func flush() throws {}
    /// The connection is kept on SIGHUP.
    public func reopen() throws {}

    /// Disconnects (waiting up to 2 s) and destroys the client.
    public func close() {
        guard let connectedHandle = client else { return }
        var handle: MQTTAsync? = connectedHandle
        client = nil
        if isConnected {
            var options = camflow_mqtt_disconnect_options()
            options.timeout = 2000
            _ = MQTTAsync_disconnect(connectedHandle, &options)
            let deadline = monotonicMilliseconds() + 2500
            while MQTTAsync_isConnected(connectedHandle) != 0 && monotonicMilliseconds() < deadline { usleep(20_000) }
        }
        MQTTAsync_destroy(&handle)
    }
}
