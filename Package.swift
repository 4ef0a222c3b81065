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
    // GMime, for RFC 5322 / MIME messages (Debian: libgmime-3.0-dev).
    .systemLibrary(
      name: "CGMime",
      pkgConfig: "gmime-3.0",
      providers: [.apt(["libgmime-3.0-dev"])]
    ),
    // libxml2's HTML parser, for HTML bodies (Debian: libxml2-dev).
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    // libcurl, for IMAP (Debian: libcurl4-openssl-dev).
    .systemLibrary(
      name: "CCurl",
      pkgConfig: "libcurl",
      providers: [.apt(["libcurl4-openssl-dev"])]
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
        "CGMime",
        "CLibXML2",
        "CCurl",
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
    // Starts a real Dovecot on loopback for the IMAP tests and benchmark.
    .target(name: "DovecotHarness"),
    .executableTarget(name: "outreach-bench", dependencies: ["OutreachKit", "DovecotHarness"]),
    // libFuzzer targets for the email, account and rule parsers (.ci/fuzz).
    .executableTarget(name: "outreach-fuzz", dependencies: ["OutreachKit"]),
    .testTarget(
      name: "OutreachKitTests",
      dependencies: ["OutreachKit", "DovecotHarness"],
      exclude: ["Fixtures"]
    ),
  ]
)
