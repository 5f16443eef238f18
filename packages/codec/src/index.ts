// @m2m/codec is not implemented yet: see README.md. It deliberately exports nothing.
export {};
