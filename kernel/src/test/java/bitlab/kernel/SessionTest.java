package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bitlab.dsl.display.MimeBundle;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cell's way through the kernel, in process: values, output, rendering, errors, interrupt. */
class SessionTest {
  static Session session;

  @BeforeAll
  static void start() {
    session = new Session();
  }

  @AfterAll
  static void stop() {
    session.close();
  }

  static Session.Result run(String code, Recording rec) {
    return session.execute(code, rec);
  }

  @Test
  void valueOfACellIsItsLastExpression() {
    Recording rec = new Recording();
    Session.Result r = run("int a = 6;\nint b = 7;\na * b", rec);
    assertTrue(r.ok(), () -> r.error().plain());
    assertEquals("42", r.value().data().get(MimeBundle.TEXT));
  }

  @Test
  void statementsHaveNoValueAndVariablesPersist() {
    Recording rec = new Recording();
    assertNull(run("var greeting = \"hi\";", rec).value());
    assertEquals("hi!", run("greeting + \"!\"", rec).value().data().get(MimeBundle.TEXT));
  }

  @Test
  void stdoutAndStderrAreStreamedToTheCell() {
    Recording rec = new Recording();
    run("System.out.println(\"out line\"); System.err.println(\"err line\");", rec);
    assertEquals("out line\n", rec.stdout());
    assertTrue(rec.outs.stream()
        .anyMatch(o -> "stderr".equals(o.name()) && o.text().equals("err line\n")));
  }

  @Test
  void dslIsPreloadedWithoutImports() {
    Recording rec = new Recording();
    Session.Result r = run("version()", rec);
    assertTrue(r.ok(), () -> r.error().plain());
    assertEquals(bitlab.dsl.Bitlab.version(), r.value().data().get(MimeBundle.TEXT));
  }

  @Test
  void tablesRenderAsHtmlAndChartsAsImages() {
    Recording rec = new Recording();
    Session.Result t =
        run("Table.create(\"bits\", IntColumn.create(\"w\", new int[]{2, 4, 8}))", rec);
    assertTrue(
        t.value().data().get(MimeBundle.HTML).contains("<td style=\"text-align:right\">8</td>"));
    Session.Result c = run(
        "var ch = new XYChartBuilder().width(200).height(120).build();"
            + " ch.addSeries(\"s\", new double[]{1, 2}, new double[]{2, 1}); ch",
        rec);
    assertTrue(c.ok(), () -> c.error().plain());
    assertTrue(
        c.value().data().get(MimeBundle.PNG).startsWith("iVBORw0KGgo"), "base64 PNG signature");
    assertTrue(c.value().data().get(MimeBundle.SVG).contains("<svg"));
  }

  @Test
  void displayShowsNowAndLeavesNoValue() {
    Recording rec = new Recording();
    Session.Result r =
        run("display(Table.create(\"t\", IntColumn.create(\"x\", new int[]{1})))", rec);
    assertTrue(r.ok(), () -> r.error().plain());
    assertNull(r.value(), "display() must not produce an Out[n]");
    assertEquals(1, rec.of("display").size());
    assertTrue(rec.of("display").get(0).bundle().data().containsKey(MimeBundle.HTML));
  }

  @Test
  void displayOfAJavaImageShowsTheImage() {
    Recording rec = new Recording();
    Session.Result r = run(
        "display(new java.awt.image.BufferedImage(6, 4, java.awt.image.BufferedImage.TYPE_INT_RGB))",
        rec);
    assertTrue(r.ok(), () -> r.error().plain());
    assertEquals(
        "BufferedImage 6x4", rec.of("display").get(0).bundle().data().get(MimeBundle.TEXT));
    assertTrue(
        rec.of("display").get(0).bundle().data().containsKey(MimeBundle.PNG),
        "an image, not its toString()");
  }

