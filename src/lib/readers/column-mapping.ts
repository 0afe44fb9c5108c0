/** A column by header name or 0-based index; a list joins several columns with ':' (composite ids). */
export type ColumnRef = string | number | (string | number)[];
export type TimeUnit = 'ns' | 'us' | 'ms' | 's';

/** How the columns of a span table map to span fields (the `--columns` JSON file). */
export interface ColumnMapping {
  traceId: ColumnRef;
  spanId: ColumnRef;
  parentId?: ColumnRef;
  /** Service name column; when absent, the service comes from `instance` by `serviceFromInstance`. */
  service?: ColumnRef;
  /** Pod / instance / host column. */
  instance?: ColumnRef;
  operation?: ColumnRef;
  kind?: ColumnRef;
  status?: ColumnRef;
  start: ColumnRef;
  /** Either `end` or `duration`. */
  end?: ColumnRef;
  duration?: ColumnRef;
  /** Unit of `start` and `end` (default ms). */
  timeUnit?: TimeUnit;
  /** Unit of `duration` (default: `timeUnit`). */
  durationUnit?: TimeUnit;
  separator?: string;
  /** The file has no header row: columns are indexes. */
  noHeader?: boolean;
  /**
   * Parent values that mean "no parent" (default: DEFAULT_ROOT_PARENT_VALUES); a composite parent id
   * (a list of columns) also means "no parent" when one of its parts is empty.
   */
  rootParentValues?: string[];
  /** Regex rule from instance to service: default strips a Kubernetes pod suffix `-<replicaset hash>-<pod hash>`. */
  serviceFromInstance?: { pattern: string; replacement: string };
  /** Explicit instance -> service names, tried before the rule. */
  services?: Record<string, string>;
}
