package io.codegenstreams.app;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code codegen} command. Exit codes: 0 success, 1 failure, 2 usage error. Further subcommands (for example
 * {@code perf}) are contributed by modules that depend on this one, through {@link SubcommandProvider}.
 */
@Command(name = "codegen", mixinStandardHelpOptions = true, version = "codegen-streams 0.1.0",
    description = "Serve AI code-generation requests on Apache Kafka.",
    subcommands = {RunCommand.class, SubmitCommand.class, TailCommand.class, CommandLine.HelpCommand.class})
public final class CodegenCommand {

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
