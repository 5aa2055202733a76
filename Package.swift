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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
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
        // `placet lsp`: the Language Server Protocol over the same libraries as the CLI.
        .target(
            name: "PlacetLanguageServer",
            dependencies: ["PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetWorkflows", "BaselinePack"],
            swiftSettings: strictFeatures),
        .executableTarget(
            name: "placet",
            dependencies: [
                "PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetWorkflows", "BaselinePack",
                "PlacetLanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictFeatures),
        .testTarget(
            name: "PlacetTests",
            dependencies: ["PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetXML", "PlacetWorkflows", "BaselinePack",
                           "PlacetLanguageServer", "placet"],
            exclude: ["Golden", "Fixtures"],
            swiftSettings: strictFeatures),
    ]
)
