// swift-tools-version: 6.1
// Placet: a policy-as-code compliance engine for machine-learning placements.
import PackageDescription

let strictFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// BaselinePack's root is the package root (so its resource is the real policies/ folder);
// it must not claim the other targets' files.
let otherTargetFolders = ["PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "placet", "CLibXML2", "CXMLSupport", "PlacetXML"]
    .map { "Sources/\($0)" }

let package = Package(
    name: "Placet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "placet", targets: ["placet"]),
        .library(name: "PlacetEngine", targets: ["PlacetEngine"]),
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
            resources: [.copy("Resources/placet-manifest-v1.xsd")],
            swiftSettings: strictFeatures),
        // The bundled copy of policies/: the target's root is the package root so the
        // resource is the real top-level folder, one source of truth for auditors.
        .target(
            name: "BaselinePack", path: ".",
            exclude: ["Sources/BaselinePack/README.md", "Tests", "README.md", "docs"] + otherTargetFolders,
            sources: ["Sources/BaselinePack/BaselinePack.swift"],
            resources: [.copy("policies")]),
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
        .executableTarget(
            name: "placet",
            dependencies: [
                "PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "BaselinePack",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictFeatures),
        .testTarget(
            name: "PlacetTests",
            dependencies: ["PlacetLanguage", "PlacetEngine", "PlacetManifests", "PlacetReports", "PlacetXML", "placet"],
            exclude: ["Golden", "Fixtures"],
            swiftSettings: strictFeatures),
    ]
)
