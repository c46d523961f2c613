/**
 * How a batch transaction opens, in BEGIN's round trip. A batch's multi-row statements
 * build their input (`unnest` of ~30,000-element arrays) and the version compare-and-set
 * its hash join in memory bounded by work_mem: at the default 4 MB both spilled to
 * temporary files on every batch of the bench (activity_changes, stream_versions). 64 MB
 * holds a 16 MiB fetch's batch; it is a per-node ceiling, taken only as needed, and only
 * inside this transaction.
 */
export const BATCH_BEGIN = "BEGIN; SET LOCAL work_mem = '64MB'";
