// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "outreach",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "outreach", targets: ["outreach"]),
    .library(name: "OutreachKit", targets: ["OutreachKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
  ],
  targets: [
    // libcmark, the CommonMark reference parser (Debian: libcmark-dev).
    .systemLibrary(
      name: "CCmark",
      pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"])]
    ),
    // Turns Rules/ and Templates/ into Swift source at build time, so the
    // installed binary carries the defaults and works from any directory.
    .executableTarget(name: "outreach-embed", path: "Sources/outreach-embed"),
    .plugin(
      name: "EmbedDefaults",
      capability: .buildTool(),
      dependencies: ["outreach-embed"],
      path: "Sources/EmbedDefaults"
    ),
    .target(
      name: "OutreachKit",
      dependencies: [
        "CCmark",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Mustache", package: "swift-mustache"),
      ],
      plugins: ["EmbedDefaults"]
    ),
    .executableTarget(
      name: "outreach",
      dependencies: [
        "OutreachKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "outreach-bench", dependencies: ["OutreachKit"]),
    // libFuzzer targets for the email, account and rule parsers (.ci/fuzz).
    .executableTarget(name: "outreach-fuzz", dependencies: ["OutreachKit"]),
    .testTarget(
      name: "OutreachKitTests",
      dependencies: ["OutreachKit"],
      exclude: ["Fixtures"]
    ),
  ]
)
