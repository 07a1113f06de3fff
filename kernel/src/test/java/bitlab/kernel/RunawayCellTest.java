package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.kernel.eval.StubbornLibrary;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cells that would end the kernel or never stop: refused, stopped, or reported truthfully; the kernel lives on. */
class RunawayCellTest {
  static Session session;

  @BeforeAll
  static void start() {
    session = new Session();
    session.evaluator().setInterruptGrace(300);
  }

  @AfterAll
  static void stop() {
    StubbornLibrary.release = true;
    session.close();
  }

  static Session.Result run(String code) {
    return session.execute(code, new Recording());
  }

  static String refusal(String call) {
    return call
        + " was refused: it would end the kernel and every variable of this notebook with it. To start afresh,"
        + " restart the kernel (Kernel > Restart Kernel); to end a cell early, return or throw an exception.";
  }

  @Test
  void systemExitIsRefusedWithASentenceAndTheNotebookKeepsItsState() {
    assertTrue(run("int kept = 41;").ok());
    Session.Result r = run("System.out.println(\"before\");\nSystem.exit(0);");
    assertEquals("ExitRefusedException", r.error().ename());
    assertEquals(refusal("System.exit(0)"), r.error().evalue());
    assertTrue(r.error().plain().contains("at cell line 2"), r.error().plain());
    assertEquals(
        refusal("Runtime.halt(3)"), run("Runtime.getRuntime().halt(3)").error().evalue());
    assertEquals(
        refusal("Runtime.exit(4)"),
        run("Runtime r = Runtime.getRuntime(); r.exit(4);").error().evalue());
    assertEquals(
        refusal("System.exit(5)"),
        run("java.util.function.IntConsumer quit = System::exit; quit.accept(5);")
            .error()
            .evalue());
    assertEquals(
        refusal("Runtime.exit(6)"),
        run("java.util.function.IntConsumer q2 = Runtime.getRuntime()::exit; q2.accept(6);")
            .error()
            .evalue());
    assertTrue(run("void leave() { System.exit(7); }").ok());
    assertEquals(refusal("System.exit(7)"), run("leave()").error().evalue());
    assertEquals("42", run("kept + 1").value().data().get(MimeBundle.TEXT));
  }

  @Test
  void aLoopThatCatchesThrowableIsStoppedAndItsThreadEnds() throws Exception {
    CompletableFuture<Session.Result> cell = CompletableFuture.supplyAsync(
        () -> run(
            "long spins = 0;\nwhile (true) {\n  try { while (true) { spins++; } } catch (Throwable t) { }\n}"));
    waitUntilRunning(cell);
    session.interrupt();
    Session.Result r = cell.get(20, TimeUnit.SECONDS);
    assertEquals("Interrupted", r.error().ename());
    assertEquals(
        "The cell was stopped: it did not reach a cancellation checkpoint, so it was stopped hard.",
        r.error().evalue());
    for (int i = 0; i < 100 && cellThreadsAlive() > 0; i++) Thread.sleep(20);
    assertEquals(0, cellThreadsAlive(), "the stopped cell's thread has ended");
    assertEquals("5", run("2 + 3").value().data().get(MimeBundle.TEXT));
  }

  @Test
  void libraryCodeThatSwallowsStopsIsReportedTruthfullyAndTheKernelGoesOn() throws Exception {
    StubbornLibrary.release = false;
    CompletableFuture<Session.Result> cell =
        CompletableFuture.supplyAsync(() -> run("bitlab.kernel.eval.StubbornLibrary.spin()"));
    waitUntilRunning(cell);
    session.interrupt();
    Session.Result r = cell.get(20, TimeUnit.SECONDS);
    assertEquals("Interrupted", r.error().ename());
    boolean stopExists = Runtime.version().feature() < 20;
    assertTrue(
        r.error()
            .evalue()
            .startsWith(
                stopExists ? "The cell ignored the interrupt and survived " : "The cell ignored"),
        r.error().evalue());
    assertEquals("7", run("3 + 4").value().data().get(MimeBundle.TEXT));
    StubbornLibrary.release = true;
    for (int i = 0; i < 100 && cellThreadsAlive() > 0; i++) Thread.sleep(20);
    assertEquals(0, cellThreadsAlive());
  }

  /** Errors a careless cell raises in the kernel's own JVM (memory, stack) are the cell's error; the kernel goes on. */
  @Test
  void aCellThatRunsOutOfMemoryOrStackFailsAloneAndTheKernelGoesOn() {
    assertTrue(run("int before = 1;").ok());
    Session.Result oom = run("long[] huge = new long[2_000_000_000];");
    assertEquals("OutOfMemoryError", oom.error().ename(), String.valueOf(oom.error()));
    assertTrue(run("int deeper(int x) { return deeper(x + 1) + 1; }").ok());
    Session.Result deep = run("deeper(0)");
    assertEquals("StackOverflowError", deep.error().ename(), String.valueOf(deep.error()));
    assertEquals("2", run("before + 1").value().data().get(MimeBundle.TEXT));
  }

  @Test
  void theAbandonedCellsSentenceSaysWhatWasTriedAndTheFix() {
    assertEquals(
        "The cell ignored the interrupt and survived 12 hard stops (Thread.stop): it is inside library code that"
            + " catches them, or a native call that does not return. It is left running in the background, where the kernel"
            + " stops it again once a second; if a core stays busy, restart the kernel (Kernel > Restart Kernel).",
        ErrorReport.abandoned(12, 17));
    assertEquals(
        "The cell ignored the interrupt and runs inside library code that Java 21 cannot stop from outside"
            + " (Thread.stop is gone since Java 20). It is left running in the background; if a core stays busy, restart the"
            + " kernel (Kernel > Restart Kernel).",
        ErrorReport.abandoned(0, 21));
    assertFalse(ErrorReport.abandoned(3, 17).contains("cannot stop a thread"));
  }

  static long cellThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("bitlab-cell-")
            && t.isAlive()
            && !t.getName().endsWith("-reaper"))
        .count();
  }

  static void waitUntilRunning(CompletableFuture<Session.Result> cell) throws Exception {
    // Compiling a cell can take seconds on a loaded machine: wait until it runs (and still runs 300
    // ms later, past a
    // first short snippet such as a declaration), not a fixed time.
    for (int i = 0; i < 100 && !cell.isDone(); i++) {
      if (session.evaluator().running()) {
        Thread.sleep(300);
        if (session.evaluator().running()) break;
      }
      Thread.sleep(200);
    }
    assertFalse(
        cell.isDone(), () -> "the cell should still be running: " + cell.join().error());
    assertTrue(session.evaluator().running());
  }
}
