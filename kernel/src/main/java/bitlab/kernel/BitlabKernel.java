package bitlab.kernel;

import bitlab.dsl.Bitlab;
import bitlab.kernel.docs.DslDocs;
import bitlab.kernel.eval.EvalFailure;
import bitlab.kernel.eval.Evaluator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;

/**
 * The Jupyter face of a {@link Session}: jjava-jupyter's {@link BaseKernel} brings the wire
 * protocol; this class answers execute (with outputs published as they happen), kernel_info
 * (with {@code status}), complete, inspect, is_complete, history and interrupt.
 */
public final class BitlabKernel extends BaseKernel {
  private static final Pattern MAGIC_PREFIX = Pattern.compile("^(\\s*)(%{1,2})([\\w-]*)$");

  private final Session session;
  private final History history;
  private final DslDocs docs = DslDocs.bundled();

  public BitlabKernel(Session session) {
    this(session, new History());
  }

  private BitlabKernel(Session session, History history) {
    super(
        "bitlab",
        Bitlab.version(),
        languageInfo(),
        List.of(new HelpLink("bitlab notebooks", "notebooks/")),
        history,
        new JupyterIO(StandardCharsets.UTF_8),
        new CommManager(),
        new Renderer(),
        null,
        new MagicsRegistry(),
        false,
        new StringStyler.Builder()
            .addPrimaryStyle(TextColor.BOLD_RESET_FG)
            .addSecondaryStyle(TextColor.BOLD_RED_FG)
            .addHighlightStyle(TextColor.BOLD_RESET_FG)
            .build());
    this.session = session;
    this.history = history;
  }

  static LanguageInfo languageInfo() {
    return new LanguageInfo.Builder("java")
        .version(Runtime.version().toString())
        .mimetype("text/x-java-source")
        .fileExtension(".jshell")
        .pygments("java")
        .codemirror("text/x-java")
        .build();
  }

  @Override
  public String getBanner() {
    return "bitlab " + Bitlab.version() + " on Java " + Runtime.version()
        + ": the DSL is preloaded (mnist(), zoo(...), hardware(...)); "
        + "magics: %hardware %vars %time %classpath %load";
  }

