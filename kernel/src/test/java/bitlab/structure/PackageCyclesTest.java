package bitlab.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * No package of bitlab depends, through any chain, on a package that depends on it. Read from the compiled classes of
 * every module the kernel sees (hardware, engine, dsl, kernel): every type a class file names in its constant pool
 * (classes it uses, and the types in its descriptors and generic signatures) counts; a type named only in a comment
 * does not.
 */
class PackageCyclesTest {

  /** One class of each module: where the module's classes are (a folder in a reactor build, else its jar). */
  private static final List<Class<?>> MODULES = List.of(
      bitlab.hardware.Target.class,
      bitlab.model.Model.class,
      bitlab.dsl.Bitlab.class,
      bitlab.kernel.Session.class);

  @Test
  void noPackageCycles() throws IOException {
    Map<String, Map<String, Set<String>>> graph = dependencies();
    assertTrue(
        graph.size() > 30,
        "Read the classes of " + graph.size() + " packages only: " + graph.keySet());
    List<List<String>> cycles = cycles(graph);
    if (cycles.isEmpty()) return;
    StringBuilder b = new StringBuilder(
        cycles.size() + " package cycle(s); move the convenience that closes each one up"
            + " (towards the DSL) or the shared type down:\n");
    for (List<String> c : cycles) {
      b.append("  cycle ").append(c).append('\n');
      for (String from : c) {
        for (String to : c) {
          Set<String> why = graph.get(from).get(to);
          if (why != null)
            b.append("    ")
                .append(from)
                .append(" -> ")
                .append(to)
                .append(" through ")
                .append(sample(why))
                .append('\n');
        }
      }
    }
    fail(b.toString());
  }

  /** The test itself finds a cycle when there is one. */
  @Test
  void findsACycle() {
    Map<String, Map<String, Set<String>>> g = new TreeMap<>();
    g.put("a", Map.of("b", Set.of("A -> B")));
    g.put("b", Map.of("c", Set.of("B -> C")));
    g.put("c", Map.of("a", Set.of("C -> A")));
    g.put("d", Map.of("a", Set.of("D -> A")));
    assertEquals(List.of(List.of("a", "b", "c")), cycles(g));
    g.put("c", Map.of());
    assertEquals(List.of(), cycles(g));
  }

  /** Per bitlab package, the other bitlab packages it uses and, for each, the class pairs that make the edge. */
  private static Map<String, Map<String, Set<String>>> dependencies() throws IOException {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    for (Class<?> anchor : MODULES) {
      for (byte[] bytes : classFiles(anchor)) {
        ConstantPool pool = ConstantPool.read(bytes);
        String self = pool.thisClass();
        String from = packageOf(self);
        Map<String, Set<String>> out = graph.computeIfAbsent(from, k -> new TreeMap<>());
        for (String used : pool.typesNamed()) {
          if (!used.startsWith("bitlab/")) continue;
          String to = packageOf(used);
          if (!to.equals(from))
            out.computeIfAbsent(to, k -> new TreeSet<>()).add(simple(self) + " -> " + simple(used));
        }
      }
    }
    return graph;
  }

  private static List<byte[]> classFiles(Class<?> anchor) throws IOException {
    Path where;
    try {
      where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    List<byte[]> out = new ArrayList<>();
    if (Files.isDirectory(where)) {
      try (Stream<Path> s = Files.walk(where)) {
        for (Path p : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".class"))::iterator)
          out.add(Files.readAllBytes(p));
      }
    } else {
      try (ZipFile jar = new ZipFile(where.toFile())) {
        for (java.util.zip.ZipEntry e : java.util.Collections.list(jar.entries())) {
          if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/")) continue;
          try (InputStream in = jar.getInputStream(e)) {
            out.add(in.readAllBytes());
          }
        }
      }
    }
    if (out.isEmpty())
      throw new IOException("No classes found beside " + anchor.getName() + " in " + where);
    return out;
  }

  /** Strongly connected components of more than one package (Tarjan), each sorted, in order of their first package. */
  static List<List<String>> cycles(Map<String, Map<String, Set<String>>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> out = new ArrayList<>();
    for (String v : new TreeSet<>(graph.keySet()))
      if (!index.containsKey(v)) connect(v, graph, index, low, stack, onStack, out);
    out.sort((a, b) -> a.get(0).compareTo(b.get(0)));
    return out;
  }

  private static void connect(
      String v,
      Map<String, Map<String, Set<String>>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<List<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        component.sort(null);
        out.add(component);
      }
    }
  }

  private static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
  }

  private static String simple(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }

  private static String sample(Set<String> why) {
    List<String> few = why.stream().limit(4).toList();
    return String.join(", ", few)
        + (why.size() > few.size() ? " (+" + (why.size() - few.size()) + " more)" : "");
  }

  /** The part of a class file that names other types: its constant pool (JVMS 4.4), read without a library. */
  record ConstantPool(String thisClass, Set<String> typesNamed) {
    /** A class type inside a descriptor or generic signature: {@code Lbitlab/model/Model;} or {@code Lbitlab/x/Y<...>}. */
    private static final Pattern IN_DESCRIPTOR = Pattern.compile("L(bitlab/[\\w/$]+)[;<.]");

    static ConstantPool read(byte[] b) {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
      if (in.getInt() != 0xCAFEBABE) throw new IllegalArgumentException("not a class file");
      in.getInt(); // minor, major version
      int count = in.getShort() & 0xFFFF;
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.get();
        switch (tag) {
          case 1 -> {
            byte[] s = new byte[in.getShort() & 0xFFFF];
            in.get(s);
            utf8[i] = new String(
                s, java.nio.charset.StandardCharsets.ISO_8859_1); // type names here are ASCII
          }
          case 7 -> classNameIndex[i] = in.getShort() & 0xFFFF;
          case 8, 16, 19, 20 -> in.getShort();
          case 15 -> {
            in.get();
            in.getShort();
          }
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.getInt();
          case 5, 6 -> {
            in.getLong();
            i++; // eight-byte constants take two entries
          }
          default ->
            throw new IllegalArgumentException("constant pool tag " + tag + " at entry " + i);
        }
      }
      in.getShort(); // access flags
      String self = utf8[classNameIndex[in.getShort() & 0xFFFF]];
      Set<String> named = new TreeSet<>();
      for (int i = 1; i < count; i++) {
        if (classNameIndex[i] != 0) {
          String n = utf8[classNameIndex[i]];
          if (n.startsWith("[")) addFromDescriptor(n, named);
          else named.add(n);
        } else if (utf8[i] != null) {
          addFromDescriptor(utf8[i], named);
        }
      }
      return new ConstantPool(self, named);
    }

    private static void addFromDescriptor(String text, Set<String> named) {
      Matcher m = IN_DESCRIPTOR.matcher(text);
      while (m.find()) named.add(m.group(1));
    }
  }
}