  @Test
  void compileErrorsPointAtTheSpanOnTheCellLine() {
    Recording rec = new Recording();
    Session.Result r = run("int ok = 1;\nint bad = undefinedThing + 1;", rec);
    assertFalse(r.ok());
    assertEquals("CompileError", r.error().ename());
    assertTrue(r.error().evalue().contains("cannot find symbol"), r.error().evalue());
    String tb = r.error().plain();
    assertTrue(tb.contains("cell line 2:  int bad = undefinedThing + 1;"), tb);
    String[] lines = tb.split("\n");
    int at = List.of(lines)
        .indexOf(List.of(lines).stream()
            .filter(l -> l.contains("cell line 2:"))
            .findFirst()
            .orElseThrow());
    String carets = lines[at + 1];
    assertEquals(
        lines[at].indexOf("undefinedThing"),
        carets.indexOf('^'),
        "carets start under the unknown name:\n" + tb);
    assertEquals("undefinedThing".length(), carets.strip().length());
  }

  @Test
  void runtimeErrorsNameTheUsersExceptionAndTheCellLine() {
    Recording rec = new Recording();
    run("int divide(int x) {\n  return 10 / x;\n}", rec);
    Session.Result r = run("int z = 1;\ndivide(0)", rec);
    assertEquals("ArithmeticException", r.error().ename());
    assertEquals("/ by zero", r.error().evalue());
    String tb = r.error().plain();
    assertTrue(tb.startsWith("ArithmeticException: / by zero"), tb);
    assertTrue(tb.contains("divide() from an earlier cell: int divide(int x) { (line 2)"), tb);
    assertTrue(tb.contains("at cell line 2:  divide(0)"), tb);
  }

  @Test
  void bitlabExceptionsShowTheirSentenceWithoutLibraryFrames() {
    Recording rec = new Recording();
    Session.Result r = run("zoo(\"no-such-model\")", rec);
    assertFalse(r.ok());
    assertTrue(
        r.error().traceback().get(0).contains(r.error().evalue()), "the sentence comes first");
    assertFalse(r.error().plain().contains("    at bitlab."), r.error().plain());
    assertTrue(
        r.error().plain().contains("at cell line 1:  zoo(\"no-such-model\")"),
        r.error().plain());
    Session.Result v = run("var m = zoo(\"no-such-model\");", rec);
    assertFalse(
        v.error().plain().contains("do_it$"),
        "JShell's wrapper methods stay hidden: " + v.error().plain());
    assertEquals(
        1, v.error().plain().split("at cell line 1", -1).length - 1, v.error().plain());
  }

  @Test
  void aUserMistakeIsOneSentenceAndABugKeepsItsFrames() {
    Recording rec = new Recording();
    Session.Result r =
        run("var b = bits(12, 8);", rec); // thrown deep inside bitlab's hardware values
    assertEquals("PolicyException", r.error().ename());
    assertEquals(
        "The weight width of 12 bits is not supported; use 1..8, or 16/32 for unquantized.",
        r.error().evalue());
    assertEquals(
        "PolicyException: " + r.error().evalue() + "\n    at cell line 1:  var b = bits(12, 8);",
        r.error().plain(),
        "the sentence and the cell line, no library frames");
    Session.Result bug = run(
        "java.util.List.of(1).get(3)", rec); // not bitlab's sentence: the frames say where it broke
    assertEquals("IndexOutOfBoundsException", bug.error().ename());
    assertTrue(
        bug.error().plain().contains("java.util.ImmutableCollections"),
        bug.error().plain());
  }

  @Test
  void jshellWrapperNamesDoNotLeakIntoMessages() {
    Recording rec = new Recording();
    Session.Result r = run("String s = null;\ns.length()", rec);
    assertEquals("NullPointerException", r.error().ename());
    assertFalse(r.error().evalue().contains("$JShell$"), r.error().evalue());
    assertTrue(r.error().evalue().contains("\"s\" is null"), r.error().evalue());
  }

  @Test
  void theKernelKeepsWorkingAfterAnyError() {
    Recording rec = new Recording();
    run("throw new StackOverflowError()", rec);
    run("Object o = null; o.hashCode()", rec);
    assertEquals("3", run("1 + 2", rec).value().data().get(MimeBundle.TEXT));
  }

  @Test
  void cooperativeInterruptEndsLongWorkAtACheckpoint() throws Exception {
    Recording rec = new Recording();
    CompletableFuture<Session.Result> cell = CompletableFuture.supplyAsync(
        () -> run("long n = 0;\nwhile (true) { n++; bitlab.task.Work.checkpoint(); }", rec));
    waitUntilRunning(cell);
    assertTrue(session.interrupt());
    Session.Result r = cell.get(20, TimeUnit.SECONDS);
    assertEquals("CancelledException", r.error().ename());
    assertEquals("2", run("1 + 1", new Recording()).value().data().get(MimeBundle.TEXT));
  }

