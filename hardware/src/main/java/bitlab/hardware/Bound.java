package bitlab.hardware;

/** What limits a layer on a target: its arithmetic, its memory traffic, or (for a table) unknown. */
public enum Bound {
  COMPUTE,
  MEMORY,
  UNKNOWN
}
