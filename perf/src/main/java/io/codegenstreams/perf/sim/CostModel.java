package io.codegenstreams.perf.sim;

/**
 * How long a simulated decode step takes. The defaults represent a 7B-class code model on one modern GPU, where
 * decoding is memory-bound: every step streams all the weights once whatever the batch, so a step costs a large
 * fixed part plus a small part per sequence; prefill is compute-bound and grows with the prompt tokens.
 *
 * <pre>
 *   decode step = 12 ms + 0.1 ms x sequences in the batch
 *   prefill     =  5 ms + 0.01 ms x prompt tokens prefilled in the step   (only in steps where sequences join)
 * </pre>
 *
 * With outputs of 100 tokens, one request alone takes about 100 x 12.1 ms + 5 ms ≈ 1.2 s; a batch of 64 takes
 * 100 x 18.4 ms ≈ 1.8 s for 64 requests: 53x the throughput for 1.5x the latency. That asymmetry is why batching
 * pays on a GPU.
 *
 * @param decodeBaseMillis      fixed cost of a decode step
 * @param decodePerSequenceMillis added per sequence in the step
 * @param prefillBaseMillis     fixed cost of a step in which prompts are prefilled
 * @param prefillPerTokenMillis added per prompt token prefilled in the step
 */
public record CostModel(double decodeBaseMillis, double decodePerSequenceMillis, double prefillBaseMillis,
                        double prefillPerTokenMillis) {

  /** The cost model: 12 ms + 0.1 ms/sequence per decode step, 5 ms + 0.01 ms/token per prefill. */
  public static final CostModel GPU_7B = new CostModel(12.0, 0.1, 5.0, 0.01);

  /** Computes nothing and takes no time: what is left is the pipeline's own cost. */
  public static final CostModel ZERO = new CostModel(0, 0, 0, 0);

  public CostModel {
    if (decodeBaseMillis < 0 || decodePerSequenceMillis < 0 || prefillBaseMillis < 0 || prefillPerTokenMillis < 0) {
      throw new IllegalArgumentException("cost model values must be >= 0");
    }
  }

  /** Nanoseconds of one step over {@code sequences} rows, {@code prefillTokens} of which are prompt tokens to prefill. */
  public long stepNanos(int sequences, int prefillTokens) {
    if (sequences <= 0) {
      return 0;
    }
    double millis = decodeBaseMillis + decodePerSequenceMillis * sequences;
    if (prefillTokens > 0) {
      millis += prefillBaseMillis + prefillPerTokenMillis * prefillTokens;
    }
    return Math.round(millis * 1_000_000.0);
  }

  /** Latency of one request alone: one prefill plus {@code outputTokens} decode steps of one sequence. */
  public double aloneMillis(int promptTokens, int outputTokens) {
    return (stepNanos(1, promptTokens) + (outputTokens - 1) * stepNanos(1, 0)) / 1e6;
  }
}
