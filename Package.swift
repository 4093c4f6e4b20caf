// swift-tools-version:6.0
// CamFlow userspace: one executable `camflow` (record, configure) over a set
// of small libraries layered as Provenance -> {Capture, Policy, Serialize,
// Sinks} -> camflow.  The binary record layout comes from the kernel's uapi
// headers through the CProvenanceABI C target; nothing re-declares it.
import PackageDescription

let package = Package(
    name: "camflow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "camflow", targets: ["camflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C view of kernel-patch/include/uapi/linux/provenance*.h plus the
        // type-name tables built from provenance_names.h.
        .target(name: "CProvenanceABI"),
        .systemLibrary(name: "CInih", pkgConfig: "inih",
                       providers: [.apt(["libinih-dev"])]),
        // Paho MQTT C (async, TLS) and zlib for the mqtt output.
        .systemLibrary(name: "CPaho", providers: [.apt(["libpaho-mqtt-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // inih wrapper shared by camflow.ini (Policy) and camflowd.ini (Sinks).
        .target(name: "Ini", dependencies: ["CInih"]),
        .target(name: "Provenance", dependencies: ["CProvenanceABI"]),
        // sched_setaffinity for the recorder's per-CPU relay readers.
        .target(name: "CThreadAffinity"),
        .target(name: "Capture", dependencies: ["Provenance", "CProvenanceABI"]),
        .target(name: "Policy", dependencies: ["Provenance", "Ini", "CProvenanceABI"]),
        .target(name: "Serialize", dependencies: ["Provenance", "CProvenanceABI"]),
        .target(name: "Sinks", dependencies: ["Provenance", "Ini", "CPaho", "CZlib"]),
        // Reading recorded logs: summaries, conversion, lineage, DOT.
        .target(name: "Inspect", dependencies: ["Provenance"]),
        .executableTarget(
            name: "camflow",
            dependencies: [
                "Provenance", "Capture", "Policy", "Serialize", "Sinks", "Inspect", "CThreadAffinity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Helpers shared by the test targets: temporary directories, a fake
        // securityfs tree, control-structure bytes, a real mosquitto.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ProvenanceTests", dependencies: ["Provenance", "CProvenanceABI"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Provenance", "CProvenanceABI"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Ini", "Provenance", "CProvenanceABI", "TestSupport"]),
        .testTarget(name: "SerializeTests", dependencies: ["Serialize", "Capture", "Provenance", "CProvenanceABI"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "Provenance", "TestSupport"]),
        .testTarget(name: "InspectTests", dependencies: ["Inspect", "Provenance"]),
        .testTarget(name: "CamflowTests", dependencies: ["camflow", "Capture", "Provenance", "CProvenanceABI", "TestSupport"]),
    ]
)
