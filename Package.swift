// swift-tools-version:6.0
import PackageDescription

// GMime, GLib and libxml2 are not linked: outreach loads them with dlopen
// when it first reads or writes a message (see Sources/CGMime/shim.h), so
// that `outreach lint email.md` starts in 4 ms, not 11. Their headers are
// still needed to build, from the Debian packages in .ci/deps.sh; these are
// the include paths `pkg-config --cflags gmime-3.0 libxml-2.0 libgsf-1` gives there.
#if arch(arm64)
  let multiarch = "aarch64-linux-gnu"
#else
  let multiarch = "x86_64-linux-gnu"
#endif
let mailHeaders: [SwiftSetting] = [
  .unsafeFlags([
    "-Xcc", "-I/usr/include/gmime-3.0", "-Xcc", "-I/usr/include/glib-2.0",
    "-Xcc", "-I/usr/lib/\(multiarch)/glib-2.0/include", "-Xcc", "-I/usr/include/libxml2", "-Xcc", "-I/usr/include/libgsf-1",
  ]),
  .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release)),
]

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
    .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
  ],
  targets: [
    // libcmark-gfm, GitHub's fork of the CommonMark reference parser, for
    // its table extension (GFM tables, as Vale's goldmark reads them)
    // (Debian: libcmark-gfm-dev, libcmark-gfm-extensions-dev). Its headers
    // are in /usr/include; its pkg-config file would link the extensions
    // library too, which is loaded with dlopen on first use instead.
    .systemLibrary(name: "CCmark"),
    // GMime, for RFC 5322 / MIME messages (Debian: libgmime-3.0-dev), and
    // libxml2's HTML parser, for HTML bodies (Debian: libxml2-dev): headers
    // only, loaded with dlopen (see mailHeaders above).
    .systemLibrary(name: "CGMime"),
    .systemLibrary(name: "CLibXML2"),
    // libgsf, for Outlook's .msg files (OLE2 compound files; Debian:
    // libgsf-1-dev): headers only, loaded with dlopen on the first .msg.
    .systemLibrary(name: "CGsf"),
    // libcurl, for IMAP (Debian: libcurl4-openssl-dev for the headers).
    // Not linked: loaded with dlopen by `draft --imap` only (CCurl/shim.h).
    .systemLibrary(name: "CCurl"),
    // Hunspell, for Vale's `spelling` kind (Debian: libhunspell-dev for the
    // headers, hunspell-en-us for the dictionary). Loaded with dlopen.
    .systemLibrary(name: "CHunspell"),
    // RE2 (Debian: libre2-dev): rule patterns run in linear time, as Vale's
    // Go regular expressions do. A small C API over its C++ one.
    // A release build on Linux links their archives (libre2.a,
    // libpcre2-8.a, from the same -dev packages) into the binary, so that
    // the loader does not map and bind two more libraries at every start.
    .target(
      name: "CRE2",
      linkerSettings: [
        .linkedLibrary("re2", .when(configuration: .debug)),
        .linkedLibrary("pcre2-8", .when(configuration: .debug)),
        .linkedLibrary("re2", .when(platforms: [.macOS, .windows], configuration: .release)),
        .linkedLibrary("pcre2-8", .when(platforms: [.macOS, .windows], configuration: .release)),
        // The trailing -lstdc++ is for RE2's references, which come after
        // the driver's own -lstdc++: the outreach executable's release link
        // reads it as the static C++ runtime (Sources/outreach/Link).
        .unsafeFlags(
          [
            "-Xlinker", "-Bstatic", "-Xlinker", "-lre2", "-Xlinker", "-lpcre2-8", "-Xlinker", "-Bdynamic", "-Xlinker",
            "-lstdc++",
          ],
          .when(platforms: [.linux], configuration: .release)),
      ]),
    // Turns Rules/ and Templates/ into Swift source at build time, so the
    // installed binary carries the defaults and works from any directory.
    // It parses the YAML of Rules/ with Yams at build time, as outreach
    // would at start.
    .executableTarget(
      name: "outreach-embed", dependencies: [.product(name: "Yams", package: "Yams")], path: "Sources/outreach-embed"),
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
        "CRE2",
        "CGMime",
        "CLibXML2",
        "CGsf",
        "CCurl",
        "CHunspell",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "SwiftCSV", package: "SwiftCSV"),
      ],
      swiftSettings: mailHeaders,
      // libcmark-gfm and its core extensions (GFM tables): a release build
      // on Linux links their archives (from the same -dev packages), so
      // the loader maps and binds no library for them at start.
      linkerSettings: [
        .linkedLibrary("cmark-gfm-extensions", .when(configuration: .debug)),
        .linkedLibrary("cmark-gfm", .when(configuration: .debug)),
        .linkedLibrary("cmark-gfm-extensions", .when(platforms: [.macOS, .windows], configuration: .release)),
        .linkedLibrary("cmark-gfm", .when(platforms: [.macOS, .windows], configuration: .release)),
        .unsafeFlags(
          ["-Xlinker", "-Bstatic", "-Xlinker", "-lcmark-gfm-extensions", "-Xlinker", "-lcmark-gfm", "-Xlinker", "-Bdynamic"],
          .when(platforms: [.linux], configuration: .release)),
      ],
      plugins: ["EmbedDefaults"]
    ),
    .executableTarget(
      name: "outreach",
      dependencies: [
        "OutreachKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      exclude: ["Link"],
      swiftSettings: mailHeaders,
      // A position-dependent release binary: as a PIE, the dynamic loader
      // applied 79,000 relocations to the static Swift runtime and
      // Foundation at every start (copying each page they touch), about a
      // millisecond of linting one email. Debug builds and tests stay PIE.
      // Link/ holds a libstdc++.so that names the static archive: the
      // release binary carries its C++ runtime (see the file).
      linkerSettings: [
        .unsafeFlags(
          ["-Xclang-linker", "-no-pie", "-L", Context.packageDirectory + "/Sources/outreach/Link"],
          .when(platforms: [.linux], configuration: .release))
      ]
    ),
    // Starts a real Dovecot on loopback for the IMAP tests and benchmark.
    .target(name: "DovecotHarness"),
    .executableTarget(name: "outreach-bench", dependencies: ["OutreachKit", "DovecotHarness"], swiftSettings: mailHeaders),
    // libFuzzer targets for the email, account and rule parsers (.ci/fuzz).
    .executableTarget(name: "outreach-fuzz", dependencies: ["OutreachKit"], swiftSettings: mailHeaders),
    .testTarget(
      name: "OutreachKitTests",
      dependencies: ["OutreachKit", "DovecotHarness", "CGsf", "CRE2"],
      exclude: ["Fixtures"],
      swiftSettings: mailHeaders
    ),
  ]
)
