package bitlab.dsl.display;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The renderer registry: turns any value into a {@link MimeBundle}.
 *
 * <p>Lookup order for a value: a {@link Renderable} renders itself; otherwise the renderer registered
 * for the nearest type (the class, then its interfaces, then each superclass and its interfaces);
 * otherwise {@code text/plain} from {@code toString()}. A renderer that throws does not lose the
 * value: the bundle falls back to text and names the renderer that failed.
 *
 * <p>{@link #standard()} holds every renderer contributed through {@link RendererProvider}
 * service entries (tables and charts come from this module that way).
 */
public final class Renderers {

  private record Entry(Class<?> type, Function<Object, MimeBundle> renderer) {}

  private static volatile Renderers standard;

  private final Map<Class<?>, Entry> registered = new ConcurrentHashMap<>();
  private final Map<Class<?>, Entry> resolved = new ConcurrentHashMap<>();

  /** An empty registry: only {@link Renderable} values and text/plain. */
  public Renderers() {}

  /** The shared registry with every {@link RendererProvider} found by {@link ServiceLoader}. */
  public static Renderers standard() {
    Renderers r = standard;
    if (r == null) {
      synchronized (Renderers.class) {
        if (standard == null) {
          Renderers fresh = new Renderers();
          for (RendererProvider p :
              ServiceLoader.load(RendererProvider.class, Renderers.class.getClassLoader())) {
            p.registerInto(fresh);
          }
          standard = fresh;
        }
        r = standard;
      }
    }
    return r;
  }

  /** Registers (or replaces) the renderer for {@code type} and its subtypes. */
  @SuppressWarnings("unchecked")
  public <T> Renderers register(Class<T> type, Function<? super T, MimeBundle> renderer) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(renderer, "renderer");
    registered.put(type, new Entry(type, v -> renderer.apply((T) v)));
    resolved.clear();
    return this;
  }

  /** True when a registered renderer (not the text fallback) handles values of {@code type}. */
  public boolean handles(Class<?> type) {
    return Renderable.class.isAssignableFrom(type) || find(type) != null;
  }

  /** Renders {@code value}; never throws, always carries text/plain. */
  public MimeBundle render(Object value) {
    if (value == null) return MimeBundle.text("null");
    if (value instanceof MimeBundle b) return b;
    if (value instanceof Renderable r) {
      return attempt(value, "render() of " + value.getClass().getName(), v -> r.render());
    }
    Entry e = find(value.getClass());
    if (e == null) return MimeBundle.text(plain(value));
    return attempt(value, "the renderer registered for " + e.type().getName(), e.renderer());
  }

  private static MimeBundle attempt(Object value, String who, Function<Object, MimeBundle> f) {
    try {
      MimeBundle b = f.apply(value);
      if (b == null) throw new IllegalStateException("it returned null");
      return b;
    } catch (RuntimeException | LinkageError ex) {
      String why = ex.getMessage() == null
          ? ex.getClass().getSimpleName()
          : ex.getClass().getSimpleName() + ": " + ex.getMessage();
      return MimeBundle.text(plain(value) + "\n[" + who + " failed: " + why + "]");
    }
  }

  private static String plain(Object value) {
    try {
      return String.valueOf(value);
    } catch (RuntimeException ex) {
      return value.getClass().getName() + " (toString() failed: " + ex + ")";
    }
  }

  private Entry find(Class<?> type) {
    Entry hit = resolved.get(type);
    if (hit != null) return hit;
    for (Class<?> t : lineage(type)) {
      Entry e = registered.get(t);
      if (e != null) {
        resolved.put(type, e);
        return e;
      }
    }
    return null;
  }

  /** The class, its interfaces (breadth first), then the same for each superclass. */
  private static Set<Class<?>> lineage(Class<?> type) {
    Set<Class<?>> order = new LinkedHashSet<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      order.add(c);
      Deque<Class<?>> queue = new ArrayDeque<>(java.util.List.of(c.getInterfaces()));
      while (!queue.isEmpty()) {
        Class<?> i = queue.removeFirst();
        if (order.add(i)) queue.addAll(java.util.List.of(i.getInterfaces()));
      }
    }
    return order;
  }
}
