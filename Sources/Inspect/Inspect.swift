/// Reading recorded provenance logs (W3C PROV-JSON and SPADE JSON):
/// summaries, conversion and lineage for `camflow inspect`.
public enum Inspect {}
