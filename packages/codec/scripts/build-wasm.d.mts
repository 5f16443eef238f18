// Types of build-wasm.mjs for the test that compares the shipped decoder with a fresh compile.
export declare const ASC_OPTIONS: readonly string[];
export declare function compileLzrDecoder(): Promise<Uint8Array>;
export declare function dataModule(bytes: Uint8Array): string;
