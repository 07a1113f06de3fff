package bitlab.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file whole or not at all: the bytes go to a hidden file beside the target, are synced,
 * and are renamed over it, so a crash, a full disk or an exception half way leaves the old file as it
 * was (and no temporary file behind). A file that exists keeps its permissions; a new one gets the
 * permissions any new file gets (the umask's, not the owner-only ones of a temporary file). A
 * symbolic link stays a link: the file it points to is replaced.
 */
public final class WholeFile {
  /** What writes the content; it may throw, and then nothing is written. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private WholeFile() {}

  public static void write(Path path, byte[] bytes) throws IOException {
    write(path, out -> out.write(bytes));
  }

  public static void write(Path path, String text) throws IOException {
    write(path, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes what {@code content} writes to {@code path}; returns the file written (a link's target). Failures
   * name the user's file or its folder, never the temporary file.
   */
  public static Path write(Path path, Content content) throws IOException {
    Path target = target(path.toAbsolutePath());
    if (Files.isDirectory(target))
      throw new FileSystemException(
          path.toString(), null, "it is a folder; give the name of a file to write");
    Path dir = target.getParent();
    Path tmp;
    try {
      tmp = fresh(dir, target.getFileName().toString());
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(dir.toString());
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(dir.toString(), null, "cannot write in this folder");
    }
    try {
      if (Files.exists(target)) {
        PosixFileAttributeView from =
            Files.getFileAttributeView(target, PosixFileAttributeView.class);
        PosixFileAttributeView to = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (from != null && to != null) to.setPermissions(from.readAttributes().permissions());
      }
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        // The writer may close what it was given (to finish a compressed stream); the channel stays
        // open for the sync.
        OutputStream out = new FilterOutputStream(Channels.newOutputStream(ch)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            this.out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
        content.writeTo(out);
        out.flush();
        ch.force(true); // on disk before the rename makes it the file
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Fails as {@link #write} would if {@code path} is a folder or its folder is missing or not writable: call it
   * before long work whose result goes there, so the mistake is named before the work, not after it.
   */
  public static void checkWritable(Path path) throws IOException {
    Path target = target(path.toAbsolutePath());
    if (Files.isDirectory(target))
      throw new FileSystemException(
          path.toString(), null, "it is a folder; give the name of a file to write");
    Path dir = target.getParent();
    if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString());
    if (!Files.isWritable(dir))
      throw new AccessDeniedException(dir.toString(), null, "cannot write in this folder");
  }

  /** The file a path names: the end of a chain of links (which may not exist yet), or the path itself. */
  static Path target(Path path) throws IOException {
    Path p = path;
    for (int hops = 0; Files.isSymbolicLink(p); hops++) {
      if (hops == 40) throw new IOException(path + " is a loop of symbolic links");
      p = p.toAbsolutePath().getParent().resolve(Files.readSymbolicLink(p)).normalize();
    }
    return p;
  }

  /** A new empty hidden file beside the target, created as any new file is (so with the umask's permissions). */
  private static Path fresh(Path dir, String name) throws IOException {
    for (int i = 0; ; i++) {
      Path tmp = dir.resolve("." + name + "."
          + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (i == 10) throw e;
      }
    }
  }
}
