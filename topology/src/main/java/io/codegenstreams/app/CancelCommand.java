package io.codegenstreams.app;

import io.codegenstreams.schemas.CodeGenResult;
import io.codegenstreams.serde.AvroJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = {"Cancel a request by id and wait until the id is settled, then print its result.",
        "The cancel is a tombstone keyed by the id on the requests topic (what kafka-console-producer sends with"
            + " --reader-property parse.key=true --reader-property null.marker=NULL and the line 'ID<TAB>NULL').",
        "Exit code 0 when the id is settled: CANCELLED, or the result it already had; 1 when no result arrives within"
            + " --timeout (an id not seen yet: the cancel is remembered for cancel.retention.ms)."})
final class CancelCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The id of the request to cancel.")
  String requestId;

  @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long to wait for the request's result (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "Print the whole result record as JSON.")
  boolean json;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ResultWaiter waiter = ResultWaiter.open(connection, connection.resultsTopic(), requestId);
         RequestProducer producer = RequestProducer.open(connection)) {
      Optional<CodeGenResult> before = waiter.existing();
      if (before.isPresent()) {
        out.println("request " + requestId + " had finished already; its result stands:");
        print(out, before.get());
        return 0;
      }
      producer.cancel(connection.requestsTopic(), requestId);
      Optional<CodeGenResult> result = waiter.await(timeout);
      if (result.isEmpty()) {
        spec.commandLine().getErr().printf("Cancel of %s sent, but no result arrived within %s: no request with that"
            + " id has reached the pipeline yet (it is answered CANCELLED if it arrives within cancel.retention.ms),"
            + " or the pipeline is not running (./codegen run).%n", requestId, timeout);
        return 1;
      }
      print(out, result.get());
      return 0;
    }
  }

  private void print(PrintWriter out, CodeGenResult r) {
    out.println(json ? AvroJson.toJson(r) : ResultText.describe(r));
    out.flush();
  }
}
