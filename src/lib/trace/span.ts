/** A span of a tracing system (Jaeger, Zipkin, OpenTelemetry, span tables), times in milliseconds. */
export interface Span {
  spanId: string;
  /** Parent span id; undefined for a root span. */
  parentId?: string;
  service: string;
  operation?: string;
  kind: SpanKind;
  start: number;
  end: number;
  status?: string;
  instance?: string;
  /** Zipkin: a server span that shares its id with the client span that called it. */
  shared?: boolean;
}

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal' | 'unspecified';

/** Maps the kind spellings of Jaeger tags, Zipkin and OTLP (names or enum numbers) to a SpanKind. */
export function parseSpanKind(raw: unknown): SpanKind {
  if (raw === undefined || raw === null || raw === '') return 'unspecified';
  switch (String(raw).toLowerCase().replace(/^span_kind_/, '')) {
    case 'server':
    case '2':
      return 'server';
    case 'client':
    case '3':
      return 'client';
    case 'producer':
    case '4':
      return 'producer';
    case 'consumer':
    case '5':
      return 'consumer';
    case 'internal':
    case '1':
      return 'internal';
    default:
      return 'unspecified';
  }
}
