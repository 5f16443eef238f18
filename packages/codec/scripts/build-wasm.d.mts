// Types of build-wasm.mjs for the test that compares the shipped modules with a fresh compile.
export declare const ASC_OPTIONS: readonly string[];
export declare const MODULES: ReadonlyArray<readonly [file: string, constant: string]>;
export declare function compileModule(file: string): Promise<Uint8Array>;
export declare function compileAll(): Promise<Uint8Array[]>;
export declare function dataModule(binaries: readonly Uint8Array[]): string;
