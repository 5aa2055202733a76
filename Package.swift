// swift-tools-version: 6.1
// Placet: a policy-as-code compliance engine for machine-learning placements.
import PackageDescription

let strictFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Placet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "placet", targets: ["placet"]),
        .library(name: "PlacetEngine", targets: ["PlacetEngine"]),
        .library(name: "PlacetWorkflows", targets: ["PlacetWorkflows"]),
        .library(name: "PlacetServer", targets: ["PlacetServer"]),
        // For the fuzz targets in Fuzz/ (a package of their own, built with the fuzzer sanitizer).
        .library(name: "PlacetLanguage", targets: ["PlacetLanguage"]),
        .library(name: "PlacetManifests", targets: ["PlacetManifests"]),
        .library(name: "PlacetReports", targets: ["PlacetReports"]),
        .library(name: "BaselinePack", targets: ["BaselinePack"]),
        .library(name: "PlacetLanguageServer", targets: ["PlacetLanguageServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // `placet serve`: HTTP and TLS (Hummingbird), graceful shutdown and signals
        // (service-lifecycle), structured logs (swift-log). Hummingbird's swift-configuration
        // support is left out: the server is configured by flags.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        // Already built for Hummingbird; named here for the server's own TLS setup and the tests' HTTP client.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        // Source text, lexer, parser, syntax tree, type checker, diagnostics. No I/O.
        .target(name: "PlacetLanguage", swiftSettings: strictFeatures),
        // Compiled policies, evaluation, decisions, waivers, dates.
        .target(
            name: "PlacetEngine",
            dependencies: ["PlacetLanguage", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictFeatures),
        // YAML / JSON / JSON Lines loading against the schema, reference resolution.
        .target(
            name: "PlacetManifests",
            dependencies: [
                "PlacetLanguage", "PlacetEngine", "PlacetXML",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictFeatures),
        // The baseline pack compiled into the binary from policies/ (one source of truth), so
        // an installed `placet` finds its rules without a resource bundle or build folder.
        .target(name: "BaselinePack", dependencies: ["PlacetEngine"], swiftSettings: strictFeatures,
                plugins: ["EmbedPolicies"]),
        .executableTarget(name: "PolicyEmbedder"),
        .plugin(name: "EmbedPolicies", capability: .buildTool(), dependencies: ["PolicyEmbedder"]),
        // The system libxml2, and the C helpers Swift 6 needs to call it.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "CXMLSupport", dependencies: ["CLibXML2"]),
        // glibc's mallopt, for the heap settings of a batch check.
        .systemLibrary(name: "CHeap", path: "Sources/CHeap"),
        // Swift over libxml2: documents, XSD validation, xmlTextWriter; owns every C pointer.
        .target(name: "PlacetXML", dependencies: ["CLibXML2", "CXMLSupport"], swiftSettings: strictFeatures),
        // One renderer per output format.
        .target(
            name: "PlacetReports",
            dependencies: ["PlacetEngine", "PlacetLanguage", "PlacetXML", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictFeatures),
        // The workflows every front end calls (check, where, test, explain, diff): each a function
        // from inputs to a result value, with no printing and no process exit.
        .target(
            name: "PlacetWorkflows",
            dependencies: ["PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "BaselinePack"],
            swiftSettings: strictFeatures),
        // `placet serve`: the decision API and the Kubernetes admission webhook over the workflows,
        // with hot reload, metrics, the decision log, limits and TLS. Request decoding and
        // decisions are plain functions (`DecisionService`), callable without HTTP.
        .target(
            name: "PlacetServer",
            dependencies: [
                "PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetWorkflows",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictFeatures),
        // `placet lsp`: the Language Server Protocol over the same libraries as the CLI.
        .target(
            name: "PlacetLanguageServer",
            dependencies: ["PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetWorkflows", "BaselinePack"],
            swiftSettings: strictFeatures),
        .executableTarget(
            name: "placet",
            dependencies: [
                "PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetWorkflows", "BaselinePack",
                "PlacetLanguageServer", "PlacetServer", "CHeap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictFeatures),
        .testTarget(
            name: "PlacetTests",
            dependencies: [
                "PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetXML", "PlacetWorkflows", "BaselinePack",
                "PlacetLanguageServer", "PlacetServer", "placet",
                // A small HTTP/1.1 client over NIO for the server tests (HTTP and HTTPS).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The deploy/ files are YAML: the tests read them as the cluster would.
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Golden", "Fixtures"],
            swiftSettings: strictFeatures),
    ]
)
