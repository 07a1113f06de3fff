package bitlab.kernel.eval;

import bitlab.kernel.io.KernelLog;
import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the class files JShell compiles for cells, since cells run inside the kernel's JVM:
 * <ul>
 *   <li>calls of {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} (also as method
 *       references) go to {@link CellGuard}, which refuses them with a sentence instead of ending
 *       the kernel;</li>
 *   <li>every handler that catches {@code Throwable}, {@code Error} or {@code ThreadDeath} first
 *       asks {@link CellGuard#rethrowIfStopped}: a cell the kernel is stopping cannot swallow the
 *       stop ({@code Thread.stop} delivers it on JDK 17-19);</li>
 *   <li>where {@code Thread.stop} is gone (JDK 20 on), every method entry and backward jump calls
 *       {@link CellGuard#checkpoint()} instead, as JDK 22's own JShell does. That check costs
 *       tight vectorisable loops written in a cell up to 2.5x, so it is left out where the JDK can
 *       stop a thread ({@code -Dbitlab.cells.loopChecks=true|false} overrides).</li>
 * </ul>
 * Only the cell's own code is rewritten: a library that exits or loops is beyond it.
 */
final class CellWeaver {
  private static final String GUARD = "bitlab/kernel/eval/CellGuard";
  private static final java.util.Set<String> STOP_CATCHERS =
      java.util.Set.of("java/lang/Throwable", "java/lang/Error", "java/lang/ThreadDeath");

  private CellWeaver() {}

  static boolean loopChecks() {
    return Boolean.parseBoolean(System.getProperty(
        "bitlab.cells.loopChecks", String.valueOf(Runtime.version().feature() >= 20)));
  }

  /** The rewritten class file; the original if ASM cannot read it (a class file newer than it knows). */
  static byte[] weave(byte[] classFile) {
    boolean loops = loopChecks();
    try {
      ClassReader reader = new ClassReader(classFile);
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      reader.accept(
          new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(
                int access, String name, String desc, String signature, String[] exceptions) {
              return new Guarded(
                  super.visitMethod(access, name, desc, signature, exceptions), loops);
            }
          },
          0);
      return writer.toByteArray();
    } catch (RuntimeException e) {
      KernelLog.warn(
          "weave",
          "cells run without the System.exit guard and stop checks: " + e
              + " (the class files of this JDK may be newer than the bundled ASM reads).");
      return classFile;
    }
  }

  private static final class Guarded extends MethodVisitor {
    private final boolean loops;
    private final Set<Label> seen = new HashSet<>();
    private final Set<Label> stopHandlers = new HashSet<>();
    private boolean atStopHandler;

    Guarded(MethodVisitor next, boolean loops) {
      super(Opcodes.ASM9, next);
      this.loops = loops;
    }

    private void checkpoint() {
      super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "checkpoint", "()V", false);
    }

    /** At a handler's first instruction the caught throwable is on the stack: check a copy. */
    private void beforeInstruction() {
      if (!atStopHandler) return;
      atStopHandler = false;
      super.visitInsn(Opcodes.DUP);
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC, GUARD, "rethrowIfStopped", "(Ljava/lang/Throwable;)V", false);
    }

    @Override
    public void visitCode() {
      super.visitCode();
      if (loops) checkpoint();
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      if (type != null && STOP_CATCHERS.contains(type)) stopHandlers.add(handler);
      super.visitTryCatchBlock(start, end, handler, type);
    }

    @Override
    public void visitLabel(Label label) {
      seen.add(label);
      if (stopHandlers.contains(label)) atStopHandler = true;
      super.visitLabel(label);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      beforeInstruction();
      if (loops && seen.contains(label)) checkpoint(); // a backward jump: a loop's back-edge
      super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitInsn(int opcode) {
      beforeInstruction();
      super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      beforeInstruction();
      super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
      beforeInstruction();
      super.visitVarInsn(opcode, var);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      beforeInstruction();
      super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String desc) {
      beforeInstruction();
      super.visitFieldInsn(opcode, owner, name, desc);
    }

    @Override
    public void visitIincInsn(int var, int increment) {
      beforeInstruction();
      super.visitIincInsn(var, increment);
    }

    @Override
    public void visitMultiANewArrayInsn(String desc, int dims) {
      beforeInstruction();
      super.visitMultiANewArrayInsn(desc, dims);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      beforeInstruction();
      if (loops && anySeen(dflt, labels)) checkpoint();
      super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      beforeInstruction();
      if (loops && anySeen(dflt, labels)) checkpoint();
      super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    private boolean anySeen(Label dflt, Label[] labels) {
      if (seen.contains(dflt)) return true;
      for (Label l : labels) if (seen.contains(l)) return true;
      return false;
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
      beforeInstruction();
      if (opcode == Opcodes.INVOKESTATIC
          && owner.equals("java/lang/System")
          && name.equals("exit")
          && desc.equals("(I)V")) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "exit", "(I)V", false);
      } else if (opcode == Opcodes.INVOKEVIRTUAL
          && owner.equals("java/lang/Runtime")
          && desc.equals("(I)V")
          && (name.equals("exit") || name.equals("halt"))) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name, "(Ljava/lang/Runtime;I)V", false);
      } else {
        super.visitMethodInsn(opcode, owner, name, desc, itf);
      }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... args) {
      beforeInstruction();
      Object[] out = args.clone();
      for (int i = 0; i < out.length; i++) if (out[i] instanceof Handle h) out[i] = guarded(h);
      super.visitInvokeDynamicInsn(name, desc, bsm, out);
    }

    @Override
    public void visitLdcInsn(Object value) {
      beforeInstruction();
      super.visitLdcInsn(value instanceof Handle h ? guarded(h) : value);
    }

    /** {@code System::exit} and {@code runtime::exit} as method handles point at the guard too. */
    private static Handle guarded(Handle h) {
      if (h.getTag() == Opcodes.H_INVOKESTATIC
          && h.getOwner().equals("java/lang/System")
          && h.getName().equals("exit")
          && h.getDesc().equals("(I)V")) {
        return new Handle(Opcodes.H_INVOKESTATIC, GUARD, "exit", "(I)V", false);
      }
      if (h.getTag() == Opcodes.H_INVOKEVIRTUAL
          && h.getOwner().equals("java/lang/Runtime")
          && h.getDesc().equals("(I)V")
          && (h.getName().equals("exit") || h.getName().equals("halt"))) {
        return new Handle(
            Opcodes.H_INVOKESTATIC, GUARD, h.getName(), "(Ljava/lang/Runtime;I)V", false);
      }
      return h;
    }
  }
}
