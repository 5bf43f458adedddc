// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Ocular",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "ocular", targets: ["ocular"]),
    .executable(name: "ocular-perf", targets: ["ocular-perf"]),
    .library(name: "OcularCore", targets: ["OcularCore"]),
    .library(name: "OcularModels", targets: ["OcularModels"]),
    .library(name: "OcularStore", targets: ["OcularStore"]),
    .library(name: "OcularRunner", targets: ["OcularRunner"]),
    .library(name: "OcularReports", targets: ["OcularReports"]),
    .library(name: "OcularAnalytics", targets: ["OcularAnalytics"]),
    .library(name: "OcularViewer", targets: ["OcularViewer"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
  ],
  targets: [
    .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .target(
      name: "OcularCore",
      dependencies: [
        "CPNG", "COpenSSL", .product(name: "CSV", package: "CSV.swift"),
      ]
    ),
    .target(
      name: "OcularModels",
      dependencies: [
        "OcularCore", .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"), "ZIPFoundation",
        .product(name: "CSV", package: "CSV.swift"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]
    ),
    .target(
      name: "OcularStore",
      dependencies: [
        "OcularCore", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    .target(name: "OcularRunner", dependencies: ["OcularCore", "OcularModels", "OcularStore"]),
    .target(name: "OcularReports", dependencies: ["OcularCore", "OcularStore"]),
    .target(name: "OcularAnalytics", dependencies: ["OcularCore", "OcularStore", "OcularReports"]),
    .target(
      name: "OcularViewer",
      dependencies: [
        "OcularCore", "OcularStore", "OcularReports", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ]
    ),
    .executableTarget(
      name: "ocular",
      dependencies: [
        "OcularCore", "OcularModels", "OcularStore", "OcularRunner", "OcularReports", "OcularAnalytics",
        "OcularViewer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "ocular-perf",
      dependencies: [
        "OcularCore", "OcularModels", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]
    ),
    .testTarget(name: "OcularCoreTests", dependencies: ["OcularCore"], exclude: ["Golden", "HostileInput"]),
    .testTarget(
      name: "OcularModelsTests",
      dependencies: [
        "OcularModels", "ZIPFoundation", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ],
      exclude: ["Fixtures"]
    ),
    .testTarget(name: "OcularStoreTests", dependencies: ["OcularStore"]),
    .testTarget(name: "OcularRunnerTests", dependencies: ["OcularRunner"]),
    .testTarget(name: "OcularReportsTests", dependencies: ["OcularReports"], exclude: ["Golden"]),
    .testTarget(name: "OcularAnalyticsTests", dependencies: ["OcularAnalytics", "OcularRunner", "OcularModels"]),
    .testTarget(name: "OcularViewerTests", dependencies: ["OcularViewer", "OcularRunner", "OcularModels"]),
    .testTarget(name: "ocularTests", dependencies: ["ocular", "OcularStore"], exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
