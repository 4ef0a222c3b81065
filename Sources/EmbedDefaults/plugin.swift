import Foundation
import PackagePlugin

/// Embeds the package's `Rules/` and `Templates/` folders into OutreachKit,
/// so that an installed `outreach` binary has its defaults without the
/// source tree beside it.
@main
struct EmbedDefaults: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let root = context.package.directoryURL
    var inputs: [URL] = []
    for folder in ["Rules", "Templates"] {
      let dir = root.appending(path: folder)
      guard
        let walker = FileManager.default.enumerator(
          at: dir, includingPropertiesForKeys: [.isRegularFileKey])
      else { continue }
      for case let url as URL in walker
      where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
        inputs.append(url)
      }
    }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDefaults.swift")
    let tool = try context.tool(named: "outreach-embed")
    return [
      .buildCommand(
        displayName: "Embedding Rules/ and Templates/",
        executable: tool.url,
        arguments: [root.path, output.path],
        inputFiles: inputs,
        outputFiles: [output]
      )
    ]
  }
}