  @Override
  protected void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
    commManager.setMessageContext(message);
    ExecuteRequest req = message.getContent();
    boolean silent = req.isSilent();
    boolean store = req.shouldStoreHistory() && !silent;
    int count = store ? executionCount.getAndIncrement() : Math.max(1, executionCount.get() - 1);
    env.setBusyDeferIdle();
    if (!silent) env.publish(new PublishExecuteInput(req.getCode(), count));
    WirePublisher pub = new WirePublisher(env);
    Session.Result r = session.execute(req.getCode(), pub);
    if (r.ok()) {
      if (r.value() != null && !silent)
        env.publish(new PublishExecuteResult(count, WirePublisher.toDisplayData(r.value(), null)));
      env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
    } else {
      ErrorReport e = r.error();
      env.publish(new PublishError(e.ename(), e.evalue(), e.traceback()));
      ErrorReply reply = new ErrorReply(e.ename(), e.evalue(), e.traceback());
      reply.setExecutionCount(count);
      env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }
    if (store) {
      String out = r.ok() ? (r.value() == null ? "" : r.value().data().get("text/plain")) : e(r);
      history.add(count, req.getCode(), pub.transcript() + out);
    }
  }

  private static String e(Session.Result r) {
    return r.error().ename() + ": " + r.error().evalue();
  }

  @Override
  protected void handleKernelInfoRequest(
      ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
    env.setBusyDeferIdle();
    env.reply(new KernelInfo(
        Header.PROTOCOL_VERISON, name, version, getLanguageInfo(), getBanner(), getHelpLinks()));
  }

  @Override
  protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
    HistoryRequest req = message.getContent();
    env.setBusyDeferIdle();
    Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
    if (req.includeOutput()) flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
    if (!req.useRaw()) flags.add(HistoryManager.ResultFlag.TRANSFORMED_INPUT);
    List<HistoryEntry> entries = switch (req.getAccessType()) {
      case TAIL -> history.lookupTail(((HistoryRequest.Tail) req).getMaxReturnLength(), flags);
      case RANGE -> {
        HistoryRequest.Range r = (HistoryRequest.Range) req;
        yield history.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
      }
      case SEARCH -> {
        HistoryRequest.Search q = (HistoryRequest.Search) req;
        if (q.filterUnique()) flags.add(HistoryManager.ResultFlag.UNIQUE);
        yield history.search(q.getPattern(), q.getMaxReturnLength(), flags);
      }
    };
    // jjava-jupyter 1.0-a6 serialises history entries as objects, not the protocol's tuples, and
    // omits status: the reply is written here as plain JSON-shaped data.
    List<Object> tuples = new ArrayList<>();
    for (HistoryEntry e : entries) {
      tuples.add(
          e.hasOutput()
              ? List.of(e.getSession(), e.getCellNumber(), List.of(e.getInput(), e.getOutput()))
              : List.of(e.getSession(), e.getCellNumber(), e.getInput()));
    }
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("status", "ok");
    content.put("history", tuples);
    replyRaw(env, MessageType.HISTORY_REPLY, content);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void replyRaw(
      ShellReplyEnvironment env, MessageType<?> type, Map<String, Object> content) {
    env.reply(new Message(env.getContext(), type, content));
  }

  @Override
  public Object evalRaw(String source) {
    try {
      Object v = session.evaluator().eval(source);
      return v == Evaluator.NO_VALUE ? null : v;
    } catch (EvalFailure f) {
      throw new IllegalStateException(ErrorReport.of(f, source).plain(), f);
    }
  }

  @Override
  public DisplayData eval(String expr) {
    Object v = evalRaw(expr);
    return v == null ? null : WirePublisher.toDisplayData(session.renderers().render(v), null);
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    List<Evaluator.Doc> found = session.evaluator().documentation(code, at);
    if (found.isEmpty()) return null;
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder();
    for (Evaluator.Doc d : found) {
      Optional<String> doc = Optional.ofNullable(d.javadoc())
          .filter(s -> !s.isBlank())
          .or(() -> docs.lookup(d.signature()));
      if (text.length() > 0) {
        text.append("\n\n");
        html.append("<hr/>");
      }
      text.append(d.signature());
      html.append("<pre>")
          .append(bitlab.dsl.display.TableHtml.escape(d.signature()))
          .append("</pre>");
      doc.ifPresent(s -> {
        text.append('\n').append(s);
        html.append("<div style=\"white-space:pre-wrap\">")
            .append(bitlab.dsl.display.TableHtml.escape(s))
            .append("</div>");
      });
    }
    DisplayData dd = new DisplayData(text.toString());
    dd.putHTML(html.toString());
    return dd;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int lineStart = code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
    Matcher m = MAGIC_PREFIX.matcher(code.substring(lineStart, at));
    if (m.matches()) {
      List<String> names = m.group(2).length() == 2
          ? session.magics().cellNames()
          : session.magics().lineNames();
      List<String> options = new ArrayList<>();
      for (String n : names) if (n.startsWith(m.group(3))) options.add(m.group(2) + n);
      return new ReplacementOptions(options, lineStart + m.group(1).length(), at);
    }
    Evaluator.Suggestions s = session.evaluator().complete(code, at);
    return new ReplacementOptions(s.matches(), s.start(), s.end());
  }

  @Override
  public String isComplete(String code) {
    Evaluator.Completion c = session.evaluator().isComplete(code);
    return switch (c.status()) {
      case "complete" -> IS_COMPLETE_YES;
      case "invalid" -> IS_COMPLETE_BAD;
      default -> c.indent();
    };
  }

  @Override
  public void interrupt() {
    session.interrupt();
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    session.close();
  }
}
