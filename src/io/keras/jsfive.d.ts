// The part of jsfive's API (a pure-JavaScript HDF5 reader; the package ships no types) that the Keras importer uses.
declare module 'jsfive' {
  export type Attributes = Record<string, unknown>;
  export class Dataset {
    readonly attrs: Attributes;
    readonly shape: number[];
    readonly dtype: string | object;
    /** The values in row-major order (numbers for numeric types). */
    readonly value: unknown;
  }
  export class Group {
    readonly attrs: Attributes;
    readonly keys: string[];
    get(path: string): Group | Dataset | undefined;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
