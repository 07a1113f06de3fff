package bitlab.dsl.sweep;

import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.JobRunner;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Jobs on threads of this JVM, sharing the notebook's own models and data (nothing is copied).
 * Each job scores its policies on the cores the other jobs leave it.
 */
final class ThreadRunner implements SweepRunner {
  private final int threads;

  ThreadRunner(int threads) {
    this.threads = threads;
  }

  @Override
  public void run(
      List<SweepJob> jobs, LiveInputs inputs, List<String> targets, Consumer<JobResult> results) {
    if (jobs.isEmpty()) return;
    int workers = Math.min(threads, jobs.size());
    int inner = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    AtomicInteger number = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "bitlab-sweep-" + number.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    LinkedBlockingQueue<JobResult> done = new LinkedBlockingQueue<>();
    List<Future<?>> running = new ArrayList<>();
    String memoryFix =
        "give this JVM more heap (-Xmx in BITLAB_KERNEL_OPTS or BITLAB_JAVA_OPTS) or run fewer jobs at once (threads(1))";
    try {
      for (SweepJob job : jobs) {
        running.add(pool.submit(() -> {
          Work.setProgressSink(
              line -> {}); // the sweep shows one progress line; jobs only honour the interrupt
          String worker = Thread.currentThread().getName();
          try {
            done.add(JobRunner.attempt(job, inputs, targets, inner, worker, memoryFix));
          } catch (RuntimeException | Error e) {
            done.add(
                JobResult.failed(job, bitlab.dsl.sweep.job.Failures.sentence(job, e, memoryFix)));
          }
        }));
      }
      for (int i = 0; i < jobs.size(); i++) results.accept(done.take());
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    } finally {
      for (Future<?> f : running) f.cancel(true);
      pool.shutdownNow();
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException again) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String describe() {
    return threads + (threads == 1 ? " thread" : " threads") + " in this JVM";
  }
}
