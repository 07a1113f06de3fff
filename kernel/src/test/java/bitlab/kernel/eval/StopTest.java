package bitlab.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cells that catch Throwable around their loops are stopped both ways the kernel has: the woven
 * handler check with Thread.stop (JDK 17-19), and the loop checks alone (as on JDK 20+, where
 * Thread.stop is gone: emulated here by turning both switches).
 */
@Tag("slow")
class StopTest {
  static final List<String> STUBBORN_LOOPS = List.of(
      "long a = 0;\nwhile (true) {\n  try { while (true) { a++; } } catch (Throwable t) { }\n}",
      "long b = 0;\nwhile (true) { try { b++; } catch (Throwable t) { } }",
      "long c(long n) { try { return c(n + 1); } catch (Throwable t) { return c(n + 1); } }\nc(0)",
      "long d = 0;\nwhile (true) { try { Thread.sleep(1); d++; } catch (Throwable t) { } }");
  static Evaluator ev;

  @BeforeAll
  static void start() {
    ev = new Evaluator(List.of());
    // Long enough that a loaded machine (a CI box running other suites) still unwinds a doomed deep
    // recursion before the cell would be abandoned (max(500 ms, grace) after the doom).
    ev.setInterruptGrace(1500);
  }

  @AfterAll
  static void stop() {
    StubbornLibrary.release = true;
    CellControl.threadStop = Runtime.version().feature() < 20;
    System.clearProperty("bitlab.cells.loopChecks");
    ev.close();
  }

  static EvalFailure.Run interrupted(String code) throws Exception {
    CompletableFuture<EvalFailure> cell = CompletableFuture.supplyAsync(() -> {
      try {
        ev.eval(code);
        return null;
      } catch (EvalFailure f) {
        return f;
      }
    });
    for (int i = 0; i < 50 && !cell.isDone(); i++) Thread.sleep(20);
    assertFalse(cell.isDone(), "the cell should still be running");
    assertTrue(ev.interrupt());
    EvalFailure f = cell.get(20, TimeUnit.SECONDS);
    assertTrue(f instanceof EvalFailure.Run, String.valueOf(f));
    return (EvalFailure.Run) f;
  }

  @Test
  void withThreadStopTheHandlerCheckKeepsCellsFromSwallowingTheStop() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Runtime.version().feature() < 20, "Thread.stop works up to JDK 19");
    CellControl.threadStop = true;
    System.setProperty("bitlab.cells.loopChecks", "false");
    for (String loop : STUBBORN_LOOPS) {
      EvalFailure.Run r = interrupted(loop);
      assertTrue(
          r.interrupted() && !r.abandoned(),
          loop + ": abandoned " + r.abandoned() + " after " + r.hardStops() + " stops, "
              + r.getCause());
      assertTrue(
          r.getCause() instanceof CellStoppedError || r.getCause() instanceof ThreadDeath,
          loop + ": " + r.getCause());
      // Loops that never throw need Thread.stop; a caught StackOverflowError or
      // InterruptedException meets the check first.
      if (!loop.contains("c(n") && !loop.contains("sleep")) assertTrue(r.hardStops() >= 1, loop);
    }
  }

  @Test
  void withoutThreadStopTheLoopChecksStopTheCellsOwnLoops() throws Exception {
    CellControl.threadStop = false;
    System.setProperty("bitlab.cells.loopChecks", "true");
    try {
      for (String loop : STUBBORN_LOOPS) {
        EvalFailure.Run r = interrupted(loop);
        assertTrue(r.interrupted() && !r.abandoned(), loop);
        assertTrue(r.getCause() instanceof CellStoppedError, loop + ": " + r.getCause());
        assertEquals(0, r.hardStops());
      }
      StubbornLibrary.release = false;
      EvalFailure.Run r = interrupted("bitlab.kernel.eval.StubbornLibrary.spin()");
      assertTrue(r.abandoned(), "library code without Thread.stop cannot be stopped");
      assertEquals(0, r.hardStops());
      StubbornLibrary.release = true;
    } finally {
      CellControl.threadStop = Runtime.version().feature() < 20;
      System.clearProperty("bitlab.cells.loopChecks");
    }
    assertEquals(3, ev.eval("1 + 2"));
  }

  static volatile boolean ran;

  public static void markRan() {
    ran = true;
  }

  /** An interrupt that comes while the cell is being compiled (no worker yet) stops the snippet before it runs. */
  @Test
  void anInterruptDuringCompilationStopsTheCellBeforeItRuns() throws Exception {
    CellControl control = new CellControl(new CellLoader());
    assertFalse(control.interrupt(), "no cell: nothing to interrupt");
    control.cell(true);
    assertTrue(control.interrupt(), "a cell being compiled takes the interrupt");
    ran = false;
    java.lang.reflect.InvocationTargetException e = assertThrows(
        java.lang.reflect.InvocationTargetException.class,
        () -> control.invoke(StopTest.class.getMethod("markRan")));
    assertTrue(e.getCause() instanceof InterruptedException, String.valueOf(e.getCause()));
    assertFalse(ran, "the snippet did not run");
    assertTrue(control.takeFailure().interrupted());
    control.cell(false);
    control.cell(true);
    assertEquals(
        "bitlab#1", control.invoke(StopTest.class.getMethod("markRan")), "the next cell runs");
    assertTrue(ran);
  }

  @Test
  void exitCallsAreRefusedWhateverTheirForm() {
    for (String call : List.of(
        "System.exit(1)",
        "Runtime.getRuntime().exit(2)",
        "Runtime.getRuntime().halt(3)",
        "((java.util.function.IntConsumer) System::exit).accept(4)")) {
      EvalFailure.Run r = (EvalFailure.Run) assertThrows(EvalFailure.class, () -> ev.eval(call));
      assertTrue(r.getCause() instanceof ExitRefusedException, call + ": " + r.getCause());
    }
  }
}
