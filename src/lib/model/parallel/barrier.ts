/**
 * A reusable barrier for `parties` threads on shared memory: two Int32 cells, an arrival count and a
 * generation number. The last thread to arrive resets the count, bumps the generation and wakes the others.
 */
export class Barrier {
  static readonly BYTES = 8;
  private readonly cells: Int32Array;
  constructor(buffer: SharedArrayBuffer, private readonly parties: number, byteOffset = 0) {
    this.cells = new Int32Array(buffer, byteOffset, 2);
  }
  wait(): void {
    const c = this.cells;
    const generation = Atomics.load(c, 1);
    if (Atomics.add(c, 0, 1) === this.parties - 1) {
      Atomics.store(c, 0, 0);
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
    } else {
      while (Atomics.load(c, 1) === generation) Atomics.wait(c, 1, generation);
    }
  }
}
