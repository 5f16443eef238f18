// @m2m/crypto is not implemented yet: see README.md. It deliberately exports nothing.
export {};
