/**
 * A minimal writer of ONNX ModelProto (protobuf wire format), enough for the graphs this project builds: float and
 * int64 initialisers, nodes with int, float, ints and string attributes, inputs and outputs with fixed or named
 * dimensions. Field numbers from onnx/onnx.proto3. No ONNX tooling is needed at run time.
 */

export const FLOAT = 1;
export const INT64 = 7;

class Writer {
  private readonly chunks: Uint8Array[] = [];
  private len = 0;

  bytes(u8: Uint8Array): this {
    this.chunks.push(u8);
    this.len += u8.length;
    return this;
  }

  varint(value: number | bigint): this {
    let b = BigInt(value);
    if (b < 0n) b += 1n << 64n; // int64 two's complement, 10 bytes
    const out: number[] = [];
    while (b >= 0x80n) {
      out.push(Number(b & 0x7fn) | 0x80);
      b >>= 7n;
    }
    out.push(Number(b));
    return this.bytes(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    return this.tag(field, 0).varint(v);
  }

  f32(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.tag(field, 5).bytes(b);
  }

  raw(field: number, u8: Uint8Array): this {
    return this.tag(field, 2).varint(u8.length).bytes(u8);
  }

  str(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  msg(field: number, w: Writer): this {
    return this.raw(field, w.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** A dimension: a fixed size or a name (a size given at run time). */
export type Dim = number | string;

export interface ValueSpec {
  name: string;
  dims: Dim[];
  elemType?: typeof FLOAT | typeof INT64;
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export type AttrValue = number | { float: number } | string | number[];

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers: Initializer[];
  nodes: NodeSpec[];
  /** ai.onnx opset (17). */
  opset?: number;
}

function valueInfo(v: ValueSpec): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.msg(1, typeof d === 'string' ? new Writer().str(2, d) : new Writer().int(1, d));
  const tensor = new Writer().int(1, v.elemType ?? FLOAT).msg(2, shape);
  return new Writer().str(1, v.name).msg(2, new Writer().msg(1, tensor));
}

function tensor(t: Initializer): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.data instanceof BigInt64Array ? INT64 : FLOAT).str(8, t.name);
  return w.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

// AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7)
function attribute(name: string, value: AttrValue): Writer {
  const w = new Writer().str(1, name);
  if (typeof value === 'object' && !Array.isArray(value)) return w.f32(2, value.float).int(20, 1);
  if (typeof value === 'number') return Number.isInteger(value) ? w.int(3, value).int(20, 2) : w.f32(2, value).int(20, 1);
  if (typeof value === 'string') return w.str(4, value).int(20, 3);
  for (const v of value) w.int(8, v);
  return w.int(20, 7);
}

/** The serialised ModelProto of a graph (IR version 8). */
export function encodeModel(g: GraphSpec): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => {
    const w = new Writer();
    for (const x of n.inputs) w.str(1, x);
    for (const x of n.outputs) w.str(2, x);
    w.str(3, `${n.op}_${i}`).str(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) w.msg(5, attribute(k, v));
    graph.msg(1, w);
  });
  graph.str(2, g.name);
  for (const t of g.initializers) graph.msg(5, tensor(t));
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  return new Writer()
    .int(1, 8)
    .str(2, 'traceanomaly-harness')
    .msg(7, graph)
    .msg(8, new Writer().str(1, '').int(2, g.opset ?? 17))
    .finish();
}