  @Test
  void aLoopThatIgnoresInterruptsIsStoppedHardOnJdksThatAllowIt() throws Exception {
    assumeTrue(Runtime.version().feature() < 20, "Thread.stop works up to JDK 19");
    session.evaluator().setInterruptGrace(300);
    try {
      Recording rec = new Recording();
      CompletableFuture<Session.Result> cell =
          CompletableFuture.supplyAsync(() -> run("long m = 0; while (true) { m++; }", rec));
      waitUntilRunning(cell);
      session.interrupt();
      Session.Result r = cell.get(20, TimeUnit.SECONDS);
      assertEquals("Interrupted", r.error().ename());
      assertTrue(r.error().evalue().contains("stopped hard"), r.error().evalue());
      assertEquals("5", run("2 + 3", new Recording()).value().data().get(MimeBundle.TEXT));
    } finally {
      session.evaluator().setInterruptGrace(2000);
    }
  }

  private static void waitUntilRunning(CompletableFuture<Session.Result> cell) throws Exception {
    for (int i = 0; i < 100 && !cell.isDone(); i++) Thread.sleep(20);
    if (cell.isDone()) {
      Session.Result r = cell.get();
      throw new AssertionError("the cell should still be running, it ended: "
          + (r.ok() ? r.value() : r.error().plain()));
    }
    assertTrue(session.evaluator().running(), "the cell should be running");
  }

  @Test
  void progressLinesBecomeOneDisplayUpdatedInPlace() {
    Recording rec = new Recording();
    Session.Result r = run(
        "for (int i = 1; i <= 5; i++) { bitlab.task.Work.progress(\"epoch \" + i + \"/5\"); }\n"
            + "Thread.sleep(150); bitlab.task.Work.progress(\"done\");",
        rec);
    assertTrue(r.ok(), () -> r.error().plain());
    List<Recording.Out> shown = rec.of("display");
    List<Recording.Out> updates = rec.of("update");
    assertEquals(1, shown.size());
    assertEquals("epoch 1/5", shown.get(0).bundle().data().get(MimeBundle.TEXT));
    assertFalse(updates.isEmpty());
    assertTrue(updates.stream().allMatch(u -> u.displayId().equals(shown.get(0).displayId())));
    assertEquals(
        "done",
        updates.get(updates.size() - 1).bundle().data().get(MimeBundle.TEXT),
        "the last line always arrives");
    assertTrue(updates.size() < 5, "updates are throttled: " + updates.size());
  }

  @Test
  void outputFloodsAreBatchedAndCut() {
    Recording rec = new Recording();
    Session.Result r =
        run("for (int i = 0; i < 300000; i++) System.out.println(\"line \" + i);", rec);
    assertTrue(r.ok());
    long messages = rec.of("stream").size();
    assertTrue(messages < 50, "lines are batched, got " + messages + " messages");
    String out = rec.stdout();
    assertTrue(out.startsWith("line 0\nline 1\n"));
    assertTrue(
        out.contains("[bitlab: output limited to 1,000,000 bytes per cell on stdout;"),
        out.substring(out.length() - 200));
    Recording next = new Recording();
    run("System.out.println(\"fresh budget\")", next);
    assertEquals("fresh budget\n", next.stdout());
  }

  @Test
  void unknownMagicsSayWhichExist() {
    Recording rec = new Recording();
    Session.Result r = run("%frobnicate now", rec);
    assertEquals("MagicException", r.error().ename());
    assertTrue(r.error().evalue().startsWith("Unknown magic %frobnicate."));
    assertTrue(r.error().evalue().contains("%vars"));
  }

  @Test
  void incompleteCellsAreCompileErrorsNotHangs() {
    Recording rec = new Recording();
    Session.Result r = run("for (int i = 0; i < 3; i++) {", rec);
    assertEquals("CompileError", r.error().ename());
    assertNotNull(r.error().evalue());
  }
}
