package io.codegenstreams.app;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code codegen} command. Exit codes: 0 success, 1 failure, 2 usage error. Further subcommands (for example
 * {@code perf}) are contributed by modules that depend on this one, through {@link SubcommandProvider}.
 */
@Command(name = "codegen", mixinStandardHelpOptions = true, versionProvider = CodegenCommand.BuildVersion.class,
    description = "Serve AI code-generation requests on Apache Kafka.",
    subcommands = {RunCommand.class, SubmitCommand.class, CancelCommand.class, TailCommand.class,
        GatewayCommand.class, CommandLine.HelpCommand.class})
public final class CodegenCommand {

  /** The version the build wrote into the jar's manifest ({@code Implementation-Version}). */
  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CodegenCommand.class.getPackage().getImplementationVersion();
      return new String[] {"codegen-streams " + (v == null ? "(classes, not a built jar)" : v)};
    }
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CodegenCommand());
    for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
      cli.addSubcommand(provider.name(), provider.command());
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + Errors.describe(e)));
      return CommandLine.ExitCode.SOFTWARE;
    });
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
