package bitlab.kernel.magic;

import bitlab.kernel.eval.Evaluator;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** {@code %vars}: the notebook's variables with their types and a short value. */
final class VarsMagic {
  private VarsMagic() {}

  static Object run(String args, String body, MagicContext ctx) {
    var vars = ctx.evaluator().variables();
    if (vars.isEmpty()) {
      ctx.publisher().stream("stdout", "No variables yet.\n");
      return Evaluator.NO_VALUE;
    }
    StringColumn name = StringColumn.create("name");
    StringColumn type = StringColumn.create("type");
    StringColumn value = StringColumn.create("value");
    for (Evaluator.Var v : vars) {
      name.append(v.name());
      type.append(v.type());
      String first = v.value().lines().findFirst().orElse("");
      value.append(v.value().contains("\n") ? first + " ..." : first);
    }
    return Table.create("variables", name, type, value);
  }
}
