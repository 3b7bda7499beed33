package io.codegenstreams.topology.internals;

import io.codegenstreams.schemas.Priority;
import java.util.Locale;

/** Names of the topology's processors and state stores (they name changelog topics too: keep them stable). */
public final class StoreNames {
  public static final String REQUESTS_SOURCE = "requests-source";
  public static final String REQUEST_PROCESSOR = "request-processor";
  public static final String RESULTS_SINK = "results-sink";
  public static final String DLQ_SINK = "dlq-sink";
  /** Cancels (tombstones) of superseded requests, written back to the requests topic keyed by the old id. */
  public static final String CANCEL_SINK = "cancel-sink";
  public static final String CANCELS_STORE = "early-cancels";
  public static final String RESULTS_SOURCE = "results-source";
  public static final String RESULTS_STORE_UPDATER = "results-store-updater";
  public static final String RESULTS_STORE = "results-store";
  public static final String INFLIGHT_STORE = "inflight-index";

  private StoreNames() {}

  public static String lane(Priority lane) {
    return "lane-" + lane.name().toLowerCase(Locale.ROOT);
  }
}
