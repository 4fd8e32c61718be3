/** Where the compiled copies are kept: node_modules/.cache/homelab-ts. */
export declare const CACHE: string;
/** Where the compiled copy of `source` (the text of `filename`) is kept: the directory of `filename`'s copies, which keeps the last one only. */
export declare function cachePath(source: string, filename: string): string;
/** `source` (the text of `filename`) as CommonJS: the cached copy, else compiled now and kept. */
export declare function compiled(source: string, filename: string): string;
