package io.codegenstreams.topology;

/** A separate process that keeps {@code args[0]} cores busy until it is killed: the "loaded machine" of a test. */
public final class CpuHog {
  private CpuHog() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = Integer.parseInt(args[0]);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (!Thread.currentThread().isInterrupted()) {
          x += System.nanoTime() % 7;
        }
        System.out.println(x);
      }, "hog-" + i);
      t.start();
    }
    Thread.currentThread().join();
  }
}
