import { encodeModel, type Dim, type Initializer, type NodeSpec, type ValueSpec } from './proto.ts';

/**
 * Writes an ONNX graph node by node: every helper returns the name of the value it produced. Shared by the
 * scoring graph and the training-step graph of the flow-VAE.
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inits: Initializer[] = [];
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  private fresh(base: string): string {
    return `${base}_${this.counter++}`;
  }

  input(name: string, dims: Dim[]): string {
    this.inputs.push({ name, dims });
    return name;
  }

  /** Names `value` as a graph output (through Identity when it is already named otherwise). */
  output(name: string, value: string, dims: Dim[]): void {
    this.nodes.push({ op: 'Identity', inputs: [value], outputs: [name] });
    this.outputs.push({ name, dims });
  }

  /** A float constant (an initialiser) of the given shape ([] for a scalar). */
  constant(values: ArrayLike<number>, dims: number[] = [values.length], name = this.fresh('const')): string {
    this.inits.push({ name, dims, data: Float32Array.from(values) });
    return name;
  }

  scalar(v: number): string {
    return this.constant([v], []);
  }

  ints(values: number[]): string {
    const name = this.fresh('ints');
    this.inits.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  op(type: string, inputs: string[], attrs?: NodeSpec['attrs']): string {
    const out = this.fresh(type.toLowerCase());
    this.nodes.push({ op: type, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  }

  /** Sum over one axis, that axis dropped. */
  sumAxis(x: string, axis: number): string {
    return this.op('ReduceSum', [x, this.ints([axis])], { keepdims: 0 });
  }

  /** Columns from .. from + count - 1 of a matrix. */
  columns(x: string, from: number, count: number): string {
    return this.op('Slice', [x, this.ints([from]), this.ints([from + count]), this.ints([1])]);
  }

  /** softplus(a) = relu(a) - log(sigmoid(|a|)), as dense.ts computes it (onnxruntime's Softplus is not vectorised). */
  softplus(a: string): string {
    return this.op('Sub', [this.op('Relu', [a]), this.op('Log', [this.op('Sigmoid', [this.op('Abs', [a])])])]);
  }

  leakyRelu(a: string, alpha: number): string {
    return this.op('LeakyRelu', [a], { alpha: { float: alpha } });
  }

  /** x W + b. */
  affine(x: string, w: string, b: string): string {
    return this.op('Add', [this.op('MatMul', [x, w]), b]);
  }

  /** The serialised model. */
  encode(): Uint8Array {
    return encodeModel({ name: this.name, inputs: this.inputs, outputs: this.outputs, initializers: this.inits, nodes: this.nodes });
  }
}
